// A minimal XFTP client for the server tests, built from libs/protocol codecs over raw node:http2
// and TLS, so that tests can also send what a real client never would (bad blocks, wrong ALPN, no
// handshake, bodies of the wrong length). Native connections send no SNI and offer `xftp/1` like
// upstream `FileTransfer/Client.hs: getXFTPClient`; web connections send SNI `localhost` and `h2`.
import { connect as h2connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import type { IncomingHttpHeaders } from 'node:http2';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import {
  SMP_TLS_CIPHERS,
  SMP_TLS_GROUPS,
  SMP_TLS_SIGALGS,
  nodeProvider,
} from '@simplex-relay/node-crypto';
import {
  EncryptedChunkReceiver,
  XFTP_BLOCK_SIZE,
  decodeCertificate,
  encodeXFTPClientHandshakeBlock,
  encodeXFTPClientHelloBlock,
  fileChunkDecryptInit,
  generateKeyPair,
  readXFTPServerHandshakeBlock,
  supportedFileServerVRange,
  verifyXFTPServerHandshake,
  xftpDecodeTClient,
  xftpEncodeAuthTransmission,
  xftpTransmissionParams,
} from '@simplex-relay/protocol';
import type {
  FileCommand,
  FileResponse,
  KeyPair,
  PrivateKey,
  PublicKey,
  TransmissionParams,
  XFTPClientSession,
  XFTPClientTransmission,
  XFTPServerHandshake,
} from '@simplex-relay/protocol';

export const c = nodeProvider;

/** How to open a connection. */
export interface ConnectOptions {
  /** ALPN list; `null` offers none (legacy). Default `['xftp/1']`. */
  readonly alpn?: readonly string[] | null;
  /** SNI to send (web mode); default none. */
  readonly servername?: string;
}

/** A raw HTTP/2 response. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
  /** The stream's RST_STREAM code when it closed (0 = NO_ERROR). */
  readonly rstCode: number | undefined;
}

/** A response to a command. */
export interface CommandResult {
  readonly t: XFTPClientTransmission;
  /** The response, or throws if it was not a transmission. */
  readonly response: FileResponse;
  /** Bytes after the block (the FGET body). */
  readonly rest: Uint8Array;
  readonly raw: RawResponse;
}

/** One TLS + HTTP/2 connection to an XFTP server. */
export class RawXftpConnection {
  /** Negotiated session (after `handshake`). */
  session: XFTPClientSession | undefined;
  version = 1;
  /** The stream of the latest request (to reset it in tests). */
  lastRequest: ClientHttp2Stream | undefined;

  private constructor(
    readonly h2: ClientHttp2Session,
    readonly tls: TLSSocket,
    /** tls-unique: this side's Finished. */
    readonly sessionId: Uint8Array,
    readonly keyHash: Uint8Array,
  ) {}

