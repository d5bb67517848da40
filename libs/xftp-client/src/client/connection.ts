// One XFTP connection (spec xftp.md §3, §4, Appendix A3): TLS with the native parameters and ALPN
// `xftp/1`, the server chain checked against the address key hash before any HTTP/2 byte is sent,
// HTTP/2 over that socket (whatever the ALPN), the two-request handshake, and single requests with
// a deadline up to the 16384-byte response head. Upstream `FileTransfer/Client.hs: getXFTPClient,
// xftpClientHandshakeV1, sendXFTPTransmission`, `Transport/HTTP2/Client.hs`,
// `Transport/Client.hs: validateCertificateChain` (done here by smp-transport's `validateServerChain`).
import http2 from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';
import { open } from 'node:fs/promises';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import {
  HandshakeError,
  TransportError,
  XFTP_BLOCK_SIZE,
  decodeXFTPHandshakeErrorBlock,
  encodeXFTPClientHandshakeBlock,
  httpALPN11,
  readXFTPServerHandshakeBlock,
  supportedFileServerVRange,
  verifyXFTPServerHandshake,
  versionRange,
  xftpALPNv1,
  xftpServerPort,
  xftpTransmissionParams,
} from '@simplex-relay/protocol';
import type {
  CryptoProvider,
  PublicKey,
  SmpServer,
  TransmissionParams,
  TransportHost,
  VersionRange,
} from '@simplex-relay/protocol';
import { nodeProvider } from '@simplex-relay/node-crypto';
import {
  peerCertificateChain,
  tlsClientOptions,
  validateServerChain,
} from '@simplex-relay/smp-transport';
import { XftpError } from './errors.ts';
import type { XftpClientError } from './errors.ts';
import { ResponseBody } from './http2-body.ts';
import { DEFAULT_XFTP_TIMEOUTS } from './timeouts.ts';
import type { XftpTimeouts } from './timeouts.ts';

/** How to connect. */
export interface XftpConnectOptions {
  /** Crypto implementation; default the native `nodeProvider`. */
  readonly provider?: CryptoProvider;
  /** Versions offered; default 1..3 (`supportedFileServerVRange`). */
  readonly clientVRange?: VersionRange;
  /**
   * ALPN to offer; default `['xftp/1']`. `['http/1.1']` is the apps' "web port" mode (still HTTP/2);
   * `[]` offers none, which upstream treats as a legacy v1 session without handshake (§4.8).
   */
  readonly alpn?: readonly string[];
  readonly timeouts?: Partial<XftpTimeouts>;
  /** Clock for certificate validity; default now. */
  readonly now?: Date;
}

/** What the handshake settled. */
export interface XftpSession {
  /** Negotiated version (1 on a legacy session). */
  readonly version: number;
  /** tls-unique of the connection (§3.6). */
  readonly sessionId: Uint8Array;
  readonly params: TransmissionParams;
  /** The server's range; on a legacy session 1..1. */
  readonly serverVRange: VersionRange;
  /** The server's X25519 session key (absent on a legacy session). */
  readonly serverSessionKey?: PublicKey;
  /** The negotiated ALPN, or false when none was. */
  readonly alpn: string | false;
}

/** A chunk of a local file: `size` bytes from `offset`. */
export interface FileRange {
  readonly path: string;
  readonly offset?: number;
  readonly size: number;
}

/** A response whose head arrived. */
export interface Exchange {
  /** Up to 16384 bytes; fewer only if the stream ended first. */
  readonly head: Uint8Array;
  /** The rest of the response (the FGET body); call `discard` when not reading it. */
  readonly body: ResponseBody;
  readonly stream: ClientHttp2Stream;
}

const READ_PIECE = 65_536;
/** 4 MB, the largest chunk size. */
const RECEIVE_WINDOW = 4 * 1024 * 1024;

