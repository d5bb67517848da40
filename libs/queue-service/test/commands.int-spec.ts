// Command semantics against upstream `tests/ServerTests.hs`, driven through real bus ops with real
// keys, on the in-memory store and on Postgres.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  bytesEqual,
  cbDecrypt,
  decodeNMsgMeta,
  dhSecret,
  generateKeyPair,
  maxMessageLength,
  sha3_384,
} from '@simplex-relay/protocol';
import { QueueServiceCounter as C } from '../src/index.ts';
import { createQueue, msgText, rnd, send, tagOf } from './support/client.ts';
import type { Queue, TestConn } from './support/client.ts';
import { PgDatabase, makeHarness, testCrypto } from './support/harness.ts';
import type { Backend, Harness } from './support/harness.ts';

const pg = new PgDatabase();
after(() => pg.drop());

const ed = () => generateKeyPair(testCrypto, 'ed25519');

/** Reads the next pushed MSG of `c` and returns its text. */
async function pushed(c: TestConn, q: Queue): Promise<{ id: Uint8Array; text: string }> {
  const e = await c.nextEvent();
  assert.equal(e.msg.tag, 'MSG', 'a message event');
  assert.ok(bytesEqual(e.entityId, q.rId), 'event entity is the recipient ID');
  return { id: (e.msg as { msgId: Uint8Array }).msgId, text: msgText(testCrypto, q, e.msg) };
}

