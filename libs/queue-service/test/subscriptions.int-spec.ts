// Subscription registry behaviour across connections and gateways (spec smp.md §8.1, §11.2), the
// bus's release/resubscribe ops, per-queue ordering under concurrency, and durability across a
// service restart on the same Postgres database.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { bytesEqual, generateKeyPair } from '@simplex-relay/protocol';
import { PostgresQueueStore, VShardClaimError } from '@simplex-relay/queue-store';
import { createQueue, msgText, send, tagOf } from './support/client.ts';
import type { Queue, TestConn } from './support/client.ts';
import { PgDatabase, makeHarness, testCrypto } from './support/harness.ts';
import type { Backend, Harness } from './support/harness.ts';

const pg = new PgDatabase();
after(() => pg.drop());

const msgId = (m: unknown): Uint8Array => (m as { msgId: Uint8Array }).msgId;

async function nextText(c: TestConn, q: Queue): Promise<{ id: Uint8Array; text: string }> {
  const e = await c.nextEvent();
  return { id: msgId(e.msg), text: msgText(testCrypto, q, e.msg) };
}

function suite(backend: Backend): void {
  describe(`QueueService subscriptions (${backend})`, () => {
    let h: Harness;
    const fresh = async () => {
      await h?.close();
      h = await makeHarness(backend, pg);
      return h;
    };
    after(() => h?.close());

    it('moves a subscription to a connection on another gateway and sends END to the previous one (testSwitchSub)', async () => {
      await fresh();
      const rh1 = h.conn(18, 'gwA');
      const rh2 = h.conn(18, 'gwB');
      const sh = h.conn(18, 'gwC');
      const q = await createQueue(rh1);
      const k = { key: q.rKey.priv, entityId: q.rId };
      await sh.send(send('test1'), { entityId: q.sId });
      await sh.send(send('test2, no ACK'), { entityId: q.sId });
      const m1 = await nextText(rh1, q);
      assert.equal(m1.text, 'test1', 'delivered to the first connection');
      const a = await rh1.send({ tag: 'ACK', msgId: m1.id }, k);
      assert.equal(msgText(testCrypto, q, a.msg), 'test2, no ACK');
      const sub = await rh2.send({ tag: 'SUB' }, k);
      assert.equal(sub.msg.tag, 'SOK');
      assert.equal(
        msgText(testCrypto, q, sub.events[0]!.msg),
        'test2, no ACK',
        'unacknowledged message delivered again',
      );
      assert.equal(
        tagOf(await rh2.send({ tag: 'ACK', msgId: msgId(sub.events[0]!.msg) }, k)),
        'OK',
      );
      const end = await rh1.nextEvent();
      assert.equal(end.msg.tag, 'END', 'the first connection, on another gateway, is told');
      assert.ok(bytesEqual(end.entityId, q.rId));
      await sh.send(send('test3'), { entityId: q.sId });
      const m3 = await nextText(rh2, q);
      assert.equal(m3.text, 'test3', 'delivered to the second connection');
      assert.equal(
        tagOf(await rh1.send({ tag: 'ACK', msgId: m3.id }, k)),
        'ERR NO_MSG',
        'the first connection lost its state',
      );
      assert.equal(tagOf(await rh2.send({ tag: 'ACK', msgId: m3.id }, k)), 'OK');
      assert.equal(tagOf(await rh1.send({ tag: 'DEL' }, k)), 'OK');
      const deld = await rh2.nextEvent();
      assert.equal(deld.msg.tag, 'DELD', 'the subscriber learns the queue was deleted');
      assert.deepEqual(rh1.events(), [], 'nothing else to the first connection');
    });

    it('sends DELD as END to a subscriber below v10', async () => {
      await fresh();
      const old = h.conn(9, 'gwA');
      const q = await createQueue(old);
      assert.equal(
        tagOf(await h.conn().send({ tag: 'DEL' }, { key: q.rKey.priv, entityId: q.rId })),
        'OK',
      );
      assert.equal((await old.nextEvent()).msg.tag, 'END');
    });

    it('forgets a released connection: a new message is not pushed to it', async () => {
      await fresh();
      const r = h.conn(18, 'gwA');
      const q = await createQueue(r);
      const [res] = await r.gw.request([
        { type: 'release', connId: r.connId, ids: [{ kind: 'rcv', id: q.rId }] },
      ]);
      assert.deepEqual(res, { type: 'transmissions', items: [] }, 'release has no answer');
      await h.conn().send(send('after release'), { entityId: q.sId });
      assert.deepEqual(r.events(), [], 'not pushed to the released connection');
      assert.equal(h.service.registrySize.subscribers, 0);
    });

    it('re-registers on resubscribe and re-delivers the head as an event; a moved subscription gets END; a deleted queue DELD', async () => {
      await fresh();
      const r = h.conn(18, 'gwA');
      const q = await createQueue(r, { subscribe: false });
      await h.conn().send(send('waiting'), { entityId: q.sId });
      const resub = () =>
        r.gw.request([
          {
            type: 'resubscribe',
            connId: r.connId,
            smpVersion: 18,
            ids: [{ kind: 'rcv', id: q.rId }],
          },
        ]);
      await resub();
      const m = await nextText(r, q);
      assert.equal(m.text, 'waiting', 'head delivered as an event');
      assert.equal(
        tagOf(await r.send({ tag: 'ACK', msgId: m.id }, { key: q.rKey.priv, entityId: q.rId })),
        'OK',
        'the connection is the subscriber again',
      );
      const other = h.conn(18, 'gwB');
      await other.send({ tag: 'SUB' }, { key: q.rKey.priv, entityId: q.rId });
      assert.equal((await r.nextEvent()).msg.tag, 'END');
      await resub();
      assert.equal((await r.nextEvent()).msg.tag, 'END', 'the subscription really moved');
      assert.deepEqual(other.events(), [], 'the current holder keeps it');
      await other.send({ tag: 'DEL' }, { key: q.rKey.priv, entityId: q.rId });
      await resub();
      assert.equal((await r.nextEvent()).msg.tag, 'DELD');
    });

    it('restores notifier subscriptions on resubscribe and flushes pending notifications', async () => {
      await fresh();
      const q0 = await createQueue(h.conn(), { subscribe: false });
      const nKey = generateKeyPair(testCrypto, 'ed25519');
      const dh = generateKeyPair(testCrypto, 'x25519');
      const nid = await h
        .conn()
        .send(
          { tag: 'NKEY', notifierKey: nKey.pub, rcvNtfDhKey: dh.pub },
          { key: q0.rKey.priv, entityId: q0.rId },
        );
      const nId = (nid.msg as { notifierId: Uint8Array }).notifierId;
      await h.conn().send(send('ping', true), { entityId: q0.sId });
      const n = h.conn(18, 'ntf');
      await n.gw.request([
        { type: 'resubscribe', connId: n.connId, smpVersion: 18, ids: [{ kind: 'ntf', id: nId }] },
      ]);
      assert.equal((await n.nextEvent()).msg.tag, 'NMSG', 'pending notification delivered');
      await h.conn().send(send('pong', true), { entityId: q0.sId });
      assert.equal(
        (await n.nextEvent()).msg.tag,
        'NMSG',
        'live notification to the restored subscriber',
      );
      await n.gw.request([{ type: 'release', connId: n.connId, ids: [{ kind: 'ntf', id: nId }] }]);
      assert.equal(h.service.registrySize.notifiers, 0);
    });

    it('drops every entry of a gateway that went away', async () => {
      await fresh();
      const r = h.conn(18, 'gwGone');
      const q = await createQueue(r);
      await createQueue(h.conn(18, 'gwGone'));
      assert.equal(h.service.dropGateway('gwGone'), 2, 'two connections had entries');
      await h.conn().send(send('x'), { entityId: q.sId });
      assert.deepEqual(r.events(), []);
      assert.deepEqual(h.service.registrySize, {
        subscribers: 0,
        getters: 0,
        notifiers: 0,
        connections: 0,
      });
    });

    it('runs ops on one queue in arrival order under concurrency, across gateways', async () => {
      await fresh();
      const r = h.conn(18, 'gwA');
      const q = await createQueue(r, { subscribe: false });
      const senders = ['g1', 'g2', 'g3'].map((g) => h.conn(18, g));
      const others = await Promise.all(
        [1, 2, 3].map(() => createQueue(h.conn(), { subscribe: false })),
      );
      // Interleave SENDs to one queue from three gateways with traffic on other queues.
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        jobs.push(senders[i % 3]!.send(send(`m${i}`), { entityId: q.sId }));
        jobs.push(h.conn().send(send('noise'), { entityId: others[i % 3]!.sId }));
      }
      // A QUE and a SUB by recipient ID submitted after the SENDs by sender ID see all of them.
      const que = r.send({ tag: 'QUE' }, { key: q.rKey.priv, entityId: q.rId });
      const sub = r.send({ tag: 'SUB' }, { key: q.rKey.priv, entityId: q.rId });
      await Promise.all(jobs);
      const s = await sub;
      assert.equal(msgText(testCrypto, q, s.events[0]!.msg), 'm0', 'the first SEND is the head');
      const info = (await que).msg as { info: { size: number } };
      assert.equal(info.info.size, 30, 'no later op by recipient ID overtook a SEND by sender ID');
      let id = msgId(s.events[0]!.msg);
      for (let i = 1; i < 30; i++) {
        const a = await r.send({ tag: 'ACK', msgId: id }, { key: q.rKey.priv, entityId: q.rId });
        assert.equal(msgText(testCrypto, q, a.msg), `m${i}`, 'arrival order kept');
        id = msgId(a.msg);
      }
    });
  });
}

