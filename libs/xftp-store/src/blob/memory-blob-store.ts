// In-memory BlobStore: the fake for server unit tests. Same contract as FsBlobStore (both pass
// test/blob-store.contract.ts) except durability; bodies are kept whole in memory, so use it only
// with small chunks.
import { Readable } from 'node:stream';
import type {
  BlobPutOptions,
  BlobPutResult,
  BlobRange,
  BlobReadHandle,
  BlobSource,
  BlobStore,
} from '../ports/blob-store.port.ts';
import { checkBlobKey, checkPutArgs, consumeSource, resolveRange } from './common.ts';

export class MemoryBlobStore implements BlobStore {
  readonly #blobs = new Map<string, Uint8Array>();

  async put(
    key: string,
    source: BlobSource,
    expectedSize: number,
    opts: BlobPutOptions = {},
  ): Promise<BlobPutResult> {
    checkBlobKey(key);
    checkPutArgs(expectedSize, opts);
    const body = new Uint8Array(expectedSize);
    let off = 0;
    const r = await consumeSource(source, expectedSize, opts, (chunk) => {
      body.set(chunk, off);
      off += chunk.length;
    });
    if (r.ok) this.#blobs.set(key, body);
    return r;
  }

  async get(key: string, range?: BlobRange): Promise<BlobReadHandle | undefined> {
    checkBlobKey(key);
    const b = this.#blobs.get(key);
    if (!b) return undefined;
    const { start, length } = resolveRange(range, b.length);
    const part = b.slice(start, start + length);
    return { size: b.length, stream: Readable.from(part.length ? [Buffer.from(part)] : []) };
  }

  async delete(key: string): Promise<boolean> {
    checkBlobKey(key);
    return this.#blobs.delete(key);
  }

  async exists(key: string): Promise<boolean> {
    checkBlobKey(key);
    return this.#blobs.has(key);
  }

  async size(key: string): Promise<number | undefined> {
    checkBlobKey(key);
    return this.#blobs.get(key)?.length;
  }
}