function suite(backend: Backend): void {
  describe(`QueueService commands (${backend})`, () => {
    let h: Harness;
    const fresh = async (options?: Parameters<typeof makeHarness>[2]) => {
      await h?.close();
      h = await makeHarness(backend, pg, options);
      return h;
    };
    after(() => h?.close());

    for (const v of [18, 8]) {
      it(`runs the queue lifecycle NEW→KEY→SEND→SUB/MSG→ACK→OFF→DEL at v${v}`, async () => {
        await fresh();
        const r = h.conn(v);
        const s = h.conn(v, 'gw2');
        const q = await createQueue(r, { subscribe: false });
        assert.equal(q.rId.length, 24, 'server-generated recipient ID');
        const sKey = ed();
        assert.equal(
          tagOf(
            await r.send(
              { tag: 'KEY', senderKey: sKey.pub },
              { key: q.rKey.priv, entityId: q.rId },
            ),
          ),
          'OK',
          'recipient secures the queue',
        );
        assert.equal(
          tagOf(await s.send(send('hello'), { entityId: q.sId })),
          'ERR AUTH',
          'unsigned SEND refused once secured',
        );
        assert.equal(tagOf(await s.send(send('hello'), { key: sKey.priv, entityId: q.sId })), 'OK');
        const sub = await r.send({ tag: 'SUB' }, { key: q.rKey.priv, entityId: q.rId });
        assert.equal(sub.msg.tag, v >= 16 ? 'SOK' : 'OK', 'SOK from v16, OK below');
        assert.equal(sub.events.length, 1, 'the head message follows the SOK in the same result');
        assert.equal(msgText(testCrypto, q, sub.events[0]!.msg), 'hello');
        const msgId = (sub.events[0]!.msg as { msgId: Uint8Array }).msgId;
        assert.equal(
          tagOf(await r.send({ tag: 'ACK', msgId }, { key: q.rKey.priv, entityId: q.rId })),
          'OK',
        );
        assert.equal(
          tagOf(await r.send({ tag: 'OFF' }, { key: q.rKey.priv, entityId: q.rId })),
          'OK',
        );
        assert.equal(
          tagOf(await s.send(send('x'), { key: sKey.priv, entityId: q.sId })),
          'ERR AUTH',
          'suspended queue refuses SEND',
        );
        assert.equal(
          tagOf(await r.send({ tag: 'DEL' }, { key: q.rKey.priv, entityId: q.rId })),
          'OK',
        );
        assert.equal(
          tagOf(await r.send({ tag: 'SUB' }, { key: q.rKey.priv, entityId: q.rId })),
          'ERR AUTH',
          'deleted queue is gone',
        );
      });
    }

    it('answers IDS at v8 without queue mode and at v18 with it (testCreateSecure shapes)', async () => {
      await fresh();
      const k = ed();
      const dh = generateKeyPair(testCrypto, 'x25519');
      for (const v of [8, 18]) {
        const c = h.conn(v);
        const a = await c.send(
          {
            tag: 'NEW',
            req: {
              rcvAuthKey: k.pub,
              rcvDhKey: dh.pub,
              subMode: 'subscribe',
              queueReqData: { mode: 'messaging' },
            },
          },
          { key: k.priv },
        );
        assert.equal(a.msg.tag, 'IDS');
        assert.equal(a.entityId.length, 0, 'IDS has an empty entity');
        const ids = (a.msg as { ids: { queueMode?: string } }).ids;
        assert.equal(ids.queueMode, v >= 9 ? 'messaging' : undefined, 'v8 IDS carries no mode');
      }
    });

    it('secures a messaging queue by the sender with SKEY at v≥9 (testCreateSndSecure)', async () => {
      await fresh();
      const r = h.conn(18);
      const s = h.conn(18, 'gw2');
      const q = await createQueue(r);
      const sKey = ed();
      assert.equal(
        tagOf(
          await s.send(
            { tag: 'SKEY', senderKey: sKey.pub },
            { key: sKey.priv, entityId: q.sId, auth: new Uint8Array(64) },
          ),
        ),
        'ERR AUTH',
        'rejects SKEY with wrong signature',
      );
      assert.equal(
        tagOf(
          await s.send({ tag: 'SKEY', senderKey: sKey.pub }, { key: sKey.priv, entityId: q.rId }),
        ),
        'ERR AUTH',
        "rejects SKEY with recipient's ID",
      );
      assert.equal(
        tagOf(
          await s.send({ tag: 'SKEY', senderKey: sKey.pub }, { key: sKey.priv, entityId: q.sId }),
        ),
        'OK',
      );
      const other = ed();
      assert.equal(
        tagOf(
          await s.send({ tag: 'SKEY', senderKey: other.pub }, { key: other.priv, entityId: q.sId }),
        ),
        'ERR AUTH',
        'rejects a different key',
      );
      assert.equal(
        tagOf(
          await s.send({ tag: 'SKEY', senderKey: sKey.pub }, { key: sKey.priv, entityId: q.sId }),
        ),
        'OK',
        'the same key again is OK',
      );
      assert.equal(tagOf(await s.send(send('hello'), { key: sKey.priv, entityId: q.sId })), 'OK');
      assert.equal((await pushed(r, q)).text, 'hello', 'pushed to the subscriber of NEW S');
      assert.equal(
        tagOf(await s.send(send('hello'), { entityId: q.sId })),
        'ERR AUTH',
        'rejects unsigned SEND',
      );
      const max = new Uint8Array(maxMessageLength(18)).fill(0x2d);
      const big = new Uint8Array(maxMessageLength(18) + 1).fill(0x2d);
      assert.equal(
        tagOf(await s.send(send(big), { key: sKey.priv, entityId: q.sId })),
        'ERR LARGE_MSG',
      );
      assert.equal(
        tagOf(await s.send(send(max), { key: sKey.priv, entityId: q.sId })),
        'OK',
        'the largest body is accepted',
      );
    });

    it('refuses SKEY on a contact queue (testSndSecureProhibited)', async () => {
      await fresh();
      const q = await createQueue(h.conn(), { mode: 'contact' });
      const sKey = ed();
      assert.equal(
        tagOf(
          await h
            .conn()
            .send({ tag: 'SKEY', senderKey: sKey.pub }, { key: sKey.priv, entityId: q.sId }),
        ),
        'ERR AUTH',
      );
    });

    it('replaces recipient keys with RKEY, and a key may remove itself (testCreateUpdateKeys)', async () => {
      await fresh();
      const c = h.conn();
      const q = await createQueue(c, { mode: 'contact' });
      const k2 = ed();
      const que = async (k: typeof k2) =>
        tagOf(await c.send({ tag: 'QUE' }, { key: k.priv, entityId: q.rId }));
      assert.equal(
        tagOf(
          await c.send(
            { tag: 'RKEY', recipientKeys: [q.rKey.pub, k2.pub] },
            { key: q.rKey.priv, entityId: q.rId },
          ),
        ),
        'OK',
      );
      assert.equal(await que(q.rKey), 'INFO', 'old key still works');
      assert.equal(await que(k2), 'INFO', 'new key works too');
      assert.equal(
        tagOf(
          await c.send({ tag: 'RKEY', recipientKeys: [k2.pub] }, { key: k2.priv, entityId: q.rId }),
        ),
        'OK',
      );
      assert.equal(await que(q.rKey), 'ERR AUTH', 'old key removed');
      assert.equal(
        tagOf(
          await c.send(
            { tag: 'RKEY', recipientKeys: [q.rKey.pub, k2.pub] },
            { key: k2.priv, entityId: q.rId },
          ),
        ),
        'OK',
      );
      assert.equal(
        tagOf(
          await c.send(
            { tag: 'RKEY', recipientKeys: [k2.pub] },
            { key: q.rKey.priv, entityId: q.rId },
          ),
        ),
        'OK',
        'a key can remove itself',
      );
      assert.equal(await que(q.rKey), 'ERR AUTH');
      const m = await createQueue(c);
      assert.equal(
        tagOf(
          await c.send(
            { tag: 'RKEY', recipientKeys: [k2.pub] },
            { key: m.rKey.priv, entityId: m.rId },
          ),
        ),
        'ERR AUTH',
        'RKEY only for contact queues',
      );
    });

    it('suspends with OFF, still delivers on SUB, then deletes with DEL (testCreateDelete)', async () => {
      await fresh();
      const r = h.conn();
      const s = h.conn(18, 'gw2');
      const q = await createQueue(r);
      const sKey = ed();
      await r.send({ tag: 'KEY', senderKey: sKey.pub }, { key: q.rKey.priv, entityId: q.rId });
      assert.equal(tagOf(await s.send(send('hello'), { key: sKey.priv, entityId: q.sId })), 'OK');
      assert.equal(tagOf(await s.send(send('hello 2'), { key: sKey.priv, entityId: q.sId })), 'OK');
      assert.equal((await pushed(r, q)).text, 'hello');
      assert.deepEqual(r.events(), [], 'the second message waits for the ACK');
      assert.equal(
        tagOf(
          await r.send(
            { tag: 'OFF' },
            { key: q.rKey.priv, entityId: q.rId, auth: new Uint8Array(64) },
          ),
        ),
        'ERR AUTH',
        'rejects OFF with wrong signature',
      );
      assert.equal(
        tagOf(await r.send({ tag: 'OFF' }, { key: q.rKey.priv, entityId: q.sId })),
        'ERR AUTH',
        "rejects OFF with sender's ID",
      );
      assert.equal(
        tagOf(await r.send({ tag: 'OFF' }, { key: q.rKey.priv, entityId: q.rId })),
        'OK',
      );
      assert.equal(tagOf(await s.send(send('x'), { key: sKey.priv, entityId: q.sId })), 'ERR AUTH');
      assert.equal(
        tagOf(await s.send(send('x'), { entityId: q.sId })),
        'ERR AUTH',
        'unsigned SEND too',
      );
      assert.equal(
        tagOf(await r.send({ tag: 'OFF' }, { key: q.rKey.priv, entityId: q.rId })),
        'OK',
        'OFF is idempotent',
      );
      const sub = await r.send({ tag: 'SUB' }, { key: q.rKey.priv, entityId: q.rId });
      assert.equal(sub.msg.tag, 'SOK');
      assert.equal(
        msgText(testCrypto, q, sub.events[0]!.msg),
        'hello',
        'unacknowledged message delivered again',
      );
      assert.equal(
        tagOf(await r.send({ tag: 'DEL' }, { key: q.rKey.priv, entityId: q.sId })),
        'ERR AUTH',
        "rejects DEL with sender's ID",
      );
      assert.equal(
        tagOf(await r.send({ tag: 'DEL' }, { key: q.rKey.priv, entityId: q.rId })),
        'OK',
      );
      assert.equal(
        tagOf(await s.send(send('x'), { key: sKey.priv, entityId: q.sId })),
        'ERR AUTH',
        'rejects SEND when deleted',
      );
      assert.equal(
        tagOf(
          await r.send(
            { tag: 'ACK', msgId: new Uint8Array(0) },
            { key: q.rKey.priv, entityId: q.rId },
          ),
        ),
        'ERR AUTH',
      );
      assert.equal(
        tagOf(await r.send({ tag: 'OFF' }, { key: q.rKey.priv, entityId: q.rId })),
        'ERR AUTH',
      );
    });

    it('delivers 10 messages one per ACK, in send order', async () => {
      await fresh();
      const r = h.conn();
      const s = h.conn(18, 'gw2');
      const q = await createQueue(r);
      for (let i = 0; i < 10; i++)
        assert.equal(tagOf(await s.send(send(`m${i}`), { entityId: q.sId })), 'OK');
      let m = await pushed(r, q);
      for (let i = 0; i < 10; i++) {
        assert.equal(m.text, `m${i}`, 'FIFO');
        assert.deepEqual(
          r.events(),
          [],
          'nothing more is pushed while a message is unacknowledged',
        );
        const a = await r.send({ tag: 'ACK', msgId: m.id }, { key: q.rKey.priv, entityId: q.rId });
        if (i === 9) assert.equal(a.msg.tag, 'OK', 'queue drained');
        else
          m = { id: (a.msg as { msgId: Uint8Array }).msgId, text: msgText(testCrypto, q, a.msg) };
      }
    });

    it('ACK with an empty ID re-sends the head in SUB mode and deletes nothing (Corrections §7.3)', async () => {
      await fresh();
      const r = h.conn();
      const q = await createQueue(r);
      await h.conn().send(send('one'), { entityId: q.sId });
      const first = await pushed(r, q);
      const a = await r.send(
        { tag: 'ACK', msgId: new Uint8Array(0) },
        { key: q.rKey.priv, entityId: q.rId },
      );
      assert.equal(a.msg.tag, 'MSG');
      assert.ok(
        bytesEqual((a.msg as { msgId: Uint8Array }).msgId, first.id),
        'the same head again',
      );
      assert.equal(
        tagOf(await r.send({ tag: 'ACK', msgId: first.id }, { key: q.rKey.priv, entityId: q.rId })),
        'OK',
      );
      assert.equal(
        tagOf(await r.send({ tag: 'ACK', msgId: first.id }, { key: q.rKey.priv, entityId: q.rId })),
        'ERR NO_MSG',
        'repeated ACK',
      );
    });

    it('retrieves with GET and ACK (testGetCommand)', async () => {
      await fresh();
      const q = await createQueue(h.conn(), { subscribe: false });
      const rh = h.conn();
      await h.conn().send(send('hello'), { entityId: q.sId });
      const g = await rh.send({ tag: 'GET' }, { key: q.rKey.priv, entityId: q.rId });
      assert.equal(msgText(testCrypto, q, g.msg), 'hello', 'retrieved, with the GET corrId');
      const id = (g.msg as { msgId: Uint8Array }).msgId;
      assert.equal(
        tagOf(await rh.send({ tag: 'ACK', msgId: id }, { key: q.rKey.priv, entityId: q.rId })),
        'OK',
      );
      assert.equal(
        tagOf(await rh.send({ tag: 'GET' }, { key: q.rKey.priv, entityId: q.rId })),
        'OK',
        'empty',
      );
    });

    it('lets a subscriber and a getter share the head; only one ACK deletes (testGetSubCommands)', async () => {
      await fresh();
      const rh1 = h.conn();
      const rh2 = h.conn(18, 'gw2');
      const sh = h.conn(18, 'gw3');
      const q = await createQueue(rh1);
      for (const t of ['hello 1', 'hello 2', 'hello 3', 'hello 4'])
        await sh.send(send(t), { entityId: q.sId });
      const k = { key: q.rKey.priv, entityId: q.rId };
      const m1 = await pushed(rh1, q);
      const g1 = await rh2.send({ tag: 'GET' }, k);
      assert.equal(m1.text, 'hello 1');
      assert.ok(
        bytesEqual((g1.msg as { msgId: Uint8Array }).msgId, m1.id),
        'both see the same head',
      );
      assert.equal(
        tagOf(await rh1.send({ tag: 'GET' }, k)),
        'ERR CMD PROHIBITED',
        'subscriber cannot GET',
      );
      assert.equal(
        tagOf(await rh2.send({ tag: 'SUB' }, k)),
        'ERR CMD PROHIBITED',
        'getter cannot SUB',
      );
      const a4 = await rh1.send({ tag: 'ACK', msgId: m1.id }, k);
      assert.equal(msgText(testCrypto, q, a4.msg), 'hello 2', 'ACK for SUB delivers the next');
      const m2 = (a4.msg as { msgId: Uint8Array }).msgId;
      assert.equal(
        tagOf(await rh2.send({ tag: 'ACK', msgId: rnd(4) }, k)),
        'ERR NO_MSG',
        'bad msgId',
      );
      assert.equal(
        tagOf(await rh2.send({ tag: 'ACK', msgId: m1.id }, k)),
        'OK',
        'already deleted, still OK',
      );
      const g2 = await rh2.send({ tag: 'GET' }, k);
      assert.equal(msgText(testCrypto, q, g2.msg), 'hello 2', 'not lost');
      assert.equal(
        tagOf(await rh2.send({ tag: 'ACK', msgId: m2 }, k)),
        'OK',
        'getter ACK answers OK even with a next message',
      );
      const g3 = await rh2.send({ tag: 'GET' }, k);
      assert.equal(msgText(testCrypto, q, g3.msg), 'hello 3');
      const a9 = await rh1.send({ tag: 'ACK', msgId: m2 }, k);
      assert.equal(
        msgText(testCrypto, q, a9.msg),
        'hello 3',
        'subscriber ACK does not lose the message',
      );
      const a10 = await rh1.send({ tag: 'ACK', msgId: (a9.msg as { msgId: Uint8Array }).msgId }, k);
      assert.equal(msgText(testCrypto, q, a10.msg), 'hello 4');
      assert.equal(
        tagOf(await rh1.send({ tag: 'ACK', msgId: (a10.msg as { msgId: Uint8Array }).msgId }, k)),
        'OK',
      );
      assert.equal(tagOf(await rh2.send({ tag: 'GET' }, k)), 'OK', 'no more for the getter either');
    });

    it('answers QUOTA after the quota, delivers the marker last, and accepts again once drained (testExceedQueueQuota)', async () => {
      await fresh({ options: { msgQueueQuota: 2 } });
      const rh = h.conn();
      const sh = h.conn(18, 'gw2');
      const q = await createQueue(rh);
      const k = { key: q.rKey.priv, entityId: q.rId };
      assert.equal(tagOf(await sh.send(send('hello 1'), { entityId: q.sId })), 'OK');
      assert.equal(tagOf(await sh.send(send('hello 2'), { entityId: q.sId })), 'OK');
      assert.equal(tagOf(await sh.send(send('hello 3'), { entityId: q.sId })), 'ERR QUOTA');
      const m1 = await pushed(rh, q);
      assert.equal(m1.text, 'hello 1');
      const a4 = await rh.send({ tag: 'ACK', msgId: m1.id }, k);
      assert.equal(msgText(testCrypto, q, a4.msg), 'hello 2');
      assert.equal(
        tagOf(await sh.send(send('hello 3'), { entityId: q.sId })),
        'ERR QUOTA',
        'still blocked until drained',
      );
      const a6 = await rh.send({ tag: 'ACK', msgId: (a4.msg as { msgId: Uint8Array }).msgId }, k);
      assert.equal(msgText(testCrypto, q, a6.msg), 'QUOTA', 'the quota marker');
      assert.equal(tagOf(await sh.send(send('hello 3'), { entityId: q.sId })), 'ERR QUOTA');
      assert.equal(
        tagOf(await rh.send({ tag: 'ACK', msgId: (a6.msg as { msgId: Uint8Array }).msgId }, k)),
        'OK',
      );
      assert.equal(
        tagOf(await sh.send(send('hello 3'), { entityId: q.sId })),
        'OK',
        'drained: writable again',
      );
      assert.equal((await pushed(rh, q)).text, 'hello 3');
    });

    it('holds 128 messages plus the marker at the default quota', async () => {
      await fresh();
      const q = await createQueue(h.conn(), { subscribe: false });
      const sh = h.conn();
      const answers = await Promise.all(
        Array.from({ length: 130 }, (_, i) => sh.send(send(`m${i}`), { entityId: q.sId })),
      );
      assert.deepEqual(answers.map(tagOf).filter((t) => t === 'OK').length, 128);
      assert.equal(tagOf(answers[128]!), 'ERR QUOTA', 'the 129th writes the marker');
      assert.equal(await h.store.getQueueSize(q.rId), 129, '128 messages + marker');
    });

    it('creates notifiers with NKEY, delivers NMSG that decrypts with the NtfDh secret, moves NSUB with END, DELD on NDEL (testMessageNotifications)', async () => {
      await fresh();
      const rh = h.conn();
      const sh = h.conn(18, 'gw2');
      const nh1 = h.conn(18, 'ntf1');
      const nh2 = h.conn(18, 'ntf2');
      const q = await createQueue(rh);
      const nKey = ed();
      const ntfDh = generateKeyPair(testCrypto, 'x25519');
      const k = { key: q.rKey.priv, entityId: q.rId };
      const n1 = await rh.send({ tag: 'NKEY', notifierKey: nKey.pub, rcvNtfDhKey: ntfDh.pub }, k);
      const n2 = await rh.send({ tag: 'NKEY', notifierKey: nKey.pub, rcvNtfDhKey: ntfDh.pub }, k);
      assert.equal(n2.msg.tag, 'NID');
      const { notifierId: nId, srvNtfDhKey } = n2.msg as {
        notifierId: Uint8Array;
        srvNtfDhKey: typeof ntfDh.pub;
      };
      assert.ok(
        !bytesEqual((n1.msg as { notifierId: Uint8Array }).notifierId, nId),
        'a new notifier ID every time',
      );
      assert.equal(
        h.router.ofServerId(nId),
        h.router.ofServerId(q.rId),
        'notifier ID routes to the queue vshard',
      );
      const nk = { key: nKey.priv, entityId: nId };
      assert.equal(
        tagOf(
          await nh1.send(
            { tag: 'NSUB' },
            { key: nKey.priv, entityId: (n1.msg as { notifierId: Uint8Array }).notifierId },
          ),
        ),
        'ERR AUTH',
        'the replaced notifier is gone',
      );
      assert.equal((await nh1.send({ tag: 'NSUB' }, nk)).msg.tag, 'SOK');
      assert.equal(tagOf(await sh.send(send('hello', true), { entityId: q.sId })), 'OK');
      const m = await pushed(rh, q);
      await rh.send({ tag: 'ACK', msgId: m.id }, k);
      const ev = await nh1.nextEvent();
      assert.equal(ev.msg.tag, 'NMSG');
      assert.ok(bytesEqual(ev.entityId, nId));
      const nm = ev.msg as { nonce: Uint8Array; encMeta: Uint8Array };
      assert.equal(nm.encMeta.length, 144, 'padded meta');
      const meta = decodeNMsgMeta(
        cbDecrypt(testCrypto, dhSecret(testCrypto, srvNtfDhKey, ntfDh.priv), nm.nonce, nm.encMeta),
      );
      assert.ok(bytesEqual(meta.msgId, m.id), 'the notification names the message');
      assert.equal((await nh2.send({ tag: 'NSUB' }, nk)).msg.tag, 'SOK');
      const end = await nh1.nextEvent();
      assert.equal(end.msg.tag, 'END', 'the first notifier connection loses it');
      assert.ok(bytesEqual(end.entityId, nId));
      await sh.send(send('hello again', true), { entityId: q.sId });
      assert.equal((await nh2.nextEvent()).msg.tag, 'NMSG');
      assert.deepEqual(nh1.events(), [], 'nothing else to the first notifier connection');
      assert.equal(tagOf(await rh.send({ tag: 'NDEL' }, k)), 'OK');
      const deld = await nh2.nextEvent();
      assert.equal(deld.msg.tag, 'DELD');
      await sh.send(send('hello there', true), { entityId: q.sId });
      assert.deepEqual(nh2.events(), [], 'no notifications after NDEL');
    });

    it('keeps notifications while no notifier is subscribed and delivers them after the SOK of NSUB', async () => {
      await fresh();
      const rh = h.conn();
      const q = await createQueue(rh, { subscribe: false });
      const nKey = ed();
      const ntfDh = generateKeyPair(testCrypto, 'x25519');
      const n = await rh.send(
        { tag: 'NKEY', notifierKey: nKey.pub, rcvNtfDhKey: ntfDh.pub },
        { key: q.rKey.priv, entityId: q.rId },
      );
      const nId = (n.msg as { notifierId: Uint8Array }).notifierId;
      for (let i = 0; i < 3; i++) await h.conn().send(send(`m${i}`, true), { entityId: q.sId });
      await h.conn().send(send('silent'), { entityId: q.sId });
      const sub = await h.conn(18, 'ntf').send({ tag: 'NSUB' }, { key: nKey.priv, entityId: nId });
      assert.equal(sub.msg.tag, 'SOK');
      assert.deepEqual(
        sub.events.map((e) => e.msg.tag),
        ['NMSG', 'NMSG', 'NMSG'],
        'one per flagged SEND, after the SOK',
      );
    });

    it('expires old messages of the queue on SEND (testMsgExpireOnSend)', async () => {
      await fresh({ options: { messageTtlSec: 1 } });
      const sh = h.conn();
      const q = await createQueue(h.conn(), { subscribe: false });
      await sh.send(send('hello (should expire)'), { entityId: q.sId });
      h.clock.advance(3);
      await sh.send(send('hello (should NOT expire)'), { entityId: q.sId });
      const sub = await h.conn().send({ tag: 'SUB' }, { key: q.rKey.priv, entityId: q.rId });
      assert.equal(msgText(testCrypto, q, sub.events[0]!.msg), 'hello (should NOT expire)');
      assert.equal(h.metrics.get(C.messagesExpired), 1);
    });

    it('expires messages and notifications in the background passes over owned vshards', async () => {
      await fresh();
      const q = await createQueue(h.conn(), { subscribe: false });
      await h.conn().send(send('old'), { entityId: q.sId });
      h.clock.advance(22 * 86_400);
      await h.service.start();
      h.timers.fireAll();
      await h.service.stop();
      assert.equal(await h.store.getQueueSize(q.rId), 0, 'older than 21 days');
    });

    it('answers AUTH for an unknown queue after a dummy verification of the same algorithm (§6.4)', async () => {
      await fresh();
      const c = h.conn();
      const q = await createQueue(c);
      const before = h.metrics.get(C.authDummyVerifications);
      assert.equal(
        tagOf(
          await c.send(
            { tag: 'SUB' },
            { key: q.rKey.priv, entityId: h.router.newServerId(h.router.ofServerId(q.rId)) },
          ),
        ),
        'ERR AUTH',
      );
      assert.equal(
        h.metrics.get(C.authDummyVerifications),
        before + 1,
        'unknown recipient ID: dummy verify',
      );
      assert.equal(
        tagOf(await c.send(send('x'), { key: q.rKey.priv, entityId: rnd() })),
        'ERR AUTH',
      );
      assert.equal(
        h.metrics.get(C.authDummyVerifications),
        before + 2,
        'unknown sender ID: dummy verify',
      );
      assert.equal(
        tagOf(await c.send({ tag: 'SUB' }, { key: ed().priv, entityId: q.rId })),
        'ERR AUTH',
        'wrong key',
      );
      assert.equal(
        h.metrics.get(C.authDummyVerifications),
        before + 2,
        'a real key of the right algorithm needs no dummy',
      );
      const ed448 = generateKeyPair(testCrypto, 'ed448');
      assert.equal(
        tagOf(await c.send({ tag: 'SUB' }, { key: ed448.priv, entityId: q.rId })),
        'ERR AUTH',
        'key of another algorithm',
      );
      assert.equal(
        h.metrics.get(C.authDummyVerifications),
        before + 3,
        'mismatched algorithm: dummy verify',
      );
    });

    it('authorizes with Ed448 signatures and X25519 authenticators as well', async () => {
      await fresh();
      for (const alg of ['ed448', 'x25519'] as const) {
        const c = h.conn();
        const q = await createQueue(c, { alg, subscribe: false });
        const a = await c.send({ tag: 'SUB' }, { key: q.rKey.priv, entityId: q.rId });
        assert.equal(a.msg.tag, 'SOK', `${alg} authorizes SUB`);
        const other = h.conn();
        assert.equal(
          tagOf(
            await other.send(
              { tag: 'QUE' },
              {
                key: q.rKey.priv,
                entityId: q.rId,
                corrId: rnd(),
                auth: c.op({ tag: 'QUE' }, { key: q.rKey.priv, entityId: q.rId }).auth,
              },
            ),
          ),
          'ERR AUTH',
          `${alg}: an authorization from another session does not verify`,
        );
      }
    });

    it('checks a client-chosen sender ID against SHA3-384(corrId) and creates link data (§7.2, §7.9)', async () => {
      await fresh();
      const c = h.conn();
      const k = ed();
      const dh = generateKeyPair(testCrypto, 'x25519');
      const corrId = rnd();
      const senderId = sha3_384(testCrypto, corrId).subarray(0, 24);
      const data = { fixedData: rnd(100), userData: rnd(50) };
      const newInv = (sId: Uint8Array, cid: Uint8Array) =>
        c.send(
          {
            tag: 'NEW',
            req: {
              rcvAuthKey: k.pub,
              rcvDhKey: dh.pub,
              subMode: 'onlyCreate',
              queueReqData: { mode: 'messaging', link: { senderId: sId, data } },
            },
          },
          { key: k.priv, corrId: cid },
        );
      assert.equal(
        tagOf(await newInv(rnd(), corrId)),
        'ERR CMD PROHIBITED',
        'sender ID not derived from corrId',
      );
      const a = await newInv(senderId, corrId);
      assert.equal(a.msg.tag, 'IDS');
      const ids = (a.msg as { ids: { sndId: Uint8Array; linkId?: Uint8Array; rcvId: Uint8Array } })
        .ids;
      assert.ok(bytesEqual(ids.sndId, senderId));
      assert.ok(ids.linkId, 'server-chosen link ID');
      const lc = h.conn();
      const sKey = ed();
      const lnk = await lc.send(
        { tag: 'LKEY', senderKey: sKey.pub },
        { key: sKey.priv, entityId: ids.linkId },
      );
      assert.equal(lnk.msg.tag, 'LNK', 'LKEY secures and returns the link data');
      assert.ok(bytesEqual((lnk.msg as { data: typeof data }).data.userData, data.userData));
      assert.equal(
        tagOf(await lc.send({ tag: 'LGET' }, { entityId: ids.linkId })),
        'ERR AUTH',
        'LGET only for contact queues',
      );
      assert.equal(tagOf(await lc.send(send('hi'), { key: sKey.priv, entityId: senderId })), 'OK');
      const que = await c.send({ tag: 'QUE' }, { key: k.priv, entityId: ids.rcvId });
      assert.equal(que.msg.tag, 'INFO');
      assert.equal(
        tagOf(
          await lc.send(
            { tag: 'LKEY', senderKey: sKey.pub },
            { key: sKey.priv, entityId: ids.linkId },
          ),
        ),
        'ERR AUTH',
        'invitation link data removed by the first secured SEND',
      );
    });

    it('redirects ops whose vshard this store does not own, without looking the ID up', async () => {
      await fresh({ vshards: Array.from({ length: 512 }, (_, i) => i) });
      const c = h.conn();
      let foreign = rnd();
      while (h.router.ofClientId(foreign) < 512) foreign = rnd();
      const a = await c.send(send('x'), { entityId: foreign });
      assert.equal(
        a.redirect,
        h.router.ofClientId(foreign),
        'SEND goes to the owner of the sender ID',
      );
      const rId = h.router.newServerId(700);
      assert.equal((await c.send({ tag: 'SUB' }, { key: ed().priv, entityId: rId })).redirect, 700);
      const k = ed();
      const dh = generateKeyPair(testCrypto, 'x25519');
      const n = await c.send(
        { tag: 'NEW', req: { rcvAuthKey: k.pub, rcvDhKey: dh.pub, subMode: 'subscribe' } },
        { key: k.priv, newSenderId: foreign },
      );
      assert.equal(
        n.redirect,
        h.router.ofClientId(foreign),
        'NEW with a gateway-drawn sender ID of another vshard',
      );
      assert.equal(
        h.metrics.get(C.authDummyVerifications),
        0,
        'a redirect says nothing about existence',
      );
    });

    it('answers CMD PROHIBITED for commands the gateway answers itself', async () => {
      await fresh();
      assert.equal(
        tagOf(await h.conn().send({ tag: 'SUBS' }, { key: ed().priv, entityId: rnd() })),
        'ERR CMD PROHIBITED',
      );
    });

    it('refuses NEW with AUTH when a server password is set and not given', async () => {
      await fresh({ options: { newQueueBasicAuth: new TextEncoder().encode('secret') } });
      await assert.rejects(createQueue(h.conn()), /NEW failed/);
    });

    it('blocks a queue for the operator: subscriber gets ERR BLOCKED, commands refused, OFF/DEL still work', async () => {
      await fresh({ options: { dailyBlockQueueQuota: 1 } });
      const r = h.conn();
      const q = await createQueue(r);
      const q2 = await createQueue(h.conn());
      assert.deepEqual(
        await h.service.blockQueue({ senderId: q.sId }, { reason: 'spam', notice: { ttl: 60 } }),
        { ok: true, previous: { kind: 'active' } },
      );
      const ev = await r.nextEvent();
      assert.equal(tagOf(ev), 'ERR BLOCKED');
      assert.equal(tagOf(await h.conn().send(send('x'), { entityId: q.sId })), 'ERR BLOCKED');
      assert.equal(
        tagOf(await r.send({ tag: 'SUB' }, { key: q.rKey.priv, entityId: q.rId })),
        'ERR BLOCKED',
      );
      assert.equal(
        tagOf(await h.conn(11).send({ tag: 'QUE' }, { key: q.rKey.priv, entityId: q.rId })),
        'ERR AUTH',
        'BLOCKED is AUTH below v12',
      );
      assert.deepEqual(
        await h.service.blockQueue({ recipientId: q2.rId }, { reason: 'content' }),
        { ok: false, error: 'QUOTA' },
        'daily quota',
      );
      assert.equal((await h.service.unblockQueue({ recipientId: q.rId })).ok, true);
      assert.equal(tagOf(await h.conn().send(send('x'), { entityId: q.sId })), 'OK', 'unblocked');
      await h.service.blockQueue({ recipientId: q.rId }, { reason: 'spam' });
      assert.equal(
        tagOf(await r.send({ tag: 'OFF' }, { key: q.rKey.priv, entityId: q.rId })),
        'OK',
        'OFF works on a blocked queue',
      );
      assert.equal(
        tagOf(await r.send({ tag: 'DEL' }, { key: q.rKey.priv, entityId: q.rId })),
        'OK',
        'DEL works on a blocked queue',
      );
    });
  });
}

suite('memory');
suite('postgres');
