// Shared by every BlobStore backend: argument checks, range resolution, and the reading side of
// `put`, which pulls chunks one at a time (so a slow sink slows the source: backpressure), counts
// bytes, hashes them, stops at the first surplus byte and wakes on abort even while the source is
// stalled.
import { createHash, timingSafeEqual } from 'node:crypto';
import type {
  BlobPutOptions,
  BlobPutResult,
  BlobRange,
  BlobSource,
} from '../ports/blob-store.port.ts';

/** Blob keys: lowercase only, so names cannot collide on case-insensitive file systems. */
const BLOB_KEY = /^[0-9a-z_-]{4,128}$/;

/** Throws `RangeError` for a key outside `[0-9a-z_-]{4,128}` (never echoing it). */
export function checkBlobKey(key: string): void {
  if (!BLOB_KEY.test(key)) throw new RangeError('blob key must match [0-9a-z_-]{4,128}');
}

/** The start and length of `range` within a blob of `size` bytes (`RangeError` if outside). */
export function resolveRange(
  range: BlobRange | undefined,
  size: number,
): { start: number; length: number } {
  const start = range?.offset ?? 0;
  if (!Number.isSafeInteger(start) || start < 0 || start > size)
    throw new RangeError('range offset outside the blob');
  const length = range?.length ?? size - start;
  if (!Number.isSafeInteger(length) || length < 0 || start + length > size)
    throw new RangeError('range length outside the blob');
  return { start, length };
}

/** Checks `put` arguments common to all backends. */
export function checkPutArgs(expectedSize: number, opts: BlobPutOptions): void {
  if (!Number.isSafeInteger(expectedSize) || expectedSize < 0)
    throw new RangeError('expectedSize must be a non-negative whole number');
  if (opts.sha256 !== undefined && opts.sha256.length !== 32)
    throw new RangeError('sha256 must be 32 bytes');
}

/**
 * Feeds exactly `expectedSize` bytes of `source` to `sink`, in the source's chunks. Resolves `SIZE`
 * as soon as a chunk would pass the expected size (without handing it to the sink) or when the
 * source ends short, `DIGEST` if `opts.sha256` differs, else ok. The iterator is neither drained
 * nor closed on early exit. Rejects with the source's own error, the sink's, or the abort reason.
 */
export async function consumeSource(
  source: BlobSource,
  expectedSize: number,
  opts: BlobPutOptions,
  sink: (chunk: Uint8Array) => Promise<void> | void,
): Promise<BlobPutResult> {
  const { signal } = opts;
  signal?.throwIfAborted();
  const hash = opts.sha256 ? createHash('sha256') : undefined;
  const it = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  let received = 0;
  for (;;) {
    const next = await nextOrAbort(it, signal);
    if (next.done) break;
    const chunk = next.value;
    if (!(chunk instanceof Uint8Array)) throw new TypeError('blob source must yield bytes');
    if (received + chunk.length > expectedSize) return { ok: false, error: 'SIZE' };
    received += chunk.length;
    hash?.update(chunk);
    await sink(chunk);
    signal?.throwIfAborted();
  }
  if (received !== expectedSize) return { ok: false, error: 'SIZE' };
  if (hash && opts.sha256 && !timingSafeEqual(hash.digest(), opts.sha256))
    return { ok: false, error: 'DIGEST' };
  return { ok: true };
}

/** `it.next()`, or the abort reason if `signal` fires first (the pending read is left behind). */
function nextOrAbort<T>(
  it: AsyncIterator<T>,
  signal: AbortSignal | undefined,
): Promise<IteratorResult<T>> {
  if (!signal) return it.next();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    it.next().then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
