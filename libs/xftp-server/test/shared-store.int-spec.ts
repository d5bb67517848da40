// Two XFTP servers (same identity) on one Postgres schema and one blob root, as two gateways of a
// deployment behind one address: a chunk uploaded through one is served by the other, deletes and
// the quota are seen by both, and one server's expiry sweep removes chunks for both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@simplex-relay/testing';
import { FsBlobStore, PostgresFileStore, migrateFileStore } from '@simplex-relay/xftp-store';
import { chunkDigest } from '@simplex-relay/protocol';
import {
  newFile,
  randomChunk,
  startServer,
  tempBlobStore,
  uploadFile,
  type TestServer,
} from './support/harness.ts';
import type { RawXftpConnection } from './support/raw-client.ts';

const KB64 = 65536;
const MB4 = 4 * 1024 * 1024;

describe('two servers sharing one database and one blob root', () => {
  let db: TestDatabase;
  let blobs: Awaited<ReturnType<typeof tempBlobStore>>;
  const stores: PostgresFileStore[] = [];
  let a: TestServer;
  let b: TestServer;
  let ca: RawXftpConnection;
  let cb: RawXftpConnection;

  before(async () => {
    db = await createTestDatabase({ prefix: 'xftp_shared' });
    await migrateFileStore(db.url, { schema: 'xftp_shared' });
    blobs = await tempBlobStore();
    const open = async (): Promise<Pick<TestServer, 'fileStore' | 'blobStore'>> => {
      const fileStore = new PostgresFileStore({
        connectionString: db.url,
        schema: 'xftp_shared',
        poolSize: 4,
      });
      stores.push(fileStore);
      // Each server opens the root itself, as a second gateway on a shared volume would.
      return { fileStore, blobStore: await FsBlobStore.open({ root: blobs.root }) };
    };
    const quota = {
      storageQuota: MB4 + KB64,
      fileExpiration: { ttlSeconds: 48 * 3600, checkIntervalSeconds: 7200 },
    };
    a = await startServer({ ...(await open()), ...quota });
    b = await startServer({ ...(await open()), ...quota });
    ca = await a.client();
    cb = await b.client();
  });

  after(async () => {
    await a?.close();
    await b?.close();
    for (const s of stores) await s.close();
    await blobs?.remove();
    await db?.drop();
  });

  it('serves through one server a 4 MB chunk uploaded through the other', async () => {
    const chunk = randomChunk(MB4);
    const f = await uploadFile(ca, chunk, 2);
    const d = await cb.download(f.rcv[0]!.priv, f.recipientIds[0]!);
    assert.deepEqual(d.chunk, chunk, 'server B streams the body server A stored');
    const del = await cb.command(f.snd.priv, f.senderId, { tag: 'FDEL' });
    assert.deepEqual(del.response, { tag: 'OK' }, 'B deletes what A created');
    const gone = await ca.download(f.rcv[1]!.priv, f.recipientIds[1]!);
    assert.deepEqual(gone.response, { tag: 'ERR', error: { type: 'AUTH' } }, 'A sees the delete');
  });

  it('accepts the same upload racing on both servers once', async () => {
    const chunk = randomChunk(KB64);
    const f = await newFile(ca, chunk, { digest: chunkDigest(chunk) });
    const [ra, rb] = await Promise.all([
      ca.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [chunk]),
      cb.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [chunk]),
    ]);
    assert.deepEqual([ra.response, rb.response], [{ tag: 'OK' }, { tag: 'OK' }]);
    assert.equal(await a.fileStore.getUsedStorage(), KB64, 'counted once');
    assert.deepEqual((await cb.download(f.rcv[0]!.priv, f.recipientIds[0]!)).chunk, chunk);
    await ca.command(f.snd.priv, f.senderId, { tag: 'FDEL' });
  });

  it('enforces one quota across both servers', async () => {
    const x = await uploadFile(ca, randomChunk(KB64));
    const y = await uploadFile(cb, randomChunk(KB64));
    const big = randomChunk(MB4);
    const f = await newFile(ca, big, { digest: chunkDigest(big) });
    const over = await ca.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [big]);
    assert.deepEqual(over.response, { tag: 'ERR', error: { type: 'QUOTA' } });
    await cb.command(x.snd.priv, x.senderId, { tag: 'FDEL' });
    const ok = await ca.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [big]);
    assert.deepEqual(ok.response, { tag: 'OK' }, 'room after a delete on the other server');
    await ca.command(f.snd.priv, f.senderId, { tag: 'FDEL' });
    await ca.command(y.snd.priv, y.senderId, { tag: 'FDEL' });
  });

  it('expires on one server for both, removing the shared bodies', async () => {
    const f = await uploadFile(cb, randomChunk(KB64));
    const later = Math.floor(Date.now() / 1000) + 50 * 3600;
    assert.ok((await a.server.runExpiry({ now: later })) >= 1);
    const d = await cb.download(f.rcv[0]!.priv, f.recipientIds[0]!);
    assert.deepEqual(d.response, { tag: 'ERR', error: { type: 'AUTH' } });
    assert.equal(await b.fileStore.getUsedStorage(), 0);
  });
});
