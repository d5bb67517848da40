// Operator requests over the bus (libs/bus OperatorRequest/OperatorAnswer): a requester publishes
// block/unblock/delete/status to the store's operator subject and reads answers on its own; the
// store runs them through the queue service (OperatorActions). Over the in-process transport and
// over a real nats-server (NATS_URL or 127.0.0.1:4222) with a subject prefix unique to the run.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  InProcessTransport,
  NatsTransport,
  ShardRouter,
  Subjects,
  decodeGatewayInbound,
  decodeOperatorAnswer,
  encodeOperatorRequest,
  encodeStoreRequest,
} from '@simplex-relay/bus';
import type {
  BusTransport,
  OpResult,
  OperatorAction,
  OperatorOutcome,
  OperatorQueueRef,
  StoreOp,
} from '@simplex-relay/bus';
import { decodeBrokerMsg, dhSecret, generateKeyPair } from '@simplex-relay/protocol';
import type { BrokerMsg } from '@simplex-relay/protocol';
import { MemoryQueueStore } from '@simplex-relay/queue-store';
import { testSubjectPrefix } from '@simplex-relay/testing';
import { BusEventSink, QueueService, QueueServiceCounter as C, StoreNode } from '../src/index.ts';
import { Mailbox, TestConn, rnd, send, tagOf } from './support/client.ts';
import type { GatewayLink, Queue } from './support/client.ts';
import {
  FakeClock,
  ManualTimers,
  RecordingMetrics,
  SHARD_KEY,
  quietLogger,
  testCrypto,
} from './support/harness.ts';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
/** The store owns the lower half of the vshards: requests for the upper half are not its own. */
const OWNED = [...Array(512).keys()];

/** A gateway on the bus for the SMP side of the test (queues, subscriptions, events). */
class BusGateway implements GatewayLink {
  readonly mailbox = new Mailbox();
  readonly versions = new Map<number, number>();
  readonly #pending = new Map<number, { results: OpResult[]; done: (r: OpResult[]) => void }>();
  #batch = 0;

  constructor(
    readonly gatewayId: string,
    private readonly transport: BusTransport,
    private readonly subjects: Subjects,
    private readonly storeId: string,
  ) {
    transport.subscribe(subjects.gateway(gatewayId), (m) => {
      const msg = decodeGatewayInbound(m.data);
      if (msg.type === 'events') {
        for (const e of msg.events)
          this.mailbox.push(e.connId, {
            entityId: e.entityId,
            msg: decodeBrokerMsg(this.versions.get(e.connId) ?? 18, e.msg),
          });
        return;
      }
      const p = this.#pending.get(msg.batchId);
      if (!p) return;
      msg.results.forEach((r, i) => (p.results[msg.first + i] = r));
      this.#pending.delete(msg.batchId);
      p.done(p.results);
    });
  }

  request(ops: StoreOp[]): Promise<OpResult[]> {
    const batchId = ++this.#batch;
    return new Promise((done) => {
      this.#pending.set(batchId, { results: new Array(ops.length), done });
      this.transport.publish(
        this.subjects.store(this.storeId),
        encodeStoreRequest({ gatewayId: this.gatewayId, batchId, ops }),
      );
    });
  }
}

/** The requester side: what a gateway's control port does on the bus. */
class Operator {
  readonly #pending = new Map<number, (o: OperatorOutcome) => void>();
  #next = 0;

  constructor(
    private readonly transport: BusTransport,
    private readonly subjects: Subjects,
    private readonly storeId: string,
    private readonly router: ShardRouter,
  ) {
    transport.subscribe(subjects.operatorAnswers('ctl'), (m) => {
      const a = decodeOperatorAnswer(m.data);
      assert.equal(a.storeId, storeId, 'the answer names the store');
      this.#pending.get(a.requestId)?.(a.outcome);
      this.#pending.delete(a.requestId);
    });
  }

