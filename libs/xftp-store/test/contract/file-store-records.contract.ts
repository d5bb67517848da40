// Contract, part 1: records, recipients, IDs, delete and ack (upstream Server/Store.hs semantics;
// behaviour tests in tests/XFTPServerTests.hs: testFileChunkDelete, testFileChunkAck).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FILE_ID_SIZE, randomFileId } from '../../src/index.ts';
import type { FileStore, NewFile } from '../../src/index.ts';
import { HOUR, T0, constantId, key, keys, newFile, scriptedIds } from '../support/fixtures.ts';
import { tracked } from './harness.ts';
import type { FileStoreHarness } from './harness.ts';

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function created(s: FileStore, f: NewFile = newFile()) {
  const r = await s.createFile(f);
  assert.ok(r.ok, 'fresh random IDs must be accepted');
  return r;
}

export function fileRecordsContract(name: string, harness: FileStoreHarness): void {
  const h = tracked(harness);

  describe(`FileStore contract (records): ${name}`, () => {
    it('creates a record with one recipient ID per key and finds it by the sender and each recipient ID', async () => {
      const s = await h.fresh();
      const f = newFile({ recipientKeys: keys(3), size: 262144, createdAt: T0 + 1799 });
      const r = await created(s, f);
      assert.equal(r.senderId.length, FILE_ID_SIZE, 'sender IDs are 16 bytes (fileIdSize)');
      assert.equal(r.recipientIds.length, 3, 'one recipient ID per key');
      for (const id of r.recipientIds) assert.equal(id.length, FILE_ID_SIZE);
      const expected = {
        senderId: r.senderId,
        senderKey: f.senderKey,
        size: 262144,
        digest: f.digest,
        createdAt: T0,
        status: { kind: 'active' },
        body: 'none',
      };
      assert.deepEqual(
        await s.getFileBySender(r.senderId),
        expected,
        'every field round-trips; time rounded down to the hour',
      );
      for (const [i, rId] of r.recipientIds.entries())
        assert.deepEqual(
          await s.getFileByRecipient(rId),
          { file: expected, recipientKey: f.recipientKeys[i] },
          'recipient IDs come back in key order (SIDS order)',
        );
    });

    it('finds nothing for unknown IDs, nor for an ID used in the other party role', async () => {
      const s = await h.fresh();
      const r = await created(s);
      assert.equal(await s.getFileBySender(randomFileId()), undefined);
      assert.equal(await s.getFileByRecipient(randomFileId()), undefined);
      assert.equal(
        await s.getFileBySender(r.recipientIds[0]!),
        undefined,
        'a recipient ID is not a sender ID',
      );
      assert.equal(
        await s.getFileByRecipient(r.senderId),
        undefined,
        'a sender ID is not a recipient ID',
      );
    });

    it('gives every record and recipient distinct IDs', async () => {
      const s = await h.fresh();
      const all = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const r = await created(s, newFile({ recipientKeys: keys(3) }));
        for (const id of [r.senderId, ...r.recipientIds]) all.add(hexOf(id));
      }
      assert.equal(all.size, 80, 'no ID repeats, across sender and recipient IDs');
    });

    it('adds recipients in key order before and after upload, leaving the existing ones', async () => {
      const s = await h.fresh();
      const r = await created(s);
      const more = keys(2);
      const a = await s.addRecipients(r.senderId, more);
      assert.ok(a.ok);
      assert.equal(a.recipientIds.length, 2);
      for (const [i, rId] of a.recipientIds.entries())
        assert.deepEqual(
          (await s.getFileByRecipient(rId))?.recipientKey,
          more[i],
          'RIDS in key order',
        );
      assert.ok(await s.getFileByRecipient(r.recipientIds[0]!), 'the FNEW recipient stays');
      assert.ok((await s.reserveStorage(r.senderId, undefined)).ok);
      assert.ok((await s.markStored(r.senderId)).ok);
      const b = await s.addRecipients(r.senderId, [key()]);
      assert.ok(b.ok, 'FADD is allowed after upload (spec §6.2)');
    });

    it('refuses recipients for an unknown file', async () => {
      const s = await h.fresh();
      assert.deepEqual(await s.addRecipients(randomFileId(), [key()]), {
        ok: false,
        error: 'NOT_FOUND',
      });
    });

    it('rejects argument bugs with RangeError: no keys, more than 255 keys, a zero or over-Word32 size', async () => {
      const s = await h.fresh();
      const none = [] as unknown as [Uint8Array];
      await assert.rejects(s.createFile(newFile({ recipientKeys: none })), RangeError);
      await assert.rejects(s.createFile(newFile({ recipientKeys: keys(256) })), RangeError);
      await assert.rejects(s.createFile(newFile({ size: 0 })), RangeError);
      await assert.rejects(s.createFile(newFile({ size: 2 ** 32 })), RangeError);
      const r = await created(s, newFile({ recipientKeys: keys(255), size: 2 ** 32 - 1 }));
      assert.equal(r.recipientIds.length, 255, '255 keys and a maximal Word32 size are fine');
      await assert.rejects(s.addRecipients(r.senderId, none), RangeError);
      assert.equal(await s.countFiles(), 1, 'rejected calls stored nothing');
    });

    describe('ID collisions (upstream retryAdd: 3 attempts, then INTERNAL)', () => {
      it('retries with fresh IDs when a new sender ID is taken, in either ID space', async () => {
        const s = await h.fresh();
        const a = await created(s);
        for (const taken of [a.senderId, a.recipientIds[0]!]) {
          const gen = scriptedIds(taken);
          const t = await h.another(s, { newId: gen });
          const b = await created(t);
          assert.notDeepEqual(b.senderId, taken, 'the taken ID was not reused');
          assert.equal(gen.calls, 4, 'one failed attempt (2 IDs), one good attempt (2 IDs)');
        }
        assert.equal(await s.countFiles(), 3);
      });

      it('retries when a new recipient ID is taken in either space, or repeats within the request', async () => {
        const s = await h.fresh();
        const a = await created(s);
        const fresh = randomFileId();
        for (const script of [
          [randomFileId(), a.recipientIds[0]!],
          [randomFileId(), a.senderId],
          [randomFileId(), fresh, fresh],
        ]) {
          const t = await h.another(s, { newId: scriptedIds(...script) });
          const b = await created(t, newFile({ recipientKeys: keys(script.length - 1) }));
          for (const id of b.recipientIds) {
            assert.notDeepEqual(id, a.recipientIds[0]);
            assert.notDeepEqual(id, a.senderId);
          }
          assert.equal(new Set(b.recipientIds.map(hexOf)).size, b.recipientIds.length);
        }
        const u = await h.another(s, { newId: scriptedIds(a.senderId, a.recipientIds[0]!) });
        const added = await u.addRecipients(a.senderId, [key()]);
        assert.ok(added.ok, 'FADD retries too');
        assert.notDeepEqual(added.recipientIds[0], a.recipientIds[0]);
      });

      it('answers INTERNAL after three colliding attempts and stores nothing', async () => {
        const s = await h.fresh();
        const a = await created(s);
        const stuck = await h.another(s, { newId: constantId(a.senderId) });
        assert.deepEqual(await stuck.createFile(newFile()), { ok: false, error: 'INTERNAL' });
        assert.deepEqual(await stuck.addRecipients(a.senderId, [key()]), {
          ok: false,
          error: 'INTERNAL',
        });
        assert.equal(await s.countFiles(), 1, 'no record was added');
        assert.equal(
          (await s.getFileByRecipient(a.recipientIds[0]!))?.file.senderId.length,
          FILE_ID_SIZE,
          'the existing record is intact',
        );
      });
    });

    describe('delete and ack', () => {
      it('deletes a record with all its recipient IDs (FDEL); every ID is then unknown', async () => {
        const s = await h.fresh();
        const r = await created(s, newFile({ recipientKeys: keys(2) }));
        const extra = await s.addRecipients(r.senderId, [key()]);
        assert.ok(extra.ok);
        assert.deepEqual(await s.deleteFile(r.senderId), {
          ok: true,
          senderId: r.senderId,
          size: 65536,
          body: 'none',
        });
        assert.equal(await s.getFileBySender(r.senderId), undefined);
        for (const rId of [...r.recipientIds, ...extra.recipientIds])
          assert.equal(await s.getFileByRecipient(rId), undefined, 'recipients go with the file');
        assert.deepEqual(await s.deleteFile(r.senderId), { ok: false, error: 'NOT_FOUND' });
        assert.deepEqual(await s.deleteRecipient(r.recipientIds[0]!), {
          ok: false,
          error: 'NOT_FOUND',
        });
        assert.deepEqual(await s.addRecipients(r.senderId, [key()]), {
          ok: false,
          error: 'NOT_FOUND',
        });
        assert.equal(await s.countFiles(), 0);
      });

      it('removes only the acknowledging recipient (FACK); the record and other recipients stay', async () => {
        const s = await h.fresh();
        const r = await created(s, newFile({ recipientKeys: keys(2) }));
        assert.deepEqual(await s.deleteRecipient(r.recipientIds[0]!), { ok: true });
        assert.equal(await s.getFileByRecipient(r.recipientIds[0]!), undefined);
        assert.ok(await s.getFileByRecipient(r.recipientIds[1]!), 'the other recipient stays');
        assert.ok(await s.getFileBySender(r.senderId), 'the record stays');
        assert.deepEqual(await s.deleteRecipient(r.recipientIds[0]!), {
          ok: false,
          error: 'NOT_FOUND',
        });
      });

      it('rounds creation time down to the hour and defaults it to now', async () => {
        const s = await h.fresh();
        const r = await created(s, newFile({ createdAt: T0 + HOUR - 1 }));
        assert.equal((await s.getFileBySender(r.senderId))?.createdAt, T0);
        const before = Math.floor(Date.now() / 1000);
        const n = await created(s, newFile());
        const at = (await s.getFileBySender(n.senderId))?.createdAt ?? -1;
        assert.equal(at % HOUR, 0);
        assert.ok(at <= before && before - at < HOUR, 'the current hour');
      });
    });
  });
}
