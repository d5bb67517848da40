// The behaviour suite every deployment must pass, through real TLS sockets with the SMP client:
// queue lifecycle (v18 and v8), fast connection, ordering and ACK, GET, quota, notifications,
// subscription takeover, durability across a restart, upstream serverSyntaxTests errors, the
// AUTH / NO_MSG paths of upstream tests/ServerTests.hs, and /metrics. Run once against the
// one-process relay and once against a cluster (embedded-relay.int-spec.ts, cluster.int-spec.ts).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cbDecrypt, cbNonce, generateKeyPair } from '@simplex-relay/protocol';
import type { OutgoingTransmission } from '@simplex-relay/protocol';
import { decryptNMsgMeta, rcvNtfDhSecret } from '@simplex-relay/smp-client';
import { SERVER_SYNTAX_CASES } from '@simplex-relay/testing';
import {
  Conn,
  V8,
  createQueue,
  hex,
  open,
  provider,
  rejectsWith,
  rejectsWithCmd,
  subscribeAndReceive,
  td,
  te,
  text,
  type TestQueue,
} from './client.ts';
import { RawClient, ascii, show } from './raw-client.ts';
import { perTestConnections, testWithLogs } from './suite.ts';

/** A running deployment under test. */
export interface Target {
  /** Address of the "A" side: the recipient's gateway. */
  readonly addressA: string;
  /** Address of the "B" side: another gateway in a cluster; the same relay otherwise. */
  readonly addressB: string;
  /** Number of queue stores (1 for the one-process relay). */
  readonly storeCount: number;
  /** Index of the store holding this queue. */
  storeOf(q: { rcvId: Uint8Array; sndId: Uint8Array }): number;
  /** Restarts what holds this queue's messages (its store, or the whole relay). */
  restartQueueOwner(q: { rcvId: Uint8Array; sndId: Uint8Array }): Promise<void>;
  /** /metrics texts of the gateway side and of the store side (the same text for the relay). */
  metrics(): Promise<{ gateways: string[]; stores: string[] }>;
  /** Log tails of the processes, printed when a test fails. */
  logTail(): string;
}

const SIG = new Uint8Array(64).fill(7); // an Ed25519-sized authorization that verifies for nothing

/** Sums a Prometheus metric over its label sets (prom-client may add `_total`). */
export function metricValue(text: string, name: string): number {
  const re = new RegExp(`^${name}(?:_total)?(?:\\{[^}]*\\})? (\\S+)$`, 'gm');
  let sum = 0;
  let found = false;
  for (const m of text.matchAll(re)) {
    found = true;
    sum += Number(m[1]);
  }
  assert.ok(found, `metric ${name} is exposed`);
  return sum;
}