  static async connect(
    port: number,
    keyHash: Uint8Array,
    opts: ConnectOptions = {},
  ): Promise<RawXftpConnection> {
    const alpn = opts.alpn === undefined ? ['xftp/1'] : opts.alpn;
    let socket: TLSSocket | undefined;
    const h2 = h2connect(`https://127.0.0.1:${port}`, {
      createConnection: () => {
        socket = tlsConnect({
          host: '127.0.0.1',
          port,
          ...(alpn !== null && { ALPNProtocols: [...alpn] }),
          // Web clients send SNI with a browser's TLS defaults; native ones upstream's parameter
          // set (`defaultSupportedParams`: TLS 1.3 ChaCha20, X448/X25519, EdDSA) and no SNI.
          ...(opts.servername !== undefined
            ? { servername: opts.servername }
            : { ciphers: SMP_TLS_CIPHERS, ecdhCurve: SMP_TLS_GROUPS, sigalgs: SMP_TLS_SIGALGS }),
          rejectUnauthorized: false,
        });
        return socket;
      },
    });
    h2.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      h2.once('connect', () => resolve());
      h2.once('error', reject);
      h2.once('close', () => reject(new Error('connection closed before connect')));
    });
    const s = socket as TLSSocket;
    const fin = s.getFinished();
    if (fin === undefined) throw new Error('no tls-unique');
    return new RawXftpConnection(h2, s, new Uint8Array(fin), keyHash);
  }

  /** Transmission parameters of this connection at `version`. */
  params(version = this.version): TransmissionParams {
    return xftpTransmissionParams(version, this.sessionId);
  }

  /** The server's TLS leaf certificate key. */
  serverKey(): PublicKey {
    return decodeCertificate(new Uint8Array(this.tls.getPeerCertificate().raw)).publicKey;
  }

  /** The DER of the certificate TLS presented. */
  tlsCertificate(): Uint8Array {
    return new Uint8Array(this.tls.getPeerCertificate().raw);
  }

  /** POST `/` with the pieces as the body (none: END_STREAM with the headers). */
  request(
    pieces: readonly Uint8Array[] = [],
    headers: Record<string, string> = {},
    method = 'POST',
    opts: { keepOpen?: boolean } = {},
  ): Promise<RawResponse> {
    const req = this.h2.request(
      { ':method': method, ':path': '/', ...headers },
      { endStream: pieces.length === 0 && !opts.keepOpen },
    );
    req.on('error', () => undefined);
    for (const p of pieces) req.write(p);
    if (pieces.length > 0 && !opts.keepOpen) req.end();
    this.lastRequest = req;
    return readResponse(req);
  }

  /** Native hello + client handshake at the highest common version; checks the server hello. */
  async handshake(version?: number): Promise<XFTPServerHandshake> {
    const hello = await this.hello();
    const session = verifyXFTPServerHandshake(c, {
      hello,
      clientVRange: supportedFileServerVRange,
      keyHash: this.keyHash,
      tls: { sessionId: this.sessionId, serverKey: this.serverKey() },
    });
    const v = version ?? session.version;
    const r = await this.request([
      encodeXFTPClientHandshakeBlock({ version: v, keyHash: this.keyHash }),
    ]);
    if (r.status !== 200 || r.body.length !== 0) throw new Error('client handshake refused');
    this.session = session;
    this.version = v;
    return hello;
  }

  /** A plain (native) hello; returns the parsed server hello. */
  async hello(): Promise<XFTPServerHandshake> {
    const r = await this.request();
    return readXFTPServerHandshakeBlock(r.body);
  }

  /** Web hello with a challenge and the `xftp-web-hello` header. */
  async webHello(challenge: Uint8Array): Promise<RawResponse> {
    return this.request([encodeXFTPClientHelloBlock({ webChallenge: challenge })], {
      'xftp-web-hello': '1',
    });
  }

  /** Web client handshake (`xftp-handshake` header). */
  async webClientHandshake(version: number): Promise<RawResponse> {
    return this.request([encodeXFTPClientHandshakeBlock({ version, keyHash: this.keyHash })], {
      'xftp-handshake': '1',
    });
  }

  /** The block of a command, signed with `key` when given. */
  block(
    key: PrivateKey | undefined,
    entityId: Uint8Array,
    command: FileCommand,
    corrId?: Uint8Array,
  ): Uint8Array {
    return xftpEncodeAuthTransmission(
      c,
      this.params(),
      key,
      { entityId, command, ...(corrId && { corrId }) },
      this.session?.serverSessionKey,
    );
  }

  /** Sends a command (+ body pieces) and decodes the response block. */
  async command(
    key: PrivateKey | undefined,
    entityId: Uint8Array,
    command: FileCommand,
    body: readonly Uint8Array[] = [],
    corrId?: Uint8Array,
  ): Promise<CommandResult> {
    return this.send([this.block(key, entityId, command, corrId), ...body]);
  }

  /** Sends raw pieces and decodes the first 16384 bytes of the response as a transmission. */
  async send(pieces: readonly Uint8Array[]): Promise<CommandResult> {
    const raw = await this.request(pieces);
    const t = xftpDecodeTClient(this.params(), raw.body.subarray(0, XFTP_BLOCK_SIZE));
    return {
      t,
      get response(): FileResponse {
        if (!t.result.ok) throw new Error(`not a response: ${JSON.stringify(t.result.error)}`);
        return t.result.response;
      },
      rest: raw.body.subarray(XFTP_BLOCK_SIZE),
      raw,
    };
  }

  /**
   * FGET with a fresh DH key: on `FILE` decrypts and verifies the body; returns the response and
   * the plaintext chunk.
   */
  async download(
    rcvKey: PrivateKey,
    recipientId: Uint8Array,
  ): Promise<{ response: FileResponse; chunk?: Uint8Array; dh: KeyPair }> {
    const dh = generateKeyPair(c, 'x25519');
    const r = await this.command(rcvKey, recipientId, { tag: 'FGET', rcvDhKey: dh.pub });
    const resp = r.response;
    if (resp.tag !== 'FILE') return { response: resp, dh };
    const st = fileChunkDecryptInit(c, resp.srvDhKey, dh.priv, resp.nonce);
    const size = r.rest.length - 16;
    const rcv = new EncryptedChunkReceiver(st, size);
    const chunk = rcv.update(r.rest);
    rcv.finish();
    return { response: resp, chunk, dh };
  }

  async close(): Promise<void> {
    if (this.h2.closed || this.h2.destroyed) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => this.h2.destroy(), 2000);
      this.h2.close(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Whether the server closed the connection. */
  get closed(): boolean {
    return this.h2.closed || this.h2.destroyed;
  }
}

function readResponse(req: ClientHttp2Stream): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const parts: Buffer[] = [];
    req.on('response', (h) => {
      headers = h;
      status = Number(h[':status']);
    });
    req.on('data', (d: Buffer) => parts.push(d));
    const finish = () => {
      if (status === 0) {
        reject(new Error(`stream closed without a response (rst ${req.rstCode})`));
        return;
      }
      resolve({
        status,
        headers,
        body: new Uint8Array(Buffer.concat(parts)),
        rstCode: req.rstCode,
      });
    };
    req.on('close', finish);
  });
}
