// One behaviour suite for every BlobStore backend: streamed put with exact size and digest checks,
// ranged get, delete, exists/size (spec §7.1, §7.2; upstream Transport.hs receiveFile/sendEncFile).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { blobKeyForSender, randomFileId } from '../../src/index.ts';
import type { BlobStore } from '../../src/index.ts';
import { chunksOf, readAll } from '../support/streams.ts';

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const newKey = () => blobKeyForSender(randomFileId());

/** Makes a store; `leftovers()` lists partial data the backend still holds (temp files), if it can tell. */
export interface BlobHarness {
  open(): Promise<{ store: BlobStore; leftovers(): Promise<string[]> }>;
}

export function blobStoreContract(name: string, harness: BlobHarness): void {
  describe(`BlobStore contract: ${name}`, () => {
    it('stores a streamed body and reads it back whole and by range', async () => {
      const { store } = await harness.open();
      const body = new Uint8Array(randomBytes(100_000));
      const key = newKey();
      assert.deepEqual(
        await store.put(key, chunksOf(body, 16384), body.length, { sha256: sha256(body) }),
        { ok: true },
      );
      assert.equal(await store.exists(key), true);
      assert.equal(await store.size(key), body.length);
      const whole = await store.get(key);
      assert.equal(whole?.size, body.length);
      assert.deepEqual(await readAll(whole!.stream), body);
      const part = await store.get(key, { offset: 16380, length: 10 });
      assert.equal(part?.size, body.length, 'size is the whole blob');
      assert.deepEqual(await readAll(part!.stream), body.subarray(16380, 16390));
      const tail = await store.get(key, { offset: 99_990 });
      assert.deepEqual(await readAll(tail!.stream), body.subarray(99_990));
      const empty = await store.get(key, { offset: body.length });
      assert.deepEqual(await readAll(empty!.stream), new Uint8Array(0));
      await assert.rejects(store.get(key, { offset: 10, length: body.length }), RangeError);
    });

    it('answers undefined / false for a missing blob and deletes idempotently', async () => {
      const { store } = await harness.open();
      const key = newKey();
      assert.equal(await store.get(key), undefined);
      assert.equal(await store.exists(key), false);
      assert.equal(await store.size(key), undefined);
      assert.equal(await store.delete(key), false);
      await store.put(key, chunksOf(new Uint8Array(5), 5), 5);
      assert.equal(await store.delete(key), true);
      assert.equal(await store.delete(key), false);
      assert.equal(await store.exists(key), false);
    });

    it('rejects a short body with SIZE and keeps nothing', async () => {
      const { store, leftovers } = await harness.open();
      const key = newKey();
      const r = await store.put(key, chunksOf(new Uint8Array(1000), 100), 1001);
      assert.deepEqual(r, { ok: false, error: 'SIZE' });
      assert.equal(await store.exists(key), false);
      assert.deepEqual(await leftovers(), []);
    });

    it('rejects a long body with SIZE at the first surplus byte, without reading further', async () => {
      const { store, leftovers } = await harness.open();
      const key = newKey();
      let pulled = 0;
      async function* source() {
        for (;;) {
          pulled++;
          yield new Uint8Array(600);
        }
      }
      assert.deepEqual(await store.put(key, source(), 1000), { ok: false, error: 'SIZE' });
      assert.equal(pulled, 2, 'the second chunk carried the surplus; no third read');
      assert.equal(await store.exists(key), false);
      assert.deepEqual(await leftovers(), []);
    });

    it('rejects a body whose SHA-256 differs with DIGEST, leaving an existing blob untouched', async () => {
      const { store, leftovers } = await harness.open();
      const key = newKey();
      const good = new Uint8Array(randomBytes(4096));
      await store.put(key, chunksOf(good, 1000), good.length, { sha256: sha256(good) });
      const bad = new Uint8Array(randomBytes(4096));
      assert.deepEqual(await store.put(key, chunksOf(bad, 1000), 4096, { sha256: sha256(good) }), {
        ok: false,
        error: 'DIGEST',
      });
      assert.deepEqual(await store.put(key, chunksOf(bad, 1000), 4095), {
        ok: false,
        error: 'SIZE',
      });
      assert.deepEqual(
        await readAll((await store.get(key))!.stream),
        good,
        'the committed body stays',
      );
      assert.deepEqual(await leftovers(), []);
    });

    it('accepts a Node Readable and leaves it undestroyed when it stops at a surplus byte', async () => {
      const { store } = await harness.open();
      const key = newKey();
      const body = new Uint8Array(randomBytes(3000));
      assert.deepEqual(await store.put(key, Readable.from(chunksOf(body, 1000)), 3000), {
        ok: true,
      });
      assert.deepEqual(await readAll((await store.get(key))!.stream), body);
      const long = Readable.from(chunksOf(new Uint8Array(5000), 1000));
      assert.deepEqual(await store.put(newKey(), long, 2500), { ok: false, error: 'SIZE' });
      assert.equal(
        long.destroyed,
        false,
        'the caller decides what happens to the rest of the request',
      );
      long.destroy();
    });

    it('replaces a blob on a second successful put (a retried upload)', async () => {
      const { store } = await harness.open();
      const key = newKey();
      await store.put(key, chunksOf(new Uint8Array([1, 2, 3]), 2), 3);
      await store.put(key, chunksOf(new Uint8Array([4, 5, 6]), 2), 3);
      assert.deepEqual(await readAll((await store.get(key))!.stream), new Uint8Array([4, 5, 6]));
    });

    it('rethrows the source error and keeps nothing', async () => {
      const { store, leftovers } = await harness.open();
      const key = newKey();
      const boom = new Error('client went away');
      async function* source() {
        yield new Uint8Array(10);
        throw boom;
      }
      await assert.rejects(store.put(key, source(), 20), (e) => e === boom);
      assert.equal(await store.exists(key), false);
      assert.deepEqual(await leftovers(), []);
    });

    it('stops on abort even while the source is stalled, rejecting with the reason', async () => {
      const { store, leftovers } = await harness.open();
      const key = newKey();
      const ac = new AbortController();
      let stalled!: () => void;
      const reached = new Promise<void>((r) => (stalled = r));
      async function* source() {
        yield new Uint8Array(10);
        stalled();
        await new Promise(() => {}); // a client that stops sending
      }
      const put = store.put(key, source(), 20, { signal: ac.signal });
      await reached;
      const reason = new Error('fileTimeout');
      ac.abort(reason);
      await assert.rejects(put, (e) => e === reason);
      assert.equal(await store.exists(key), false);
      assert.deepEqual(await leftovers(), []);
    });

    it('rejects keys outside the lowercase key alphabet and non-byte chunks', async () => {
      const { store } = await harness.open();
      await assert.rejects(store.get('ABCDEF'), RangeError);
      await assert.rejects(store.put('../../etc', chunksOf(new Uint8Array(1), 1), 1), RangeError);
      async function* strings() {
        yield 'text' as unknown as Uint8Array;
      }
      await assert.rejects(store.put(newKey(), strings(), 4), TypeError);
    });
  });
}