/** The first host that can be reached without a SOCKS proxy (upstream `chooseTransportHost`). */
function chooseHost(hosts: readonly TransportHost[]): TransportHost {
  const h = hosts.find((x) => x.kind !== 'onion');
  if (h === undefined)
    throw new XftpError({ type: 'NETWORK', reason: 'only .onion hosts (no SOCKS proxy support)' });
  return h;
}

/** Maps a thrown value to the client error it stands for. */
export function toXftpError(e: unknown, command?: string): XftpError {
  if (e instanceof XftpError) return e;
  let error: XftpClientError;
  if (e instanceof TransportError) error = { type: 'TRANSPORT', code: e.code };
  else if (e instanceof HandshakeError) error = { type: 'HANDSHAKE', code: e.code };
  else error = { type: 'NETWORK', reason: e instanceof Error ? e.message : String(e) };
  return new XftpError(error, command, { cause: e });
}

function connectTls(host: string, port: number, alpn: readonly string[], ms: number) {
  return new Promise<TLSSocket>((resolve, reject) => {
    const socket = tls.connect(tlsClientOptions({ host, port, alpn }));
    const fail = (reason: string, cause?: unknown): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new XftpError({ type: 'NETWORK', reason }, undefined, { cause }));
    };
    const timer = setTimeout(() => fail('connect timeout'), ms);
    socket.once('error', (e) => fail(e.message, e));
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // Later socket errors reach the HTTP/2 session and its streams; this only keeps them from
      // being unhandled while the chain is checked.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/** An open connection with a completed handshake. */
export class XftpConnection {
  readonly #h2: ClientHttp2Session;
  readonly #authority: string;
  readonly #closed: Promise<void>;
  #session: XftpSession | undefined;

  private constructor(
    private readonly socket: TLSSocket,
    host: TransportHost,
    readonly timeouts: XftpTimeouts,
  ) {
    // `ClientConfig "https" (strEncode host) 20`: the authority is the host without the port.
    this.#authority = host.host;
    const url = `https://${host.kind === 'ipv6' ? `[${host.host}]` : host.host}`;
    // Receive windows of one largest chunk, so a download is not paced by WINDOW_UPDATE round trips
    // (Node's default is 64 KB per stream and per connection).
    this.#h2 = http2.connect(url, {
      createConnection: () => socket,
      settings: { initialWindowSize: RECEIVE_WINDOW },
    });
    this.#h2.once('connect', () => this.#h2.setLocalWindowSize(RECEIVE_WINDOW));
    // Errors surface on the streams that were in flight; the session itself only needs a listener.
    this.#h2.on('error', () => undefined);
    this.#closed = new Promise((resolve) => this.#h2.once('close', resolve));
  }

  /** Connects to `server`, checks its identity and runs the handshake; XftpError on failure. */
  static async open(server: SmpServer, opts: XftpConnectOptions = {}): Promise<XftpConnection> {
    const c = opts.provider ?? nodeProvider;
    const timeouts = { ...DEFAULT_XFTP_TIMEOUTS, ...opts.timeouts };
    const host = chooseHost(server.hosts);
    const port = Number(xftpServerPort(server));
    const alpn = opts.alpn ?? [xftpALPNv1];
    const socket = await connectTls(host.host, port, alpn, timeouts.connectMs);
    let conn: XftpConnection | undefined;
    try {
      const leaf = validateServerChain(c, peerCertificateChain(socket), server.keyHash, opts.now);
      const finished = socket.getFinished();
      if (finished === undefined)
        throw new TransportError('SESSION', 'tls-unique is not available');
      const sessionId = new Uint8Array(finished);
      conn = new XftpConnection(socket, host, timeouts);
      const negotiated = socket.alpnProtocol ?? false;
      if (negotiated === xftpALPNv1 || negotiated === httpALPN11) {
        const clientVRange = opts.clientVRange ?? supportedFileServerVRange;
        conn.#session = await conn.#handshake(c, sessionId, clientVRange, server.keyHash, leaf);
      } else {
        // No handshake ALPN: upstream's legacy v1 session, no session key (§4.8).
        conn.#session = {
          version: 1,
          sessionId,
          params: xftpTransmissionParams(1, sessionId),
          serverVRange: versionRange(1, 1),
          alpn: negotiated,
        };
      }
      return conn;
    } catch (e) {
      if (conn !== undefined) conn.destroy();
      else socket.destroy();
      throw toXftpError(e);
    }
  }

  /** The negotiated session. */
  get session(): XftpSession {
    if (this.#session === undefined) throw new TypeError('connection is not open');
    return this.#session;
  }

  /** True once the HTTP/2 session closed or is closing. */
  get isClosed(): boolean {
    return this.#h2.closed || this.#h2.destroyed;
  }

  /** Resolves when the connection is gone. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  async #handshake(
    c: CryptoProvider,
    sessionId: Uint8Array,
    clientVRange: VersionRange,
    keyHash: Uint8Array,
    leaf: { readonly publicKey: PublicKey },
  ): Promise<XftpSession> {
    const ms = this.timeouts.connectMs;
    // Hello: a POST without body (`H.requestNoBody`).
    const hello = await this.request({}, ms);
    await hello.body.discard();
    let serverHello;
    try {
      serverHello = readXFTPServerHandshakeBlock(hello.head);
    } catch (e) {
      throw handshakeFailure(e, hello.head);
    }
    const s = verifyXFTPServerHandshake(c, {
      hello: serverHello,
      clientVRange,
      keyHash,
      tls: { sessionId, serverKey: leaf.publicKey },
    });
    // Client handshake: one full block (`H.requestBuilder`); success is an empty body.
    const block = encodeXFTPClientHandshakeBlock({ version: s.version, keyHash });
    const reply = await this.request({ block }, ms);
    await reply.body.discard();
    if (reply.head.length !== 0) {
      const serverError = decodeXFTPHandshakeErrorBlock(reply.head);
      throw new XftpError({
        type: 'TRANSPORT',
        code: 'BLOCK',
        ...(serverError !== undefined && { serverError }),
      });
    }
    return {
      version: s.version,
      sessionId,
      params: xftpTransmissionParams(s.version, sessionId),
      serverVRange: serverHello.vr,
      serverSessionKey: s.serverSessionKey,
      alpn: this.socket.alpnProtocol ?? false,
    };
  }

  /**
   * One request: POST `/` with `block` (if any) then the file range (if any) as the body, streamed
   * with back-pressure; resolves when the response head arrived. The deadline covers sending the
   * body too. A response that arrives before the body is sent (an error) stops the upload.
   */
  async request(
    req: {
      readonly block?: Uint8Array;
      readonly file?: FileRange;
      /** Called with the file bytes handed to HTTP/2 so far. */
      readonly onSent?: (bytes: number) => void;
    },
    timeoutMs: number,
  ): Promise<Exchange> {
    if (this.isClosed) throw new XftpError({ type: 'NETWORK', reason: 'connection closed' });
    const hasBody = req.block !== undefined || req.file !== undefined;
    let stream: ClientHttp2Stream;
    try {
      stream = this.#h2.request(
        { ':method': 'POST', ':path': '/', ':authority': this.#authority },
        { endStream: !hasBody },
      );
    } catch (e) {
      throw toXftpError(e);
    }
    const deadline = streamDeadline(stream, timeoutMs);
    let ioError: XftpError | undefined;
    let stopWriting = false;
    if (hasBody)
      void writeBody(stream, req, () => stopWriting).catch((e: unknown) => {
        if (e instanceof XftpError) {
          ioError = e;
          stream.close(http2.constants.NGHTTP2_CANCEL);
        }
        // else: the stream failed; the response side reports it
      });
    const body = new ResponseBody(stream);
    try {
      const head = await body.head(XFTP_BLOCK_SIZE);
      if (deadline.timedOut()) throw new XftpError({ type: 'TIMEOUT' });
      if (ioError !== undefined) throw ioError;
      return { head, body, stream };
    } catch (e) {
      await body.discard();
      if (deadline.timedOut()) throw new XftpError({ type: 'TIMEOUT' });
      throw ioError ?? toXftpError(e);
    } finally {
      stopWriting = true;
      deadline.clear();
    }
  }

  /** Closes gracefully (in-flight streams finish); forces it after `connectMs`. */
  async close(): Promise<void> {
    if (!this.#h2.closed && !this.#h2.destroyed) this.#h2.close();
    const force = setTimeout(() => this.destroy(), this.timeouts.connectMs);
    await this.#closed;
    clearTimeout(force);
    this.socket.destroy();
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.#h2.destroy();
    this.socket.destroy();
  }
}

/** A deadline on a stream: when it passes, the stream is cancelled and `timedOut()` turns true. */
export function streamDeadline(
  stream: ClientHttp2Stream,
  ms: number,
): { timedOut(): boolean; clear(): void } {
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    stream.close(http2.constants.NGHTTP2_CANCEL);
  }, ms);
  return { timedOut: () => fired, clear: () => clearTimeout(timer) };
}

