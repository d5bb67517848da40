// StoreNode end to end: a test gateway speaks the bus contract (encoded requests to the store's
// subject, answers and events on its own subject) over the in-process transport and over a real
// nats-server (NATS_URL or 127.0.0.1:4222) with a subject prefix unique to the run.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  InProcessTransport,
  NatsTransport,
  ShardRouter,
  Subjects,
  decodeGatewayInbound,
  decodeStoreHeartbeat,
  encodeGatewayHeartbeat,
  encodeStoreRequest,
} from '@simplex-relay/bus';
import type { BusTransport, OpResult, StoreOp } from '@simplex-relay/bus';
import { decodeBrokerMsg } from '@simplex-relay/protocol';
import { MemoryQueueStore } from '@simplex-relay/queue-store';
import { testSubjectPrefix } from '@simplex-relay/testing';
import { BusEventSink, QueueService, QueueServiceCounter as C, StoreNode } from '../src/index.ts';
import { Mailbox, TestConn, createQueue, msgText, send, tagOf } from './support/client.ts';
import type { GatewayLink } from './support/client.ts';
import {
  FakeClock,
  ManualTimers,
  RecordingMetrics,
  SHARD_KEY,
  quietLogger,
  testCrypto,
} from './support/harness.ts';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** A gateway on the bus: correlates answer parts by batch ID, files events per connection. */
class BusGateway implements GatewayLink {
  readonly mailbox = new Mailbox();
  readonly versions = new Map<number, number>();
  /** Arrival log: 'A' answer, 'E' event batch. */
  readonly log: string[] = [];
  readonly #pending = new Map<
    number,
    { results: OpResult[]; left: number; done: (r: OpResult[]) => void }
  >();
  #batch = 0;

  constructor(
    readonly gatewayId: string,
    private readonly transport: BusTransport,
    private readonly subjects: Subjects,
    private readonly storeId: string,
  ) {
    transport.subscribe(subjects.gateway(gatewayId), (m) => this.#on(m.data));
  }

  request(ops: StoreOp[]): Promise<OpResult[]> {
    const batchId = ++this.#batch;
    return new Promise((done) => {
      this.#pending.set(batchId, { results: new Array(ops.length), left: ops.length, done });
      this.transport.publish(
        this.subjects.store(this.storeId),
        encodeStoreRequest({ gatewayId: this.gatewayId, batchId, ops }),
      );
    });
  }

  #on(data: Uint8Array): void {
    const m = decodeGatewayInbound(data);
    if (m.type === 'events') {
      this.log.push('E');
      for (const e of m.events)
        this.mailbox.push(e.connId, {
          entityId: e.entityId,
          msg: decodeBrokerMsg(this.versions.get(e.connId) ?? 18, e.msg),
        });
      return;
    }
    this.log.push('A');
    const p = this.#pending.get(m.batchId);
    if (!p) return;
    m.results.forEach((r, i) => (p.results[m.first + i] = r));
    p.left -= m.results.length;
    if (p.left === 0) {
      this.#pending.delete(m.batchId);
      p.done(p.results);
    }
  }
}

