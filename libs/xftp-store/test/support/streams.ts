// Stream helpers for the blob tests.
import type { Readable } from 'node:stream';

/** Yields `body` in pieces of `size` bytes. */
export async function* chunksOf(body: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < body.length; off += size) yield body.subarray(off, off + size);
}

/** Reads a stream to the end into one plain Uint8Array. */
export async function readAll(stream: Readable): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of stream) parts.push(c as Uint8Array);
  return new Uint8Array(Buffer.concat(parts));
}
