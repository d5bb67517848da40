// One behaviour suite for every QueueStore backend (house style §9; upstream
// tests/CoreTests/MsgStoreTests.hs and the store-level parts of tests/ServerTests.hs).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { QueueRec, QueueStore } from '../src/index.ts';
import { DAY, TODAY, key, msg, ntf, ntfCreds, queueRec, rid } from './support/fixtures.ts';

/** Makes a store that owns `vshards` (default all); stores made in one suite share their data where the backend can. */
export type MakeStore = (opts?: { vshards?: number[] }) => Promise<QueueStore>;

export function queueStoreContract(name: string, makeStore: MakeStore): void {
  describe(`QueueStore contract: ${name}`, () => {
    const open: QueueStore[] = [];
    const store = async (opts?: { vshards?: number[] }) => {
      const s = await makeStore(opts);
      open.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    async function created(s: QueueStore, over: Partial<QueueRec> = {}): Promise<QueueRec> {
      const q = queueRec(over);
      assert.deepEqual(await s.createQueue(q), { ok: true }, 'fresh IDs must be accepted');
      return q;
    }

    describe('queue records', () => {
      it('finds a created queue by each of its recipient, sender, notifier and link IDs', async () => {
        const s = await store();
        const q = await created(s, {
          queueMode: 'C',
          senderKey: key(),
          notifier: { ...ntfCreds(), ntfServiceId: rid() },
          link: { linkId: rid(), fixedData: new Uint8Array([1, 2]), userData: new Uint8Array([3]) },
          recipientKeys: [key(), key()],
          rcvServiceId: rid(),
          status: { kind: 'blocked', reason: 'spam', notice: { ttl: 3600 } },
        });
        assert.deepEqual(
          await s.getQueueByRecipientId(q.recipientId),
          q,
          'every field round-trips',
        );
        assert.deepEqual(
          await s.getQueueBySenderId(q.senderId),
          q,
          'sender ID is a lookup key (SEND)',
        );
        assert.deepEqual(
          await s.getQueueByNotifierId(q.notifier!.notifierId),
          q,
          'notifier ID is a lookup key (NSUB)',
        );
        assert.deepEqual(
          await s.getQueueByLinkId(q.link!.linkId),
          q,
          'link ID is a lookup key (LGET)',
        );
        assert.equal(
          await s.getLinkShard(q.link!.linkId),
          q.vshard,
          'the routing index points at the queue vshard',
        );
        assert.equal(await s.getQueueByRecipientId(rid()), undefined, 'unknown IDs are not found');
      });

      it('stores a legacy queue without mode, sender key, notifier or link', async () => {
        const s = await store();
        const q = await created(s, { queueMode: null });
        assert.deepEqual(await s.getQueueByRecipientId(q.recipientId), q);
      });

      it('rejects a queue whose recipient, sender, notifier or link ID is taken, storing nothing', async () => {
        const s = await store();
        const a = await created(s, {
          notifier: ntfCreds(),
          link: { linkId: rid(), fixedData: rid(), userData: rid() },
        });
        const clashes: Partial<QueueRec>[] = [
          { recipientId: a.recipientId },
          { senderId: a.senderId },
          { notifier: { ...ntfCreds(), notifierId: a.notifier!.notifierId } },
          { link: { linkId: a.link!.linkId, fixedData: rid(), userData: rid() } },
        ];
        for (const over of clashes) {
          const b = queueRec(over);
          assert.deepEqual(
            await s.createQueue(b),
            { ok: false, error: 'DUPLICATE' },
            `clash on ${Object.keys(over)[0]}`,
          );
          if (!over.senderId)
            assert.equal(
              await s.getQueueBySenderId(b.senderId),
              undefined,
              'the rejected queue left no row',
            );
        }
        assert.deepEqual(
          await s.getQueueByRecipientId(a.recipientId),
          a,
          'the original queue is untouched',
        );
      });

      it('enforces uniqueness per ID kind, so equal bytes of different kinds coexist', async () => {
        const s = await store();
        const a = await created(s);
        const b = await created(s, {
          senderId: a.recipientId,
          notifier: { ...ntfCreds(), notifierId: a.senderId },
        });
        assert.deepEqual(await s.getQueueBySenderId(a.recipientId), b);
        assert.deepEqual(await s.getQueueByNotifierId(a.senderId), b);
      });

      it('refuses to create a queue on a vshard the store does not own', async () => {
        const s = await store({ vshards: [1] });
        await assert.rejects(async () => s.createQueue(queueRec({ vshard: 2 })), RangeError);
      });

      it('secures a queue once: the same key again is ok, a different key is AUTH', async () => {
        const s = await store();
        const q = await created(s);
        const k = key();
        assert.deepEqual(await s.secureQueue(q.recipientId, k), { ok: true });
        assert.deepEqual(
          await s.secureQueue(q.recipientId, new Uint8Array(k)),
          { ok: true },
          'repeated SKEY with the same key',
        );
        assert.deepEqual(await s.secureQueue(q.recipientId, key()), { ok: false, error: 'AUTH' });
        assert.deepEqual(
          (await s.getQueueByRecipientId(q.recipientId))?.senderKey,
          k,
          'the first key stays',
        );
        assert.deepEqual(await s.secureQueue(rid(), k), { ok: false, error: 'NOT_FOUND' });
      });

      it('replaces the whole list of recipient keys', async () => {
        const s = await store();
        const q = await created(s);
        const keys = [key(), key(), key()] as const;
        assert.deepEqual(await s.updateRecipientKeys(q.recipientId, keys), { ok: true });
        assert.deepEqual((await s.getQueueByRecipientId(q.recipientId))?.recipientKeys, [...keys]);
        assert.deepEqual(await s.updateRecipientKeys(rid(), keys), {
          ok: false,
          error: 'NOT_FOUND',
        });
      });

      it('sets status off, blocked with reason and notice, and back to active', async () => {
        const s = await store();
        const q = await created(s);
        const statusOf = async () => (await s.getQueueByRecipientId(q.recipientId))?.status;
        assert.deepEqual(await s.setQueueStatus(q.recipientId, { kind: 'off' }), { ok: true });
        assert.deepEqual(await statusOf(), { kind: 'off' });
        await s.setQueueStatus(q.recipientId, { kind: 'blocked', reason: 'content', notice: {} });
        assert.deepEqual(
          await statusOf(),
          { kind: 'blocked', reason: 'content', notice: {} },
          'a notice without ttl is kept',
        );
        await s.setQueueStatus(q.recipientId, { kind: 'blocked', reason: 'spam' });
        assert.deepEqual(
          await statusOf(),
          { kind: 'blocked', reason: 'spam' },
          'no notice stays absent',
        );
        await s.setQueueStatus(q.recipientId, { kind: 'active' });
        assert.deepEqual(await statusOf(), { kind: 'active' }, 'unblock');
        assert.deepEqual(await s.setQueueStatus(rid(), { kind: 'off' }), {
          ok: false,
          error: 'NOT_FOUND',
        });
      });

      it('touches updatedAt only when the day changed', async () => {
        const s = await store();
        const q = await created(s);
        assert.deepEqual(await s.touchQueue(q.recipientId, TODAY), { ok: true, updated: false });
        assert.deepEqual(await s.touchQueue(q.recipientId, TODAY + DAY), {
          ok: true,
          updated: true,
        });
        assert.equal((await s.getQueueByRecipientId(q.recipientId))?.updatedAt, TODAY + DAY);
        assert.deepEqual(await s.touchQueue(rid(), TODAY), { ok: false, error: 'NOT_FOUND' });
      });
    });

    describe('notifiers', () => {
      it('adds a notifier, then replaces it returning the previous notifier ID', async () => {
        const s = await store();
        const q = await created(s);
        const n1 = ntfCreds();
        const n2 = ntfCreds();
        assert.deepEqual(
          await s.addNotifier(q.recipientId, n1),
          { ok: true },
          'no previous notifier',
        );
        assert.deepEqual(await s.addPendingNtf(n1.notifierId, ntf()), { ok: true });
        assert.deepEqual(await s.addNotifier(q.recipientId, n2), {
          ok: true,
          previousNotifierId: n1.notifierId,
        });
        assert.equal(
          await s.getQueueByNotifierId(n1.notifierId),
          undefined,
          'the old notifier ID is gone (DELD to its subscriber)',
        );
        assert.deepEqual((await s.getQueueByNotifierId(n2.notifierId))?.notifier, n2);
        assert.deepEqual(
          await s.takePendingNtfs(n1.notifierId),
          [],
          'notifications of the replaced notifier are dropped',
        );
      });

      it('rejects a notifier ID that another queue holds', async () => {
        const s = await store();
        const a = await created(s, { notifier: ntfCreds() });
        const b = await created(s);
        const clash = { ...ntfCreds(), notifierId: a.notifier!.notifierId };
        assert.deepEqual(await s.addNotifier(b.recipientId, clash), {
          ok: false,
          error: 'DUPLICATE',
        });
        assert.equal((await s.getQueueByRecipientId(b.recipientId))?.notifier, undefined);
        assert.deepEqual(await s.addNotifier(rid(), ntfCreds()), { ok: false, error: 'NOT_FOUND' });
      });

      it('deletes the notifier with its pending notifications, and is ok without one', async () => {
        const s = await store();
        const n = ntfCreds();
        const q = await created(s, { notifier: n });
        await s.addPendingNtf(n.notifierId, ntf());
        assert.deepEqual(await s.deleteNotifier(q.recipientId), {
          ok: true,
          previousNotifierId: n.notifierId,
        });
        assert.equal((await s.getQueueByRecipientId(q.recipientId))?.notifier, undefined);
        assert.deepEqual(await s.takePendingNtfs(n.notifierId), []);
        assert.deepEqual(
          await s.deleteNotifier(q.recipientId),
          { ok: true },
          'NDEL without notifier is still OK',
        );
      });
    });

    describe('short links (§7.9)', () => {
      it('sets link data, lets only user data change, and frees the link ID on delete', async () => {
        const s = await store();
        const q = await created(s, { queueMode: 'C' });
        const link = { linkId: rid(), fixedData: rid(), userData: rid() };
        assert.deepEqual(await s.setQueueLink(q.recipientId, link), { ok: true });
        assert.equal(await s.getLinkShard(link.linkId), q.vshard);
        const user2 = { ...link, userData: rid() };
        assert.deepEqual(
          await s.setQueueLink(q.recipientId, user2),
          { ok: true },
          'user data may change',
        );
        assert.deepEqual((await s.getQueueByLinkId(link.linkId))?.link, user2);
        assert.deepEqual(
          await s.setQueueLink(q.recipientId, { ...link, fixedData: rid() }),
          { ok: false, error: 'AUTH' },
          'fixed data is immutable',
        );
        assert.deepEqual(
          await s.setQueueLink(q.recipientId, { ...link, linkId: rid() }),
          { ok: false, error: 'AUTH' },
          'another link ID',
        );
        assert.deepEqual(
          (await s.getQueueByRecipientId(q.recipientId))?.link,
          user2,
          'rejected updates change nothing',
        );
        assert.deepEqual(await s.deleteQueueLink(q.recipientId), { ok: true, deleted: true });
        assert.deepEqual(
          await s.deleteQueueLink(q.recipientId),
          { ok: true, deleted: false },
          'LDEL without link is OK',
        );
        assert.equal(await s.getQueueByLinkId(link.linkId), undefined);
        assert.equal(await s.getLinkShard(link.linkId), undefined, 'the routing entry is removed');
        const other = await created(s, { queueMode: 'C' });
        assert.deepEqual(
          await s.setQueueLink(other.recipientId, link),
          { ok: true },
          'a deleted link ID can be taken again',
        );
      });

      it('rejects a link ID held by another queue', async () => {
        const s = await store();
        const a = await created(s, { link: { linkId: rid(), fixedData: rid(), userData: rid() } });
        const b = await created(s);
        const res = await s.setQueueLink(b.recipientId, { ...a.link!, userData: rid() });
        assert.deepEqual(res, { ok: false, error: 'DUPLICATE' });
        assert.equal((await s.getQueueByRecipientId(b.recipientId))?.link, undefined);
        assert.deepEqual(await s.setQueueLink(rid(), a.link!), { ok: false, error: 'NOT_FOUND' });
      });
    });

    describe('deleting a queue', () => {
      it('removes the record, its messages, notifier, pending notifications and link', async () => {
        const s = await store();
        const q = await created(s, {
          notifier: ntfCreds(),
          link: { linkId: rid(), fixedData: rid(), userData: rid() },
        });
        await s.writeMsg(q.recipientId, msg(), 128);
        await s.addPendingNtf(q.notifier!.notifierId, ntf());
        const res = await s.deleteQueue(q.recipientId);
        assert.deepEqual(res, { ok: true, queue: q }, 'returns the deleted record for DELD');
        assert.equal(await s.getQueueByRecipientId(q.recipientId), undefined);
        assert.equal(await s.getQueueBySenderId(q.senderId), undefined);
        assert.equal(await s.getQueueByNotifierId(q.notifier!.notifierId), undefined);
        assert.equal(await s.getQueueByLinkId(q.link!.linkId), undefined);
        assert.equal(await s.getLinkShard(q.link!.linkId), undefined);
        assert.equal(await s.peekMsg(q.recipientId), undefined, 'messages went with the queue');
        assert.deepEqual(await s.takePendingNtfs(q.notifier!.notifierId), []);
        assert.deepEqual(await s.deleteQueue(q.recipientId), { ok: false, error: 'NOT_FOUND' });
        assert.deepEqual(await s.writeMsg(q.recipientId, msg(), 128), {
          kind: 'no-queue',
          wasEmpty: false,
        });
        assert.deepEqual(await s.createQueue(q), { ok: true }, 'its IDs are free again');
      });
    });

    describe('messages (§8.2–§8.4)', () => {
      it('keeps messages in FIFO order and reports wasEmpty only for the first', async () => {
        const s = await store();
        const q = await created(s);
        const ms = [msg(1n), msg(2n), msg(3n)];
        const res = [];
        for (const m of ms) res.push(await s.writeMsg(q.recipientId, m, 128));
        assert.deepEqual(
          res.map((r) => [r.kind, r.wasEmpty]),
          [
            ['written', true],
            ['written', false],
            ['written', false],
          ],
        );
        assert.equal(await s.getQueueSize(q.recipientId), 3);
        for (const m of ms) {
          assert.deepEqual(
            await s.peekMsg(q.recipientId),
            { ...m, isQuota: false },
            'the head is the oldest message',
          );
          assert.deepEqual(await s.tryDelMsg(q.recipientId, m.msgId), { ...m, isQuota: false });
        }
        assert.equal(await s.peekMsg(q.recipientId), undefined);
        assert.equal(await s.getQueueSize(q.recipientId), 0);
      });

      it('with quota 2: stores 2 messages, then a quota marker, then nothing (testExceedQueueQuota)', async () => {
        const s = await store();
        const q = await created(s);
        const [m1, m2, m3, m4] = [msg(10n), msg(11n), msg(12n), msg(13n)];
        assert.deepEqual(await s.writeMsg(q.recipientId, m1, 2), {
          kind: 'written',
          wasEmpty: true,
        });
        assert.deepEqual(await s.writeMsg(q.recipientId, m2, 2), {
          kind: 'written',
          wasEmpty: false,
        });
        assert.deepEqual(
          await s.writeMsg(q.recipientId, m3, 2),
          { kind: 'quota-marker-written', wasEmpty: false },
          'ERR QUOTA, marker stored',
        );
        assert.deepEqual(
          await s.writeMsg(q.recipientId, m4, 2),
          { kind: 'quota-exceeded', wasEmpty: false },
          'ERR QUOTA, nothing stored',
        );
        assert.equal(await s.getQueueSize(q.recipientId), 3, 'two messages and one marker');

        assert.deepEqual(await s.tryDelPeekMsg(q.recipientId, m1.msgId), {
          deleted: { ...m1, isQuota: false },
          head: { ...m2, isQuota: false },
        });
        assert.deepEqual(
          await s.writeMsg(q.recipientId, msg(), 2),
          { kind: 'quota-exceeded', wasEmpty: false },
          'writes resume only once the queue is empty',
        );
        const marker = {
          msgId: m3.msgId,
          ts: m3.ts,
          isQuota: true,
          ntfFlag: false,
          body: new Uint8Array(0),
        };
        assert.deepEqual(
          await s.tryDelPeekMsg(q.recipientId, m2.msgId),
          { deleted: { ...m2, isQuota: false }, head: marker },
          'the marker has the rejected message ID and ts, no body, no notification',
        );
        assert.deepEqual(
          await s.tryDelPeekMsg(q.recipientId, m3.msgId),
          { deleted: marker },
          'the marker is ACKed like a message',
        );
        const m5 = msg(14n);
        assert.deepEqual(
          await s.writeMsg(q.recipientId, m5, 2),
          { kind: 'written', wasEmpty: true },
          'draining re-enables writes',
        );
        assert.deepEqual(await s.peekMsg(q.recipientId), { ...m5, isQuota: false });
      });

      it('deletes nothing when the ACKed ID is not the head, and returns the head', async () => {
        const s = await store();
        const q = await created(s);
        const [m1, m2] = [msg(), msg()];
        await s.writeMsg(q.recipientId, m1, 128);
        await s.writeMsg(q.recipientId, m2, 128);
        assert.deepEqual(
          await s.tryDelPeekMsg(q.recipientId, m2.msgId),
          { head: { ...m1, isQuota: false } },
          'only the head can be deleted',
        );
        assert.equal(await s.tryDelMsg(q.recipientId, rid()), undefined);
        assert.equal(await s.getQueueSize(q.recipientId), 2, 'nothing was deleted');
        assert.deepEqual(await s.tryDelPeekMsg(q.recipientId, m1.msgId), {
          deleted: { ...m1, isQuota: false },
          head: { ...m2, isQuota: false },
        });
        assert.deepEqual(
          await s.tryDelPeekMsg(q.recipientId, m2.msgId),
          { deleted: { ...m2, isQuota: false } },
          'no head after the last',
        );
        assert.deepEqual(
          await s.tryDelPeekMsg(q.recipientId, m2.msgId),
          {},
          'a repeated ACK finds nothing',
        );
        assert.deepEqual(await s.tryDelPeekMsg(rid(), m2.msgId), {}, 'unknown queue');
      });

      it('keeps a 16 KB body byte-exact', async () => {
        const s = await store();
        const q = await created(s);
        const body = new Uint8Array(16088).map((_, i) => (i * 31) & 0xff);
        const m = msg(1n, body, false);
        await s.writeMsg(q.recipientId, m, 128);
        assert.deepEqual(await s.peekMsg(q.recipientId), { ...m, isQuota: false });
      });
    });

    describe('expiry (§8.6)', () => {
      it('expires from the head only, stopping at the first newer message', async () => {
        const s = await store();
        const q = await created(s);
        const ms = [msg(10n), msg(15n), msg(30n), msg(12n)];
        for (const m of ms) await s.writeMsg(q.recipientId, m, 128);
        assert.equal(
          await s.expireMsgs(q.recipientId, 20n),
          2,
          'ts 10 and 15 go; 12 stays behind the newer 30',
        );
        assert.deepEqual(await s.peekMsg(q.recipientId), { ...ms[2]!, isQuota: false });
        assert.equal(await s.getQueueSize(q.recipientId), 2);
        assert.equal(await s.expireMsgs(q.recipientId, 20n), 0, 'nothing more to expire');
        assert.equal(await s.expireMsgs(rid(), 20n), 0, 'unknown queue');
      });

      it('never expires a quota marker, so the queue stays closed until it is ACKed', async () => {
        const s = await store();
        const q = await created(s);
        const ms = [msg(10n), msg(10n), msg(10n)];
        for (const m of ms) await s.writeMsg(q.recipientId, m, 2);
        assert.equal(await s.expireMsgs(q.recipientId, 100n), 2, 'both messages expire');
        assert.equal((await s.peekMsg(q.recipientId))?.isQuota, true, 'the marker remains');
        assert.equal((await s.writeMsg(q.recipientId, msg(), 2)).kind, 'quota-exceeded');
        await s.tryDelMsg(q.recipientId, ms[2]!.msgId);
        assert.equal((await s.writeMsg(q.recipientId, msg(), 2)).kind, 'written');
      });

      it('reports the queue empty again after expiry removed everything', async () => {
        const s = await store();
        const q = await created(s);
        await s.writeMsg(q.recipientId, msg(10n), 128);
        await s.writeMsg(q.recipientId, msg(11n), 128);
        assert.equal(await s.expireMsgs(q.recipientId, 100n), 2);
        assert.equal(await s.getQueueSize(q.recipientId), 0, 'the size counter follows expiry');
        assert.deepEqual(
          await s.writeMsg(q.recipientId, msg(), 128),
          { kind: 'written', wasEmpty: true },
          'the next SEND is pushed at once',
        );
      });

      it('sweeps the given vshards in bounded batches and counts expired messages', async () => {
        const s = await store();
        const qs = [];
        for (let i = 0; i < 5; i++) qs.push(await created(s, { vshard: 3 }));
        const other = await created(s, { vshard: 4 });
        for (const q of [...qs, other]) {
          await s.writeMsg(q.recipientId, msg(10n), 128);
          await s.writeMsg(q.recipientId, msg(50n), 128);
        }
        assert.equal(
          await s.expireAllMsgs(20n, { vshards: [3], batchSize: 2 }),
          5,
          'one old message per queue on vshard 3',
        );
        for (const q of qs) assert.equal((await s.peekMsg(q.recipientId))?.ts, 50n);
        assert.equal((await s.peekMsg(other.recipientId))?.ts, 10n, 'vshard 4 was not swept');
        assert.equal(await s.expireAllMsgs(20n, { vshards: [3, 4] }), 1);
      });
    });

    describe('pending notifications (§7.8)', () => {
      it('takes notifications in send order, removing them, up to a limit', async () => {
        const s = await store();
        const n = ntfCreds();
        await created(s, { notifier: n });
        const ns = [ntf(1n), ntf(2n), ntf(3n)];
        for (const x of ns) assert.deepEqual(await s.addPendingNtf(n.notifierId, x), { ok: true });
        assert.deepEqual(await s.takePendingNtfs(n.notifierId, 2), ns.slice(0, 2));
        assert.deepEqual(await s.takePendingNtfs(n.notifierId), ns.slice(2));
        assert.deepEqual(await s.takePendingNtfs(n.notifierId), [], 'taken notifications are gone');
        assert.deepEqual(
          await s.addPendingNtf(rid(), ntf()),
          { ok: false, error: 'NOT_FOUND' },
          'no queue has that notifier',
        );
      });

      it('expires notifications older than the cutoff', async () => {
        const s = await store();
        const n = ntfCreds();
        await created(s, { notifier: n, vshard: 5 });
        const [old, fresh] = [ntf(10n), ntf(100n)];
        await s.addPendingNtf(n.notifierId, old);
        await s.addPendingNtf(n.notifierId, fresh);
        assert.equal(await s.expirePendingNtfs(50n, { vshards: [5] }), 1);
        assert.deepEqual(await s.takePendingNtfs(n.notifierId), [fresh]);
      });
    });
  });
}
