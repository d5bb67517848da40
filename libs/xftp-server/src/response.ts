// Writing the one response of an HTTP/2 request (spec xftp.md §3.5): always status 200 with errors
// in-band, no content-length, CORS headers on web (SNI) connections (upstream `Server.hs:
// corsHeaders`, `corsPreflightHeaders`), and for FGET the block followed by the chunk encrypted on
// the fly with a tail tag (`sendEncFile`). Writes respect HTTP/2 flow control.
import { constants, type ServerHttp2Stream } from 'node:http2';
import type { Readable } from 'node:stream';
import { sbAuth, sbEncryptChunk, type SbState } from '@simplex-relay/protocol';

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': '*',
} as const;

const PREFLIGHT_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': '*',
  'access-control-max-age': '86400',
} as const;

/** The response side of one request stream. */
export class Response {
  #sent = false;

  constructor(
    private readonly stream: ServerHttp2Stream,
    /** Add `Access-Control-*` headers (web connections with a web certificate). */
    private readonly cors: boolean,
  ) {}

  /** Whether a response was started. */
  get sent(): boolean {
    return this.#sent;
  }

  /** 200 with `body` (or none), as upstream `responseBuilder` / `responseNoBody`. */
  send(body?: Uint8Array): void {
    if (!this.#start(200)) return;
    this.stream.end(body);
  }

  /** The answer to a CORS preflight (`OPTIONS` on a web connection). */
  sendPreflight(): void {
    if (!this.#start(200, PREFLIGHT_HEADERS)) return;
    this.stream.end();
  }

  /** A bare status without body (GET on a web connection: no static site is served). */
  sendStatus(status: number): void {
    if (!this.#start(status)) return;
    this.stream.end();
  }

  /**
   * FGET: `block || encrypt(chunk) || tag`. `size` bytes are read from `source`; a source that fails
   * or runs short resets the stream (the client then fails the download, as upstream's does when
   * reading the file fails mid-way). Resolves true if the whole body was handed to HTTP/2.
   */
  async sendFile(
    block: Uint8Array,
    source: Readable,
    state: SbState,
    size: number,
  ): Promise<boolean> {
    if (!this.#start(200)) {
      source.destroy();
      return false;
    }
    let left = size;
    try {
      if (!(await this.#write(block))) return false;
      for await (const piece of source as AsyncIterable<Uint8Array>) {
        if (piece.length > left) throw new RangeError('chunk body longer than its record');
        left -= piece.length;
        if (!(await this.#write(sbEncryptChunk(state, piece)))) return false;
      }
      if (left !== 0) throw new RangeError('chunk body shorter than its record');
      if (!(await this.#write(sbAuth(state)))) return false;
      this.stream.end();
      return true;
    } catch (e) {
      if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      throw e;
    } finally {
      source.destroy();
    }
  }

  #start(status: number, headers: Record<string, string> = {}): boolean {
    if (this.#sent) throw new TypeError('response already sent');
    this.#sent = true;
    if (this.stream.destroyed || this.stream.closed) return false;
    this.stream.respond({
      ':status': status,
      ...(this.cors && CORS_HEADERS),
      ...headers,
    });
    return true;
  }

  /** Writes with backpressure; false if the stream closed first. */
  #write(chunk: Uint8Array): Promise<boolean> {
    const s = this.stream;
    if (s.destroyed || s.closed) return Promise.resolve(false);
    if (s.write(chunk)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        s.off('drain', onDrain);
        s.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      s.on('drain', onDrain);
      s.on('close', onClose);
    });
  }
}

/**
 * Ends a request whose body was not read to the end, once the response is flushed: RST_STREAM with
 * NO_ERROR asks the client to stop sending (RFC 9113 §8.1, as Node does itself for requests it never
 * read), and the stream is destroyed, as an unconsumed readable side would otherwise keep it alive.
 */
export function releaseUnreadBody(stream: ServerHttp2Stream, bodyEnded: boolean): void {
  if (bodyEnded || stream.destroyed) return;
  const release = () =>
    setImmediate(() => {
      if (stream.destroyed) return;
      if (stream.closed) stream.destroy();
      else stream.close(constants.NGHTTP2_NO_ERROR, () => stream.destroy());
    });
  if (stream.writableFinished) release();
  else stream.once('finish', release);
  // A stream reset before the response finished never emits 'finish'.
  stream.once('close', () => setImmediate(() => stream.destroyed || stream.destroy()));
}
