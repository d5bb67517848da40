import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BlobStoreError, FsBlobStore, blobKeyForSender, randomFileId } from '../src/index.ts';
import { blobStoreContract } from './contract/blob-store.contract.ts';
import { chunksOf } from './support/streams.ts';

const roots: string[] = [];
async function newRoot(): Promise<string> {
  const r = await mkdtemp(join(tmpdir(), 'xftp-blobs-'));
  roots.push(r);
  return r;
}
after(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});
const tmpFiles = (root: string) => readdir(join(root, '.tmp'));

blobStoreContract('fs', {
  async open() {
    const root = await newRoot();
    return { store: await FsBlobStore.open({ root }), leftovers: () => tmpFiles(root) };
  },
});

describe('FsBlobStore', () => {
  it('keeps blobs in two levels of shard directories, readable only by the owner', async () => {
    const root = await newRoot();
    const store = await FsBlobStore.open({ root });
    const key = blobKeyForSender(randomFileId());
    assert.match(key, /^[0-9a-f]{32}$/, 'keys are 32 lowercase hex digits');
    await store.put(key, chunksOf(new Uint8Array(3), 3), 3);
    const st = await stat(join(root, key.slice(0, 2), key.slice(2, 4), key));
    assert.equal(st.size, 3);
    assert.equal(st.mode & 0o777, 0o600);
  });

  it('streams a 20 MB body in and out without holding it in memory', async () => {
    const root = await newRoot();
    const store = await FsBlobStore.open({ root });
    const key = blobKeyForSender(randomFileId());
    const piece = 16384;
    const total = 20 * 1024 * 1024;
    const inHash = createHash('sha256');
    let yielded = 0;
    let checks = 0;
    async function* source() {
      for (let i = 0; yielded < total; i++) {
        if (i % 64 === 0 && yielded > 0) {
          // Everything handed over so far is already in the temp file: put pulls a chunk only
          // after writing the previous one, so at most one chunk is in memory at a time.
          const [tmp] = await tmpFiles(root);
          assert.equal((await stat(join(root, '.tmp', tmp!))).size, yielded);
          checks++;
        }
        const c = new Uint8Array(piece).fill(i & 0xff);
        inHash.update(c);
        yielded += piece;
        yield c;
      }
    }
    const sha256 = await (async () => {
      // The digest is known before upload (FNEW); compute it from the same generator pattern.
      const h = createHash('sha256');
      for (let i = 0; i * piece < total; i++) h.update(new Uint8Array(piece).fill(i & 0xff));
      return new Uint8Array(h.digest());
    })();
    assert.deepEqual(await store.put(key, source(), total, { sha256 }), { ok: true });
    assert.ok(checks >= 19, 'the on-disk progress was checked throughout the upload');
    assert.deepEqual(await tmpFiles(root), []);

    const handle = await store.get(key);
    assert.equal(handle?.size, total);
    const stream = handle!.stream as ReadStream;
    const outHash = createHash('sha256');
    let read = 0;
    let largest = 0;
    let first = true;
    for await (const c of stream) {
      const b = c as Buffer;
      if (first) {
        assert.ok(stream.bytesRead <= 4 * 65536, 'the file is read lazily, not up front');
        first = false;
      }
      largest = Math.max(largest, b.length);
      read += b.length;
      outHash.update(b);
    }
    assert.equal(read, total);
    assert.ok(largest <= 65536, 'read in chunks of at most 64 KiB');
    assert.equal(outHash.digest('hex'), inHash.digest('hex'));
  });

  it(
    'leaves no blob when the process dies mid-upload, and removes the stale temp file at start',
    { timeout: 120_000 },
    async () => {
      const root = await newRoot();
      const key = blobKeyForSender(randomFileId());
      const script = new URL('./support/crash-put.ts', import.meta.url).pathname;
      const child = spawn(process.execPath, ['--import', 'tsx', script, root, key], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise((r) => child.once('exit', r));
      try {
        await new Promise<void>((resolve, reject) => {
          child.on('error', reject);
          child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
          child.stdout.on('data', (d: Buffer) => d.toString().includes('half') && resolve());
        });
      } finally {
        child.kill('SIGKILL');
        await exited;
      }

      const [tmp, ...more] = await tmpFiles(root);
      assert.equal(more.length, 0);
      assert.equal(
        (await stat(join(root, '.tmp', tmp!))).size,
        512 * 1024,
        'the partial upload is only a temp file',
      );
      const fresh = await FsBlobStore.open({ root });
      assert.equal(await fresh.exists(key), false, 'no blob is visible');
      assert.deepEqual(
        await tmpFiles(root),
        [tmp],
        'a recent temp file may be a live upload: kept by default',
      );
      const old = new Date(Date.now() - 31 * 60_000);
      await utimes(join(root, '.tmp', tmp!), old, old);
      const restarted = await FsBlobStore.open({ root });
      assert.deepEqual(
        await tmpFiles(root),
        [],
        'a temp file older than 30 min is removed at start',
      );
      assert.equal(await restarted.exists(key), false);
    },
  );

  it('removes temp files older than a given age on demand', async () => {
    const root = await newRoot();
    const store = await FsBlobStore.open({ root });
    await writeFile(join(root, '.tmp', 'a.part'), 'x');
    assert.equal(await store.removeStaleTemp(60_000), 0);
    assert.equal(await store.removeStaleTemp(0), 1);
    assert.deepEqual(await tmpFiles(root), []);
  });

  it('reports storage failures without the key or path, and cleans up', async () => {
    const root = await newRoot();
    const store = await FsBlobStore.open({ root });
    const key = blobKeyForSender(randomFileId());
    await writeFile(join(root, key.slice(0, 2)), 'not a directory');
    await assert.rejects(store.put(key, chunksOf(new Uint8Array(4), 4), 4), (e: unknown) => {
      assert.ok(e instanceof BlobStoreError);
      assert.ok(
        !e.message.includes(key) && !e.message.includes(root),
        'no key or path in the message',
      );
      assert.equal(e.cause, undefined, 'no driver error (with its path) attached');
      assert.match(e.message, /^blob put failed: E[A-Z]+$/);
      return true;
    });
    assert.deepEqual(await tmpFiles(root), []);
  });
});