  run(
    queue: OperatorQueueRef,
    action: OperatorAction,
    vshard = 'senderId' in queue
      ? this.router.ofClientId(queue.senderId)
      : this.router.ofServerId(queue.recipientId),
  ): Promise<OperatorOutcome> {
    const requestId = ++this.#next;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no operator answer')), 5000);
      this.#pending.set(requestId, (o) => {
        clearTimeout(timer);
        resolve(o);
      });
      this.transport.publish(
        this.subjects.operator(this.storeId),
        encodeOperatorRequest({ requesterId: 'ctl', requestId, vshard, queue, action }),
      );
    });
  }
}

/** NEW (messaging mode) with a sender ID on a vshard this store owns. */
async function ownQueue(c: TestConn, subscribe: boolean): Promise<Queue> {
  const router = new ShardRouter(SHARD_KEY);
  let sender = rnd();
  while (!OWNED.includes(router.ofClientId(sender))) sender = rnd();
  const rKey = generateKeyPair(testCrypto, 'ed25519');
  const dhKey = generateKeyPair(testCrypto, 'x25519');
  const a = await c.send(
    {
      tag: 'NEW',
      req: {
        rcvAuthKey: rKey.pub,
        rcvDhKey: dhKey.pub,
        subMode: subscribe ? 'subscribe' : 'onlyCreate',
        queueReqData: { mode: 'messaging' },
      },
    },
    { key: rKey.priv, newSenderId: sender },
  );
  assert.equal(a.msg.tag, 'IDS', 'NEW on an owned vshard creates the queue');
  const ids = (a.msg as Extract<BrokerMsg, { tag: 'IDS' }>).ids;
  return {
    rId: ids.rcvId,
    sId: ids.sndId,
    rKey,
    dh: dhSecret(testCrypto, ids.rcvPublicDhKey, dhKey.priv),
  };
}