suite('memory');
suite('postgres');

describe('QueueService on Postgres across a restart', () => {
  it('keeps a written message and an acknowledgement across a restart of the service', async () => {
    const url = await pg.url();
    const first = await makeHarness('postgres', pg, {
      vshards: Array.from({ length: 1024 }, (_, i) => i),
    });
    await first.service.start();
    const r = first.conn();
    const q = await createQueue(r);
    await first.conn().send(send('one'), { entityId: q.sId });
    await first.conn().send(send('two'), { entityId: q.sId });
    const m1 = await nextText(r, q);
    assert.equal(
      tagOf(await r.send({ tag: 'ACK', msgId: m1.id }, { key: q.rKey.priv, entityId: q.rId })),
      'MSG',
    );
    await assert.rejects(
      new PostgresQueueStore({ connectionString: url, vshards: [0] }).claimVShards(),
      VShardClaimError,
      "a second instance cannot own the running instance's vshards",
    );
    await first.close();

    const second = await makeHarness('postgres', pg);
    await second.service.start();
    try {
      const sub = await second.conn().send({ tag: 'SUB' }, { key: q.rKey.priv, entityId: q.rId });
      assert.equal(sub.events.length, 1);
      assert.equal(
        msgText(testCrypto, q, sub.events[0]!.msg),
        'two',
        'the acknowledged message stayed deleted, the other survived',
      );
    } finally {
      await second.close();
    }
  });
});