function nodeSuite(name: string, connect: () => Promise<BusTransport>): void {
  describe(`StoreNode over ${name}`, () => {
    const closers: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of closers.reverse()) await c();
    });

    it('serves SMP end to end: answers, cross-gateway events in order, heartbeats, bad payloads, gateway timeout', async () => {
      const storeT = await connect();
      const gwT = await connect();
      closers.push(
        () => gwT.close(),
        () => storeT.close(),
      );
      const subjects = new Subjects(testSubjectPrefix('qsvc'));
      const storeId = 'store1';
      const clock = new FakeClock();
      const timers = new ManualTimers();
      const metrics = new RecordingMetrics();
      const store = new MemoryQueueStore({ vshards: [...Array(1024).keys()] });
      const events = new BusEventSink(storeId, storeT, subjects);
      const service = new QueueService({
        store,
        router: new ShardRouter(SHARD_KEY),
        events,
        crypto: testCrypto,
        clock,
        timers,
        metrics,
        logger: quietLogger,
      });
      const node = new StoreNode({
        storeId,
        epoch: 7n,
        transport: storeT,
        subjects,
        service,
        events,
        clock,
        timers,
        metrics,
        logger: quietLogger,
        gatewayTimeoutMs: 10_000,
      });
      const heartbeats: ReturnType<typeof decodeStoreHeartbeat>[] = [];
      gwT.subscribe(subjects.storeHeartbeat, (m) => heartbeats.push(decodeStoreHeartbeat(m.data)));
      await gwT.flush();
      await service.start();
      node.start();
      closers.push(async () => {
        await node.stop();
        await service.stop();
      });

      const gwA = new BusGateway('gwA', gwT, subjects, storeId);
      const gwB = new BusGateway('gwB', gwT, subjects, storeId);
      await gwT.flush();
      const r = new TestConn(testCrypto, gwA);
      const s = new TestConn(testCrypto, gwB);
      const q = await createQueue(r);
      assert.equal(tagOf(await s.send(send('over the bus'), { entityId: q.sId })), 'OK');
      const ev = await r.nextEvent();
      assert.equal(
        msgText(testCrypto, q, ev.msg),
        'over the bus',
        'MSG event reached the other gateway',
      );

      // An event caused by a request of the same gateway arrives before that request's answer.
      const q2 = await createQueue(r);
      gwA.log.length = 0;
      assert.equal(tagOf(await r.send(send('to myself'), { entityId: q2.sId })), 'OK');
      assert.deepEqual(gwA.log, ['E', 'A'], 'the store publishes events before a later answer');
      await r.nextEvent();

      // Takeover from another gateway: END goes to gateway A.
      const r2 = new TestConn(testCrypto, gwB);
      const sub = await r2.send({ tag: 'SUB' }, { key: q.rKey.priv, entityId: q.rId });
      assert.equal(sub.msg.tag, 'SOK');
      assert.equal((await r.nextEvent()).msg.tag, 'END');

      // Garbage on the store subject is dropped and counted; the node keeps serving.
      gwT.publish(subjects.store(storeId), new Uint8Array([1, 2, 3]));
      assert.equal(
        (await r2.send({ tag: 'QUE' }, { key: q.rKey.priv, entityId: q.rId })).msg.tag,
        'INFO',
      );
      assert.equal(metrics.get(C.busBadMessages), 1);

      // Store heartbeats announce the owned vshards and the epoch.
      await gwT.flush();
      assert.ok(heartbeats.length >= 1, 'heartbeat published on start');
      assert.deepEqual(heartbeats[0], { storeId, epoch: 7n, vshards: [{ from: 0, to: 1023 }] });

      // Gateway B keeps sending heartbeats, gateway A goes silent: A's entries are dropped.
      clock.advance(6);
      gwT.publish(
        subjects.gatewayHeartbeat,
        encodeGatewayHeartbeat({ gatewayId: 'gwB', epoch: 1n }),
      );
      await gwT.flush();
      await new Promise((res) => setTimeout(res, 50));
      clock.advance(6);
      node.tick();
      assert.equal(metrics.get(C.gatewaysExpired), 1, 'gateway A timed out');
      const size = service.registrySize;
      assert.equal(size.subscribers, 1, "gateway B's subscription is kept");
      assert.equal(size.connections, 1);
    });
  });
}

const shared = new InProcessTransport();
nodeSuite('the in-process transport', async () => {
  const t = shared;
  return {
    publish: (s, d, h) => t.publish(s, d, h),
    subscribe: (s, f) => t.subscribe(s, f),
    flush: () => t.flush(),
    close: async () => undefined,
  } satisfies BusTransport;
});
nodeSuite('NATS', () => NatsTransport.connect({ url: natsUrl, name: 'queue-service-test' }));