// A padded bare error instead of the server hello (§4.6): upstream fails the same way (`TEBadBlock`
// or `TEHandshake PARSE`); the server's error is kept for the message.
function handshakeFailure(e: unknown, head: Uint8Array): XftpError {
  const err = toXftpError(e);
  const serverError = decodeXFTPHandshakeErrorBlock(head);
  if (
    serverError === undefined ||
    (err.error.type !== 'TRANSPORT' && err.error.type !== 'HANDSHAKE')
  )
    return err;
  return new XftpError({ ...err.error, serverError }, undefined, { cause: e });
}

/** Waits until the stream can take more, or fails if it closes first. */
function drained(stream: ClientHttp2Stream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', onClose);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new Error('stream closed'));
    stream.once('drain', onDrain);
    stream.once('close', onClose);
    stream.once('error', onClose);
  });
}

async function write(stream: ClientHttp2Stream, b: Uint8Array): Promise<void> {
  if (stream.destroyed || stream.writableEnded) throw new Error('stream closed');
  if (!stream.write(b)) await drained(stream);
}

/**
 * The request body: the block, then `file.size` bytes of the file read from `file.offset`
 * (upstream `hSendFile`). A local read failure or a short file is XftpError `IO`.
 */
async function writeBody(
  stream: ClientHttp2Stream,
  req: {
    readonly block?: Uint8Array;
    readonly file?: FileRange;
    readonly onSent?: (bytes: number) => void;
  },
  stop: () => boolean,
): Promise<void> {
  const { block, file } = req;
  if (block !== undefined) await write(stream, block);
  if (file !== undefined) {
    let fh;
    try {
      fh = await open(file.path, 'r');
    } catch (e) {
      throw new XftpError({ type: 'IO', reason: (e as Error).message }, 'FPUT', { cause: e });
    }
    try {
      let pos = file.offset ?? 0;
      let left = file.size;
      while (left > 0 && !stop()) {
        const buf = Buffer.allocUnsafe(Math.min(READ_PIECE, left));
        let n: number;
        try {
          ({ bytesRead: n } = await fh.read(buf, 0, buf.length, pos));
        } catch (e) {
          throw new XftpError({ type: 'IO', reason: (e as Error).message }, 'FPUT', { cause: e });
        }
        if (n === 0) throw new XftpError({ type: 'IO', reason: 'file shorter than chunk' }, 'FPUT');
        await write(stream, buf.subarray(0, n));
        pos += n;
        left -= n;
        req.onSent?.(file.size - left);
      }
    } finally {
      await fh.close();
    }
  }
  if (!stop() && !stream.destroyed) stream.end();
}
