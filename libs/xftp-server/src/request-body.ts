// The request body of one HTTP/2 stream, read as upstream `Transport/HTTP2.hs: getHTTP2Body` does:
// a "head" of up to 16384 bytes (the block; DATA frames are joined until it is full or the stream
// ends), then the rest as a pull stream (the FPUT chunk). Reading is pulled, so an unread body is
// held back by HTTP/2 flow control instead of piling up in memory.
import type { Readable } from 'node:stream';
import { concatBytes } from '@simplex-relay/protocol';

/** Pull reader over a request stream. */
export class RequestBody {
  readonly #it: AsyncIterator<unknown>;
  #leftover: Uint8Array | undefined;
  #ended = false;
  #taken = false;

  constructor(stream: Readable) {
    this.#it = stream[Symbol.asyncIterator]();
  }

  /** True once the client's END_STREAM was read. */
  get ended(): boolean {
    return this.#ended && this.#leftover === undefined;
  }

  /** The next DATA piece (or the leftover after the head); undefined at the end of the stream. */
  async next(): Promise<Uint8Array | undefined> {
    if (this.#leftover !== undefined) {
      const l = this.#leftover;
      this.#leftover = undefined;
      return l;
    }
    if (this.#ended) return undefined;
    const r = await this.#it.next();
    if (r.done) {
      this.#ended = true;
      return undefined;
    }
    const v = r.value;
    if (!(v instanceof Uint8Array)) throw new TypeError('request body must be bytes');
    return v;
  }

  /** Reads up to `n` bytes: fewer only if the stream ended first. */
  async head(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let len = 0;
    while (len < n) {
      const p = await this.next();
      if (p === undefined) break;
      if (len + p.length > n) {
        const take = n - len;
        parts.push(p.subarray(0, take));
        this.#leftover = p.subarray(take);
        len = n;
        break;
      }
      parts.push(p);
      len += p.length;
    }
    // One DATA frame is the common case: hand it over without a copy.
    return parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(...parts);
  }

  /** The rest of the body as an async iterable (once); stopping early neither drains nor destroys. */
  rest(): AsyncIterable<Uint8Array> {
    if (this.#taken) throw new TypeError('request body already taken');
    this.#taken = true;
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Uint8Array>> => {
          const p = await this.next();
          return p === undefined ? { done: true, value: undefined } : { done: false, value: p };
        },
      }),
    };
  }
}
