// BlobStore on a local (or shared, e.g. NFS/RWX volume) file system. Layout under `root`:
//   <k0k1>/<k2k3>/<key>   committed blobs, two levels of shard directories from the key's first
//                         four characters (65,536 leaves: a few hundred files each at 10^7 chunks)
//   .tmp/<uuid>.part      uploads in progress; `.` keeps it apart from the key alphabet
// A put writes the temp file, fsyncs it, renames it into place and fsyncs the directory (and any
// shard directory it created), so a blob is either absent or complete and durable. A crash leaves
// at most a temp file, removed by `open()` once older than `staleTempAgeMs`: the age keeps one
// gateway's start from deleting another's live upload on a shared volume.
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobStoreError } from '../ports/blob-store.port.ts';
import type {
  BlobPutOptions,
  BlobPutResult,
  BlobRange,
  BlobReadHandle,
  BlobSource,
  BlobStore,
} from '../ports/blob-store.port.ts';
import { checkBlobKey, checkPutArgs, consumeSource, resolveRange } from './common.ts';

/** Options of `FsBlobStore.open`. */
export interface FsBlobStoreOptions {
  /** Root directory (upstream INI `[FILES] path`); created if missing. */
  readonly root: string;
  /**
   * Temp files older than this are removed at `open()` (crashed uploads). Must exceed the longest
   * upload (upstream `fileTimeout`, 5 min). Default 30 min.
   */
  readonly staleTempAgeMs?: number;
  /** Read-stream chunk size of `get`. Default 64 KiB. */
  readonly readChunkSize?: number;
}

/** Defaults of the optional fields. */
export const FS_BLOB_STORE_DEFAULTS = {
  staleTempAgeMs: 30 * 60_000,
  readChunkSize: 64 * 1024,
} as const;

const TMP_DIR = '.tmp';

const errno = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;

/** Runs a file-system step; its error becomes a `BlobStoreError` without the path (which holds the key). */
async function io<T>(op: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw new BlobStoreError(op, errno(err));
  }
}

export class FsBlobStore implements BlobStore {
  readonly #root: string;
  readonly #tmp: string;
  readonly #readChunk: number;

  private constructor(root: string, readChunk: number) {
    this.#root = root;
    this.#tmp = join(root, TMP_DIR);
    this.#readChunk = readChunk;
  }

  /** Creates the directories if needed and removes stale temp files of crashed uploads. */
  static async open(opts: FsBlobStoreOptions): Promise<FsBlobStore> {
    const d = FS_BLOB_STORE_DEFAULTS;
    const s = new FsBlobStore(opts.root, opts.readChunkSize ?? d.readChunkSize);
    await io('open', mkdir(s.#tmp, { recursive: true }));
    await s.removeStaleTemp(opts.staleTempAgeMs ?? d.staleTempAgeMs);
    return s;
  }

  /** Removes temp files not modified for `olderThanMs`; returns how many. */
  async removeStaleTemp(olderThanMs: number): Promise<number> {
    const now = Date.now();
    let removed = 0;
    for (const name of await io('cleanup', readdir(this.#tmp))) {
      const p = join(this.#tmp, name);
      const st = await stat(p).catch(() => undefined);
      if (!st?.isFile() || now - st.mtimeMs < olderThanMs) continue;
      await unlink(p).then(
        () => removed++,
        (err: unknown) => {
          if (errno(err) !== 'ENOENT') throw new BlobStoreError('cleanup', errno(err));
        },
      );
    }
    return removed;
  }

  async put(
    key: string,
    source: BlobSource,
    expectedSize: number,
    opts: BlobPutOptions = {},
  ): Promise<BlobPutResult> {
    const final = this.#path(key);
    checkPutArgs(expectedSize, opts);
    const tmp = join(this.#tmp, `${randomUUID()}.part`);
    const fh = await io('put', open(tmp, 'wx', 0o600));
    let handleOpen = true;
    let renamed = false;
    try {
      const r = await consumeSource(source, expectedSize, opts, (chunk) => writeAll(fh, chunk));
      if (!r.ok) return r;
      await io('put', fh.sync());
      handleOpen = false;
      await io('put', fh.close());
      const dir = dirname(final);
      const created = await io('put', mkdir(dir, { recursive: true }));
      await io('put', rename(tmp, final));
      renamed = true;
      // The new name must survive a crash: sync its directory, and the parents of any directory
      // that mkdir just created (their entries are new too).
      for (const d of dirsToSync(dir, created)) await io('put', fsyncDir(d));
      return { ok: true };
    } finally {
      if (handleOpen) await fh.close().catch(() => {});
      if (!renamed) await unlink(tmp).catch(() => {});
    }
  }

  async get(key: string, range?: BlobRange): Promise<BlobReadHandle | undefined> {
    const path = this.#path(key);
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if (errno(err) === 'ENOENT') return undefined;
      throw new BlobStoreError('get', errno(err));
    }
    try {
      const { size } = await io('get', fh.stat());
      const { start, length } = resolveRange(range, size);
      if (length === 0) {
        await fh.close();
        return { size, stream: Readable.from([]) };
      }
      // The stream owns the handle from here and closes it on end, error or destroy.
      const stream = fh.createReadStream({
        start,
        end: start + length - 1,
        highWaterMark: this.#readChunk,
        autoClose: true,
      });
      return { size, stream };
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
  }

  async delete(key: string): Promise<boolean> {
    const path = this.#path(key);
    try {
      await unlink(path);
      return true;
    } catch (err) {
      if (errno(err) === 'ENOENT') return false;
      throw new BlobStoreError('delete', errno(err));
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.size(key)) !== undefined;
  }

  async size(key: string): Promise<number | undefined> {
    const path = this.#path(key);
    try {
      const st = await stat(path);
      return st.isFile() ? st.size : undefined;
    } catch (err) {
      if (errno(err) === 'ENOENT') return undefined;
      throw new BlobStoreError('stat', errno(err));
    }
  }

  #path(key: string): string {
    checkBlobKey(key);
    return join(this.#root, key.slice(0, 2), key.slice(2, 4), key);
  }
}

/** Writes all of `chunk` (a positional write may be partial). */
async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await io('put', fh.write(chunk, off, chunk.length - off));
    off += bytesWritten;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** `dir`, plus its ancestors up to the parent of `created` (the first directory mkdir made). */
function dirsToSync(dir: string, created: string | undefined): string[] {
  const out = [dir];
  if (created === undefined) return out;
  const stop = dirname(created);
  for (let d = dir; d !== stop;) {
    d = dirname(d);
    out.push(d);
    if (d === dirname(d)) break;
  }
  return out;
}
