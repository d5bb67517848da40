// Contract, part 2: upload states and quota accounting (upstream Server.hs receiveServerFile.reserve,
// deleteOrBlockServerFile_), blocking, expiry (expireServerFiles, STMFileStore.expiredFiles) and
// several instances on one database.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomFileId } from '../../src/index.ts';
import type { FileStore, NewFile } from '../../src/index.ts';
import { HOUR, T0, key, keys, newFile } from '../support/fixtures.ts';
import { tracked } from './harness.ts';
import type { FileStoreHarness } from './harness.ts';

const SIZE = 65536;
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function created(s: FileStore, f: NewFile = newFile()) {
  const r = await s.createFile(f);
  assert.ok(r.ok);
  return r;
}

/** A record whose body is stored. */
async function stored(s: FileStore, f: NewFile = newFile()) {
  const r = await created(s, f);
  assert.deepEqual(await s.reserveStorage(r.senderId, undefined), { ok: true });
  assert.deepEqual(await s.markStored(r.senderId), { ok: true, alreadyStored: false });
  return r;
}

const bodyOf = async (s: FileStore, id: Uint8Array) => (await s.getFileBySender(id))?.body;

export function fileStorageContract(name: string, harness: FileStoreHarness): void {
  const h = tracked(harness);

  describe(`FileStore contract (storage): ${name}`, () => {
    describe('upload states and quota', () => {
      it('reserves, then commits an upload, counting its size once', async () => {
        const s = await h.fresh();
        const r = await created(s);
        assert.equal(await s.getUsedStorage(), 0, 'FNEW alone counts nothing');
        assert.deepEqual(await s.reserveStorage(r.senderId, SIZE), { ok: true });
        assert.equal(await bodyOf(s, r.senderId), 'reserved');
        assert.equal(await s.getUsedStorage(), SIZE);
        assert.deepEqual(
          await s.reserveStorage(r.senderId, SIZE),
          { ok: true },
          'a retried FPUT of a counted chunk passes even at a full quota',
        );
        assert.deepEqual(await s.markStored(r.senderId), { ok: true, alreadyStored: false });
        assert.equal(await bodyOf(s, r.senderId), 'stored');
        assert.deepEqual(
          await s.markStored(r.senderId),
          { ok: true, alreadyStored: true },
          'a second commit is idempotent and tells the caller to keep the blob',
        );
        assert.equal(await s.getUsedStorage(), SIZE, 'counted once');
      });

      it('refuses a reservation over the quota and counts nothing (ERR QUOTA)', async () => {
        const s = await h.fresh();
        const a = await created(s);
        const b = await created(s);
        assert.deepEqual(await s.reserveStorage(a.senderId, SIZE + SIZE / 2), { ok: true });
        assert.deepEqual(await s.reserveStorage(b.senderId, SIZE + SIZE / 2), {
          ok: false,
          error: 'QUOTA',
        });
        assert.equal(await bodyOf(s, b.senderId), 'none');
        assert.equal(await s.getUsedStorage(), SIZE);
        assert.deepEqual(
          await s.reserveStorage(b.senderId, 2 * SIZE),
          { ok: true },
          'exactly full is allowed',
        );
        assert.deepEqual(
          await s.reserveStorage((await created(s)).senderId, undefined),
          { ok: true },
          'no quota = unlimited',
        );
        assert.equal(await s.getUsedStorage(), 3 * SIZE);
      });

      it('releases a failed upload, and counts again if a concurrent upload commits after that', async () => {
        const s = await h.fresh();
        const r = await created(s);
        await s.reserveStorage(r.senderId, undefined);
        assert.deepEqual(await s.releaseStorage(r.senderId), { ok: true });
        assert.equal(await bodyOf(s, r.senderId), 'none');
        assert.equal(await s.getUsedStorage(), 0);
        assert.deepEqual(await s.markStored(r.senderId), { ok: true, alreadyStored: false });
        assert.equal(await s.getUsedStorage(), SIZE, 'the committed body is counted');
        assert.deepEqual(await s.releaseStorage(r.senderId), { ok: true });
        assert.equal(
          await bodyOf(s, r.senderId),
          'stored',
          'a late failure never un-stores a committed body',
        );
        assert.equal(await s.getUsedStorage(), SIZE);
        assert.deepEqual(await s.releaseStorage(randomFileId()), { ok: false, error: 'NOT_FOUND' });
      });

      it('frees counted bytes when a record is deleted, whatever its body state', async () => {
        const s = await h.fresh();
        const none = await created(s);
        const reserved = await created(s, newFile({ size: 262144 }));
        await s.reserveStorage(reserved.senderId, undefined);
        const done = await stored(s, newFile({ size: 1048576 }));
        assert.equal(await s.getUsedStorage(), 262144 + 1048576);
        const del = async (id: Uint8Array) => {
          const d = await s.deleteFile(id);
          assert.ok(d.ok);
          return d.body;
        };
        assert.equal(await del(none.senderId), 'none', 'no blob to delete');
        assert.equal(await del(reserved.senderId), 'reserved', 'a blob may exist: delete it');
        assert.equal(await s.getUsedStorage(), 1048576);
        assert.equal(await del(done.senderId), 'stored');
        assert.equal(await s.getUsedStorage(), 0);
      });

      it('refuses to reserve or commit for unknown records (upload raced FDEL: AUTH + cleanup)', async () => {
        const s = await h.fresh();
        const r = await created(s);
        await s.reserveStorage(r.senderId, undefined);
        await s.deleteFile(r.senderId);
        assert.deepEqual(await s.markStored(r.senderId), { ok: false, error: 'NOT_FOUND' });
        assert.deepEqual(await s.reserveStorage(r.senderId, undefined), {
          ok: false,
          error: 'NOT_FOUND',
        });
        assert.equal(await s.getUsedStorage(), 0);
      });
    });

    describe('blocking', () => {
      it('blocks a record: status with BlockingInfo, body dropped and freed, recipients kept', async () => {
        const s = await h.fresh();
        const r = await stored(s, newFile({ recipientKeys: keys(2) }));
        const info = { reason: 'content', notice: { ttl: 86400 } } as const;
        assert.deepEqual(await s.blockFile(r.senderId, info), {
          ok: true,
          senderId: r.senderId,
          size: SIZE,
          body: 'stored',
        });
        const rec = await s.getFileBySender(r.senderId);
        assert.deepEqual(rec?.status, { kind: 'blocked', info });
        assert.equal(rec?.body, 'none');
        assert.equal(await s.getUsedStorage(), 0, 'the blocked body no longer counts');
        assert.deepEqual(
          (await s.getFileByRecipient(r.recipientIds[1]!))?.file.status,
          { kind: 'blocked', info },
          'recipients see the block (ERR BLOCKED at v3)',
        );
        assert.deepEqual(await s.reserveStorage(r.senderId, undefined), {
          ok: false,
          error: 'NOT_FOUND',
        });
        assert.deepEqual(await s.markStored(r.senderId), { ok: false, error: 'NOT_FOUND' });
        assert.deepEqual(await s.blockFile(randomFileId(), info), {
          ok: false,
          error: 'NOT_FOUND',
        });
      });

      it('stores blocking info without a notice, and with an empty notice', async () => {
        const s = await h.fresh();
        for (const info of [{ reason: 'spam' }, { reason: 'spam', notice: {} }] as const) {
          const r = await created(s);
          const b = await s.blockFile(r.senderId, info);
          assert.ok(b.ok);
          assert.equal(b.body, 'none');
          assert.deepEqual((await s.getFileBySender(r.senderId))?.status, {
            kind: 'blocked',
            info,
          });
        }
        assert.equal(await s.getUsedStorage(), 0);
      });
    });

    describe('expiry', () => {
      it('removes records with createdAt + 1 h < now - ttl, oldest first, in batches, freeing their bytes', async () => {
        const s = await h.fresh();
        const ttl = 10 * HOUR;
        const now = T0 + ttl + 2 * HOUR; // cutoff: createdAt < T0 + HOUR
        const old = [];
        for (const at of [T0, T0 - 2 * HOUR, T0 - HOUR])
          old.push(await stored(s, newFile({ createdAt: at })));
        const oldNoBody = await created(s, newFile({ createdAt: T0 - 3 * HOUR }));
        const edge = await stored(s, newFile({ createdAt: T0 + HOUR }));
        assert.equal(await s.getUsedStorage(), 4 * SIZE);

        const first = await s.expireFiles({ now, ttlSeconds: ttl, limit: 2 });
        assert.deepEqual(
          first.map((e) => [hexOf(e.senderId), e.body, e.size]),
          [
            [hexOf(oldNoBody.senderId), 'none', SIZE],
            [hexOf(old[1]!.senderId), 'stored', SIZE],
          ],
          'oldest first, with the body state telling which blobs to delete',
        );
        const second = await s.expireFiles({ now, ttlSeconds: ttl, limit: 2 });
        assert.deepEqual(
          second.map((e) => hexOf(e.senderId)),
          [old[2], old[0]].map((r) => hexOf(r!.senderId)),
        );
        assert.deepEqual(
          await s.expireFiles({ now, ttlSeconds: ttl, limit: 2 }),
          [],
          'then nothing is left',
        );
        assert.ok(
          await s.getFileBySender(edge.senderId),
          'createdAt + 1 h = now - ttl is not yet expired',
        );
        for (const r of old)
          assert.equal(await s.getFileByRecipient(r.recipientIds[0]!), undefined);
        assert.equal(await s.getUsedStorage(), SIZE, 'only the survivor counts');
        assert.equal(await s.countFiles(), 1);
      });

      it('uses a 48 h lifetime by default', async () => {
        const s = await h.fresh();
        const now = T0 + 100 * HOUR;
        const young = await created(s, newFile({ createdAt: now - 48 * HOUR }));
        const old = await created(s, newFile({ createdAt: now - 50 * HOUR }));
        const gone = await s.expireFiles({ now });
        assert.deepEqual(
          gone.map((e) => hexOf(e.senderId)),
          [hexOf(old.senderId)],
        );
        assert.ok(await s.getFileBySender(young.senderId));
      });

      it('gives concurrent sweeps from two instances disjoint batches that together remove everything', async () => {
        const s = await h.fresh();
        const t = await h.another(s);
        for (let i = 0; i < 12; i++) await stored(s, newFile({ createdAt: T0 - i * HOUR }));
        const opts = { now: T0 + 60 * HOUR, limit: 3 };
        const sweep = async (st: FileStore) => {
          const got: string[] = [];
          for (let b = await st.expireFiles(opts); b.length > 0; b = await st.expireFiles(opts))
            got.push(...b.map((e) => hexOf(e.senderId)));
          return got;
        };
        const [a, b] = await Promise.all([sweep(s), sweep(t)]);
        assert.equal(a.length + b.length, 12, 'every record removed exactly once');
        assert.equal(new Set([...a, ...b]).size, 12);
        assert.equal(await s.getUsedStorage(), 0);
        assert.equal(await t.countFiles(), 0);
      });
    });

    describe('several instances on one database', () => {
      it('sees records and counters written by another instance at once (no stale cache)', async () => {
        const s = await h.fresh();
        const t = await h.another(s);
        const r = await stored(s);
        assert.equal((await t.getFileBySender(r.senderId))?.body, 'stored');
        assert.equal(await t.getUsedStorage(), SIZE);
        assert.ok((await t.deleteFile(r.senderId)).ok);
        assert.equal(await s.getFileBySender(r.senderId), undefined);
        assert.equal(await s.getUsedStorage(), 0);
      });

      it('creates concurrently from two instances with all IDs unique', async () => {
        const s = await h.fresh();
        const t = await h.another(s);
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            (i % 2 ? s : t).createFile(newFile({ recipientKeys: keys(3) })),
          ),
        );
        const ids = results.flatMap((r) => {
          assert.ok(r.ok);
          return [r.senderId, ...r.recipientIds].map(hexOf);
        });
        assert.equal(new Set(ids).size, 160);
        assert.equal(await s.countFiles(), 40);
      });

      it('never lets concurrent reservations from two instances pass the quota together', async () => {
        const s = await h.fresh();
        const t = await h.another(s);
        const files = await Promise.all(Array.from({ length: 10 }, () => created(s)));
        const quota = 3 * SIZE;
        const results = await Promise.all(
          files.map((f, i) => (i % 2 ? s : t).reserveStorage(f.senderId, quota)),
        );
        assert.equal(results.filter((r) => r.ok).length, 3, 'exactly what fits');
        assert.equal(await t.getUsedStorage(), quota);
      });

      it('keeps the counter equal to a full recount under concurrent mixed operations', async () => {
        const s = await h.fresh();
        const t = await h.another(s);
        const files = await Promise.all(Array.from({ length: 24 }, () => created(s)));
        const ops = files.flatMap((f, i): Promise<unknown>[] => {
          const st = i % 2 ? s : t;
          const other = i % 2 ? t : s;
          const id = f.senderId;
          switch (i % 4) {
            case 0:
              return [
                st.reserveStorage(id, undefined).then(() => other.markStored(id)),
                st.markStored(id),
              ];
            case 1:
              return [
                st.reserveStorage(id, undefined),
                other.releaseStorage(id),
                st.markStored(id),
              ];
            case 2:
              return [
                st.reserveStorage(id, undefined),
                other.deleteFile(id),
                st.blockFile(id, { reason: 'spam' }),
              ];
            default:
              return [st.markStored(id), other.addRecipients(id, [key()]), st.deleteFile(id)];
          }
        });
        await Promise.all(ops);
        const counted = await s.getUsedStorage();
        assert.equal(
          await t.recountUsedStorage(),
          counted,
          'the running total matches the records',
        );
        assert.equal(counted % SIZE, 0);
      });
    });
  });
}