function operatorSuite(name: string, connect: () => Promise<BusTransport>): void {
  describe(`operator requests over ${name}`, () => {
    const closers: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of closers.reverse()) await c();
    });

    it('blocks, reports, unblocks and deletes queues by sender or recipient ID, with the daily quota', async () => {
      const storeT = await connect();
      const opT = await connect();
      closers.push(
        () => opT.close(),
        () => storeT.close(),
      );
      const subjects = new Subjects(testSubjectPrefix('qsvc_op'));
      const storeId = 'store1';
      const clock = new FakeClock();
      const timers = new ManualTimers();
      const metrics = new RecordingMetrics();
      const router = new ShardRouter(SHARD_KEY);
      const events = new BusEventSink(storeId, storeT, subjects);
      const service = new QueueService({
        store: new MemoryQueueStore({ vshards: OWNED }),
        router,
        events,
        crypto: testCrypto,
        clock,
        timers,
        metrics,
        logger: quietLogger,
        options: { dailyBlockQueueQuota: 2 },
      });
      const node = new StoreNode({
        storeId,
        epoch: 1n,
        transport: storeT,
        subjects,
        service,
        events,
        clock,
        timers,
        metrics,
        logger: quietLogger,
      });
      await service.start();
      node.start();
      closers.push(async () => {
        await node.stop();
        await service.stop();
      });
      const gw = new BusGateway('gwA', opT, subjects, storeId);
      const op = new Operator(opT, subjects, storeId, router);
      await opT.flush();

      const r = new TestConn(testCrypto, gw);
      const s = new TestConn(testCrypto, gw);
      const q = await ownQueue(r, true); // subscribed at NEW
      const bySender = { senderId: q.sId };
      const byRecipient = { recipientId: q.rId };

      const day = Math.floor(clock.now() / 86_400_000) * 86_400;
      const st = await op.run(bySender, { type: 'status' });
      assert.deepEqual(
        st,
        {
          ok: true,
          status: { kind: 'active' },
          queue: { mode: 'M', updatedAt: day },
        },
        'status reports the status, the mode and the UTC day of the last activity',
      );

      const info = { reason: 'spam' as const, notice: { ttl: 3600 } };
      assert.deepEqual(await op.run(bySender, { type: 'block', info }), {
        ok: true,
        status: { kind: 'active' },
      });
      const ev = await r.nextEvent();
      assert.deepEqual(
        ev,
        { entityId: q.rId, msg: { tag: 'ERR', error: { type: 'BLOCKED', info } } },
        'the subscriber gets ERR BLOCKED with the notice at v18 at once',
      );
      assert.deepEqual(await op.run(byRecipient, { type: 'status' }), {
        ok: true,
        status: { kind: 'blocked', ...info },
        queue: { mode: 'M', updatedAt: day },
      });
      assert.equal(
        tagOf(await s.send(send('blocked?'), { entityId: q.sId })),
        'ERR BLOCKED',
        'SEND to a blocked queue',
      );
      assert.deepEqual(
        await op.run(bySender, { type: 'block', info }),
        { ok: true, status: { kind: 'blocked', ...info } },
        'blocking again with the same info changes nothing and reports the status before',
      );

      assert.deepEqual(await op.run(byRecipient, { type: 'unblock' }), {
        ok: true,
        status: { kind: 'blocked', ...info },
      });
      assert.equal(tagOf(await s.send(send('again'), { entityId: q.sId })), 'OK', 'unblocked');
      assert.equal(
        (await r.nextEvent()).msg.tag,
        'MSG',
        'the subscription outlives the block: the message is delivered',
      );
      assert.deepEqual(
        await op.run(bySender, { type: 'unblock' }),
        { ok: true, status: { kind: 'active' } },
        'unblocking an active queue reports it was active',
      );

      // Quota 2: the first block above counted; one more active queue may be blocked today.
      const q2 = await ownQueue(r, false);
      const q3 = await ownQueue(r, false);
      const spam = { type: 'block' as const, info: { reason: 'content' as const } };
      assert.deepEqual(await op.run({ senderId: q2.sId }, spam), {
        ok: true,
        status: { kind: 'active' },
      });
      assert.deepEqual(
        await op.run({ senderId: q3.sId }, spam),
        { ok: false, error: 'QUOTA' },
        'the third block of the day exceeds dailyBlockQueueQuota',
      );
      clock.advance(86_400);
      assert.deepEqual(
        await op.run({ senderId: q3.sId }, spam),
        { ok: true, status: { kind: 'active' } },
        'the quota is daily',
      );

      assert.deepEqual(await op.run(byRecipient, { type: 'delete' }), {
        ok: true,
        status: { kind: 'active' },
      });
      const deld = await r.nextEvent();
      assert.equal(deld.msg.tag, 'DELD', 'the subscriber hears of the deletion');
      assert.deepEqual(await op.run(bySender, { type: 'status' }), {
        ok: false,
        error: 'NOT_FOUND',
      });
      assert.deepEqual(await op.run({ senderId: rnd() }, { type: 'unblock' }, 0), {
        ok: false,
        error: 'NOT_FOUND',
      });
      assert.deepEqual(
        await op.run(bySender, { type: 'status' }, 600),
        { ok: false, error: 'NOT_OWNER' },
        'a vshard the store does not own is answered NOT_OWNER, not NOT_FOUND',
      );

      opT.publish(subjects.operator(storeId), Uint8Array.of(1, 2, 3));
      await opT.flush();
      assert.deepEqual(
        await op.run({ senderId: q2.sId }, { type: 'status' }),
        {
          ok: true,
          status: { kind: 'blocked', reason: 'content' },
          queue: { mode: 'M', updatedAt: day },
        },
        'the store keeps serving after an undecodable request',
      );
      assert.equal(metrics.get(C.busBadMessages), 1, 'the bad request was counted');
    });
  });
}

const shared = new InProcessTransport();
operatorSuite('the in-process transport', async () => ({
  publish: (s, d, h) => shared.publish(s, d, h),
  subscribe: (s, f) => shared.subscribe(s, f),
  flush: () => shared.flush(),
  close: async () => undefined,
}));
operatorSuite('NATS', () => NatsTransport.connect({ url: natsUrl, name: 'operator-bus-test' }));
