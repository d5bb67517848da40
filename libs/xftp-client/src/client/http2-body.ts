// Reading an XFTP response body (spec xftp.md §3.5, Appendix A3): the first 16384 bytes are the
// "head" (one block), read across any number of DATA frames until the block is full or the stream
// ends; what follows is the FGET chunk body. Upstream `Transport/HTTP2.hs: getHTTP2Body` (with
// `bodyHeadSize = 16384`) and `Transport/Buffer.hs: getBuffered`.
import type { Readable } from 'node:stream';
import { concatBytes } from '@simplex-relay/protocol';

const EMPTY = new Uint8Array(0);

/** A response stream split into its head and the rest. */
export class ResponseBody {
  readonly #it: AsyncIterator<Buffer>;
  #left: Uint8Array = EMPTY;
  #ended = false;

  constructor(private readonly stream: Readable) {
    this.#it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Up to `n` bytes: fewer only when the stream ended first (upstream then reports `BLOCK`). */
  async head(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < n) {
      const piece = await this.#next();
      if (piece === undefined) break;
      const take = Math.min(piece.length, n - have);
      parts.push(piece.subarray(0, take));
      have += take;
      if (take < piece.length) this.#left = piece.subarray(take);
    }
    return parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(...parts);
  }

  /** The bytes after the head, in the pieces they arrive in. */
  async *rest(): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const piece = await this.#next();
      if (piece === undefined) return;
      yield piece;
    }
  }

  /** Stops reading: bytes after the head are never looked at (upstream `noFile` reads none). */
  async discard(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    try {
      await this.#it.return?.();
    } catch {
      // the stream may already have failed; nothing is waiting for it
    }
    if (!this.stream.destroyed) this.stream.destroy();
  }

  async #next(): Promise<Uint8Array | undefined> {
    if (this.#left.length > 0) {
      const p = this.#left;
      this.#left = EMPTY;
      return p;
    }
    if (this.#ended) return undefined;
    const r = await this.#it.next();
    if (r.done === true) {
      this.#ended = true;
      // A stream cut by RST_STREAM or a lost connection also ends the iteration, without 'end'.
      if (!this.stream.readableEnded) throw new Error('stream closed before the response ended');
      return undefined;
    }
    return new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.byteLength);
  }
}