/** Registers the behaviour tests in the current describe block; `target()` is read when they run. */
export function behaviourSuite(target: () => Target): void {
  let placed = 0;
  const connect = perTestConnections();
  /** A queue on the next store in turn, so the suite's queues are spread over every store. */
  const newQueue = async (
    c: Conn,
    o: Parameters<typeof createQueue>[1] = {},
  ): Promise<TestQueue> => {
    const t = target();
    const want = placed++ % t.storeCount;
    for (let i = 0; i < 32; i++) {
      const q = await createQueue(c, o);
      if (t.storeOf(q) === want) return q;
    }
    throw new Error(`no queue landed on store ${want} in 32 attempts`);
  };
  const test = testWithLogs(target);

  const lifecycle = async (v?: { min: number; max: number }): Promise<void> => {
    const t = target();
    const rcv = await connect(t.addressA, v);
    const snd = await connect(t.addressB, v);
    const version = v?.max ?? 18;
    assert.equal(rcv.version, version, `the session runs at v${version}`);
    const q = await newQueue(rcv);
    assert.equal(q.rcvId.length, 24, 'IDS carries a 24-byte recipient ID');
    assert.equal(q.sndId.length, 24, 'IDS carries a 24-byte sender ID');
    assert.notEqual(hex(q.rcvId), hex(q.sndId), 'recipient and sender IDs differ');

    const sndKey = generateKeyPair(provider, 'ed25519');
    await rcv.client.secureQueue(q.rcvId, q.rcvKey.priv, sndKey.pub);
    await rejectsWith(
      snd.client.sendMessage(q.sndId, undefined, te('unsigned')),
      'AUTH',
      'a secured queue refuses an unsigned SEND',
    );
    await snd.client.sendMessage(q.sndId, sndKey.priv, te(`hello at v${version}`));

    const m = await subscribeAndReceive(rcv, q);
    assert.equal(text(q, m), `hello at v${version}`, 'SUB delivers the sent body, decryptable');
    assert.equal(
      await rcv.client.ack(q.rcvId, q.rcvKey.priv, m.msgId),
      undefined,
      'ACK of the only message answers OK',
    );

    await rcv.client.suspendQueue(q.rcvId, q.rcvKey.priv);
    await rejectsWith(
      snd.client.sendMessage(q.sndId, sndKey.priv, te('after OFF')),
      'AUTH',
      'SEND to a suspended queue answers AUTH',
    );

    await rcv.client.deleteQueue(q.rcvId, q.rcvKey.priv);
    await rejectsWith(
      rcv.client.subscribe(q.rcvId, q.rcvKey.priv),
      'AUTH',
      'a deleted queue no longer exists for its recipient',
    );
    await rejectsWith(
      snd.client.sendMessage(q.sndId, sndKey.priv, te('after DEL')),
      'AUTH',
      'a deleted queue no longer exists for its sender',
    );
  };

  test('runs the queue lifecycle NEW → KEY → SEND → SUB/MSG → ACK → OFF → DEL at v18', () =>
    lifecycle());

  test('runs the queue lifecycle NEW → KEY → SEND → SUB/MSG → ACK → OFF → DEL at v8', () =>
    lifecycle(V8));

  test('lets the sender secure a messaging queue with SKEY and send at once (fast connection, v18)', async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const snd = await connect(t.addressB);
    const q = await newQueue(rcv, { messaging: true });
    const sndKey = generateKeyPair(provider, 'ed25519');
    await snd.client.secureSndQueue(q.sndId, sndKey);
    await snd.client.secureSndQueue(q.sndId, sndKey); // the same key again is idempotent
    await rejectsWith(
      snd.client.secureSndQueue(q.sndId, generateKeyPair(provider, 'ed25519')),
      'AUTH',
      'another sender key cannot replace the one set by SKEY',
    );
    await rejectsWith(
      snd.client.sendMessage(q.sndId, undefined, te('unsigned')),
      'AUTH',
      'after SKEY an unsigned SEND is refused',
    );
    await snd.client.sendMessage(q.sndId, sndKey.priv, te('fast hello'));
    const m = await subscribeAndReceive(rcv, q);
    assert.equal(text(q, m), 'fast hello', 'the message signed with the SKEY key is delivered');
  });

  test('delivers 20 messages one per ACK in send order and answers NO_MSG to a wrong or repeated ACK', async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const snd = await connect(t.addressB);
    const q = await newQueue(rcv);
    // Issued in one turn: one batch, answered in order, stored in order.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => snd.client.sendMessage(q.sndId, undefined, te(`m${i}`))),
    );
    let m = await subscribeAndReceive(rcv, q);
    assert.equal(text(q, m), 'm0', 'SUB delivers the oldest message first');
    await rejectsWith(
      rcv.client.ack(q.rcvId, q.rcvKey.priv, new Uint8Array(randomBytes(24))),
      'NO_MSG',
      'ACK of an ID that was not delivered answers NO_MSG',
    );
    for (let i = 1; i < 20; i++) {
      const next = await rcv.client.ack(q.rcvId, q.rcvKey.priv, m.msgId);
      assert.ok(next, `ACK of m${i - 1} answers with the next message`);
      assert.equal(text(q, next), `m${i}`, 'messages arrive in send order');
      if (i === 1)
        await rejectsWith(
          rcv.client.ack(q.rcvId, q.rcvKey.priv, m.msgId),
          'NO_MSG',
          'a repeated ACK of an acknowledged message answers NO_MSG',
        );
      m = next;
    }
    assert.equal(
      await rcv.client.ack(q.rcvId, q.rcvKey.priv, m.msgId),
      undefined,
      'ACK of the last message answers OK',
    );
    await rejectsWith(
      rcv.client.ack(q.rcvId, q.rcvKey.priv, m.msgId),
      'NO_MSG',
      'a repeated ACK on the emptied queue answers NO_MSG',
    );
    assert.equal(rcv.pending('MSG', q.rcvId), 0, 'no message was pushed besides the ACK answers');
  });

  test('GET returns the head message, ACK removes it, GET of an empty queue answers OK, and SUB after GET is prohibited', async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const snd = await connect(t.addressB);
    const q = await newQueue(rcv);
    await snd.client.sendMessage(q.sndId, undefined, te('fetched'));
    const m = await rcv.client.getMessage(q.rcvId, q.rcvKey.priv);
    assert.ok(m, 'GET answers MSG when a message waits');
    assert.equal(text(q, m), 'fetched', 'GET returns the sent body');
    assert.equal(
      await rcv.client.ack(q.rcvId, q.rcvKey.priv, m.msgId),
      undefined,
      'ACK in GET mode answers OK',
    );
    assert.equal(
      await rcv.client.getMessage(q.rcvId, q.rcvKey.priv),
      undefined,
      'GET of an empty queue answers OK',
    );
    await rejectsWithCmd(
      rcv.client.subscribe(q.rcvId, q.rcvKey.priv),
      'PROHIBITED',
      'SUB on a connection that used GET on the queue answers CMD PROHIBITED',
    );
  });

  test('accepts 128 messages, answers QUOTA to the 129th, delivers 128 messages and the quota marker, then accepts again', async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const snd = await connect(t.addressB);
    const q = await newQueue(rcv);
    await Promise.all(
      Array.from({ length: 128 }, (_, i) =>
        snd.client.sendMessage(q.sndId, undefined, te(`q${i}`)),
      ),
    );
    await rejectsWith(
      snd.client.sendMessage(q.sndId, undefined, te('one too many')),
      'QUOTA',
      'the 129th message exceeds the queue quota',
    );
    let m = await subscribeAndReceive(rcv, q);
    let delivered = 0;
    for (;;) {
      const body = open(q, m);
      if (body.type === 'quota') break;
      assert.equal(text(q, m), `q${delivered}`, 'messages before the marker arrive in order');
      delivered++;
      const next = await rcv.client.ack(q.rcvId, q.rcvKey.priv, m.msgId);
      assert.ok(next, 'the quota marker follows the last message');
      m = next;
    }
    assert.equal(delivered, 128, 'all 128 accepted messages are delivered');
    const raw = cbDecrypt(provider, q.rcvDhSecret, cbNonce(m.msgId), m.encBody);
    assert.equal(ascii(raw.subarray(0, 6)), 'QUOTA ', 'the marker body starts with "QUOTA "');
    assert.equal(
      await rcv.client.ack(q.rcvId, q.rcvKey.priv, m.msgId),
      undefined,
      'the marker is the last item',
    );
    await snd.client.sendMessage(q.sndId, undefined, te('after quota'));
    const e = await rcv.take('MSG', q.rcvId);
    assert.equal(text(q, e), 'after quota', 'a drained queue accepts and delivers again');
  });

  test('sends NMSG to the notifier subscriber for a flagged SEND, decrypting to the message ID', async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const ntf = await connect(t.addressB);
    const snd = await connect(t.addressB);
    const q = await newQueue(rcv, { subscribe: true });
    const ntfKey = generateKeyPair(provider, 'ed25519');
    const ntfDh = generateKeyPair(provider, 'x25519');
    const nid = await rcv.client.enableNotifications(q.rcvId, q.rcvKey.priv, ntfKey.pub, ntfDh.pub);
    assert.equal(nid.notifierId.length, 24, 'NID carries a 24-byte notifier ID');
    await ntf.client.subscribeNotifications(nid.notifierId, ntfKey.priv);
    await snd.client.sendMessage(q.sndId, undefined, te('notify me'), { notification: true });

    const msg = await rcv.take('MSG', q.rcvId);
    const body = open(q, msg);
    assert.ok(body.type === 'message' && body.flags.notification, 'the stored flag is delivered');
    assert.equal(td(body.body), 'notify me');
    const nmsg = await ntf.take('NMSG', nid.notifierId);
    const secret = rcvNtfDhSecret(provider, nid.srvNtfDhKey, ntfDh.priv);
    const meta = decryptNMsgMeta(provider, secret, nmsg.nonce, nmsg.encMeta);
    assert.equal(hex(meta.msgId), hex(msg.msgId), 'NMSG names the delivered message');
  });

  test('ends the first subscription with END when another connection subscribes; the new subscriber gets the messages', async () => {
    const t = target();
    const first = await connect(t.addressA);
    const second = await connect(t.addressB);
    const snd = await connect(t.addressB);
    const q = await newQueue(first, { subscribe: true });
    assert.equal(
      await second.client.subscribe(q.rcvId, q.rcvKey.priv),
      undefined,
      'SUB of an empty queue answers SOK',
    );
    await first.take('END', q.rcvId);
    await snd.client.sendMessage(q.sndId, undefined, te('to the new subscriber'));
    const m = await second.take('MSG', q.rcvId);
    assert.equal(text(q, m), 'to the new subscriber', 'the new subscriber receives the message');
    // A store round trip on the first connection: anything the store pushed to it earlier arrives first.
    await first.client.getQueueInfo(q.rcvId, q.rcvKey.priv);
    assert.equal(first.pending('MSG', q.rcvId), 0, 'the ended subscriber gets no message');
  });

  test('keeps an accepted message across a restart of the process holding it', async () => {
    const t = target();
    let rcv = await connect(t.addressA);
    const snd = await connect(t.addressB);
    const q = await newQueue(rcv);
    await snd.client.sendMessage(q.sndId, undefined, te('durable'));
    // Closed before the restart (closing again after the test is harmless).
    await Promise.all([rcv.close(), snd.close()]);
    await t.restartQueueOwner(q);
    rcv = await connect(t.addressA);
    const m = await subscribeAndReceive(rcv, q);
    assert.equal(text(q, m), 'durable', 'the message acknowledged with OK survived the restart');
  });

  test('answers every upstream serverSyntaxTests case through a real socket', async () => {
    const client = await RawClient.connect(target().addressA);
    try {
      assert.equal(client.version, 18, 'the raw client negotiates v18');
      for (const {
        name: caseName,
        signed,
        corrId,
        entityId: entity,
        command,
        expected,
      } of SERVER_SYNTAX_CASES) {
        const auth = signed ? SIG : undefined;
        const tr: OutgoingTransmission = {
          ...(auth && { auth }),
          corrId: te(corrId),
          entityId: te(entity),
          command,
        };
        await client.send([tr]);
        const [r] = await client.take(1);
        assert.ok(r, caseName);
        assert.equal(show(r), expected, `${caseName}: upstream's answer`);
        assert.equal(ascii(r.corrId), corrId, `${caseName}: the corrId is echoed`);
        assert.equal(ascii(r.entityId), entity, `${caseName}: the entity ID is echoed`);
      }
    } finally {
      client.close();
    }
  });

  test('answers AUTH to a wrong key, an unknown queue and a wrongly signed SEND, and NO_MSG to an ACK without delivery (ServerTests)', async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const snd = await connect(t.addressB);
    const q = await newQueue(rcv);
    const other = generateKeyPair(provider, 'ed25519');
    await rejectsWith(
      rcv.client.subscribe(q.rcvId, other.priv),
      'AUTH',
      'SUB signed with a key that is not the recipient key answers AUTH',
    );
    await rejectsWith(
      rcv.client.subscribe(new Uint8Array(randomBytes(24)), q.rcvKey.priv),
      'AUTH',
      'SUB of a queue that does not exist answers AUTH',
    );
    await rejectsWith(
      snd.client.sendMessage(new Uint8Array(randomBytes(24)), undefined, te('nowhere')),
      'AUTH',
      'SEND to a queue that does not exist answers AUTH',
    );
    const sndKey = generateKeyPair(provider, 'ed25519');
    await rcv.client.secureQueue(q.rcvId, q.rcvKey.priv, sndKey.pub);
    await rejectsWith(
      snd.client.sendMessage(q.sndId, other.priv, te('wrong signature')),
      'AUTH',
      'SEND signed with another key than the sender key answers AUTH',
    );
    await rejectsWith(
      rcv.client.ack(q.rcvId, q.rcvKey.priv, new Uint8Array(randomBytes(24))),
      'NO_MSG',
      'ACK on a connection that neither subscribed nor used GET answers NO_MSG',
    );
  });

  test('exposes upstream-named metrics on the gateway and the store, counts a SEND, and never shows a queue ID', async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const snd = await connect(t.addressB);
    const q = await newQueue(rcv, { subscribe: true });
    const ntfKey = generateKeyPair(provider, 'ed25519');
    const ntfDh = generateKeyPair(provider, 'x25519');
    const nid = await rcv.client.enableNotifications(q.rcvId, q.rcvKey.priv, ntfKey.pub, ntfDh.pub);
    const sum = (texts: string[], name: string): number =>
      texts.reduce((s, x) => s + metricValue(x, name), 0);
    const before = await t.metrics();
    await snd.client.sendMessage(q.sndId, undefined, te('counted'));
    const m = await rcv.take('MSG', q.rcvId);
    const after = await t.metrics();
    assert.equal(
      sum(after.stores, 'simplex_smp_messages_sent') -
        sum(before.stores, 'simplex_smp_messages_sent'),
      1,
      'simplex_smp_messages_sent counts the accepted SEND',
    );
    assert.ok(
      sum(after.gateways, 'simplex_smp_sockets_accepted') >= 2,
      'the gateway side counts accepted sockets',
    );
    for (const name of ['simplex_smp_queues_created', 'simplex_smp_info'])
      assert.ok(sum(after.stores, name) >= 1, `${name} is exposed with a value`);
    const secrets = [q.rcvId, q.sndId, nid.notifierId, m.msgId].flatMap((id) => {
      const b = Buffer.from(id);
      return [b.toString('base64'), b.toString('base64url'), b.toString('hex')];
    });
    for (const body of [...after.gateways, ...after.stores])
      for (const s of secrets)
        assert.ok(!body.includes(s), 'no recipient, sender, notifier or message ID in /metrics');
  });
}

/** NEW without / with a wrong / with the right password, on an address that carries the password. */
export async function passwordChecks(addressWithPassword: string): Promise<void> {
  const bare = addressWithPassword.replace(/:[^:@/]+@/, '@');
  const anonymous = await Conn.open(bare);
  const member = await Conn.open(addressWithPassword);
  try {
    await rejectsWith(
      createQueue(anonymous),
      'AUTH',
      'NEW without the server password answers AUTH',
    );
    await rejectsWith(
      createQueue(anonymous, { basicAuth: te('wrong-secret') }),
      'AUTH',
      'NEW with a wrong server password answers AUTH',
    );
    const q = await createQueue(member);
    assert.equal(q.rcvId.length, 24, 'NEW with the server password answers IDS');
  } finally {
    await Promise.all([anonymous.close(), member.close()]);
  }
}
