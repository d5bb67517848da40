// The XFTP server (spec xftp.md §3–§8): TLS with the SMP-style identity (CA + online certificate,
// the CA fingerprint in the address), HTTP/2 on every connection whatever ALPN was agreed, and
// dispatch by ALPN and SNI as upstream `Server.hs: xftpServer.runServer` does. Node's
// `http2.createSecureServer` would offer only `h2`, so a `tls.Server` accepts the connections and
// hands each one to a plain `http2.Server` (spec §3.4, Node hint). All shared state is in the
// FileStore and BlobStore, so any number of servers can run on one database and one blob root.
import {
  constants,
  createServer as createHttp2Server,
  type Http2Server,
  type Http2Session,
} from 'node:http2';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { nodeProvider, xftpTlsServerOptions } from '@simplex-relay/node-crypto';
import {
  XFTP_BLOCK_SIZE,
  certFingerprint,
  encodeBase64Url,
  h2ALPN,
  httpALPN11,
  serverChunkSizes,
  supportedFileServerVRange,
  xftpALPNv1,
} from '@simplex-relay/protocol';
import type { BlockingInfo } from '@simplex-relay/protocol';
import { blobKeyForSender } from '@simplex-relay/xftp-store';
import { silentLogger } from '@simplex-relay/observability';
import { processRequest } from './commands.ts';
import { XftpControlServer } from './control/xftp-control-server.ts';
import { XftpConnection } from './connection.ts';
import type { XftpContext } from './context.ts';
import { FileExpiry, type ExpireRunOptions } from './expiry.ts';
import { xftpServerHandshake } from './handshake.ts';
import { XFTP_SERVER_DEFAULTS, type XftpServerOptions } from './options.ts';
import { noopXftpMetrics } from './ports.ts';
import { RequestBody } from './request-body.ts';
import { Response, releaseUnreadBody } from './response.ts';

type ConnSocket = TLSSocket & { [CONN]?: XftpConnection };
const CONN = Symbol('xftpConnection');

/** A running XFTP server. */
export class XftpServer {
  readonly #ctx: XftpContext;
  readonly #opts: XftpServerOptions;
  readonly #tls: TlsServer;
  readonly #h2: Http2Server;
  readonly #conns = new Set<XftpConnection>();
  readonly #sessions = new WeakMap<Http2Session, XftpConnection>();
  readonly #expiry: FileExpiry | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  #control: XftpControlServer | undefined;
  #controlAddress: AddressInfo | undefined;
  #closed = false;

  constructor(opts: XftpServerOptions) {
    this.#opts = opts;
    const provider = opts.provider ?? nodeProvider;
    const creds = opts.credentials;
    const quota = opts.storageQuota;
    if (quota !== undefined && (!Number.isSafeInteger(quota) || quota < 0))
      throw new RangeError('storageQuota must be a non-negative number of bytes');
    this.#ctx = {
      provider,
      vr: opts.versionRange ?? supportedFileServerVRange,
      keyHash: certFingerprint(provider, creds.chainDer[1]),
      certChain: creds.chainDer,
      signKey: creds.serverSignKey,
      fileStore: opts.fileStore,
      blobStore: opts.blobStore,
      allowNewFiles: opts.allowNewFiles ?? true,
      newFileBasicAuth: opts.newFileBasicAuth,
      allowedChunkSizes: new Set(opts.allowedChunkSizes ?? serverChunkSizes),
      storageQuota: quota,
      fileTimeoutMs: opts.fileTimeoutMs ?? XFTP_SERVER_DEFAULTS.fileTimeoutMs,
      log: opts.logger ?? silentLogger,
      metrics: opts.metrics ?? noopXftpMetrics,
    };
    const exp =
      opts.fileExpiration === false
        ? undefined
        : (opts.fileExpiration ?? XFTP_SERVER_DEFAULTS.fileExpiration);
    this.#expiry =
      exp &&
      new FileExpiry(
        this.#ctx,
        exp.ttlSeconds,
        exp.batchSize ?? XFTP_SERVER_DEFAULTS.fileExpiration.batchSize,
      );

    const web = opts.web;
    const tlsOpts = xftpTlsServerOptions(creds, web !== undefined);
    const webCtx = web && createSecureContext({ ...tlsOpts, key: web.keyPem, cert: web.certPem });
    this.#tls = createTlsServer({
      ...tlsOpts,
      handshakeTimeout: opts.tlsHandshakeTimeoutMs ?? XFTP_SERVER_DEFAULTS.tlsHandshakeTimeoutMs,
      // Upstream `onServerNameIndication`: the web certificate for any client that sends SNI.
      ...(webCtx && {
        SNICallback: (_name: string, cb: (e: Error | null, c?: typeof webCtx) => void) =>
          cb(null, webCtx),
      }),
    });
    this.#tls.on('secureConnection', (s) => this.#onConnection(s));
    this.#tls.on('tlsClientError', (e) =>
      this.#ctx.log.debug('TLS handshake failed', { error: e.message.slice(0, 120) }),
    );
    this.#h2 = createHttp2Server();
    this.#h2.on('session', (session: Http2Session) => {
      const conn = (session.socket as ConnSocket)[CONN];
      if (conn !== undefined) {
        this.#sessions.set(session, conn);
        conn.session = session;
      }
      session.on('error', (e) => this.#ctx.log.debug('HTTP/2 session error', { error: e.message }));
    });
    this.#h2.on('stream', (stream, headers) => void this.#onStream(stream, headers));
  }

  /** Starts listening; resolves with the bound address. Starts expiry and the timers. */
  async listen(port: number, host?: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#tls.once('error', reject);
      this.#tls.listen(port, host, () => {
        this.#tls.off('error', reject);
        resolve();
      });
    });
    const address = this.#tls.address() as AddressInfo;
    if (this.#opts.controlPort !== undefined) {
      const control = new XftpControlServer(
        this.#opts.controlPort,
        this,
        this.#ctx.log.child('ControlPort'),
      );
      this.#control = control;
      try {
        this.#controlAddress = await control.listen();
      } catch (e) {
        // A control port that cannot bind fails the start; nothing is left listening.
        await this.close(0);
        throw e;
      }
    }
    this.#startTimers();
    return address;
  }

  /** The control port's bound address, once listening (`controlPort` option). */
  get controlAddress(): AddressInfo | undefined {
    return this.#controlAddress;
  }

  /** The bound address (after `listen`). */
  get address(): AddressInfo {
    return this.#tls.address() as AddressInfo;
  }

  /** Server identity: SHA-256 of the CA certificate. */
  get keyHash(): Uint8Array {
    return this.#ctx.keyHash;
  }

  /** The identity as it appears in `xftp://` addresses (base64url with padding). */
  get fingerprint(): string {
    return encodeBase64Url(this.#ctx.keyHash);
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#conns.size;
  }

  /** One expiry sweep now (also run at start and on the timer); resolves with records removed. */
  runExpiry(opts?: ExpireRunOptions): Promise<number> {
    if (this.#expiry === undefined) return Promise.resolve(0);
    return this.#expiry.run(opts).then(async (n) => {
      await this.#refreshStorage(true);
      return n;
    });
  }

  /**
   * Operator block by recipient ID (upstream control port `block <fileId> <info>`): the body is
   * removed, the IDs answer BLOCKED (AUTH below v3) until the record expires. False if unknown.
   */
  async blockFile(recipientId: Uint8Array, info: BlockingInfo): Promise<boolean> {
    const found = await this.#ctx.fileStore.getFileByRecipient(recipientId);
    if (found === undefined) return false;
    const r = await this.#ctx.fileStore.blockFile(found.file.senderId, info);
    if (!r.ok) return false;
    if (r.body !== 'none') await this.#ctx.blobStore.delete(blobKeyForSender(r.senderId));
    this.#ctx.metrics.fileBlocked();
    return true;
  }

  /** Operator delete by recipient ID (upstream control port `delete <fileId>`). False if unknown. */
  async deleteFile(recipientId: Uint8Array): Promise<boolean> {
    const found = await this.#ctx.fileStore.getFileByRecipient(recipientId);
    if (found === undefined) return false;
    const r = await this.#ctx.fileStore.deleteFile(found.file.senderId);
    if (!r.ok) return false;
    if (r.body !== 'none') await this.#ctx.blobStore.delete(blobKeyForSender(r.senderId));
    this.#ctx.metrics.fileDeleted();
    return true;
  }

  /**
   * Stops accepting, lets requests in flight finish for up to `graceMs`, then drops the rest.
   * The stores are the caller's to close.
   */
  async close(graceMs = 5000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    await this.#control?.close();
    const closed = new Promise<void>((r) => this.#tls.close(() => r()));
    for (const c of this.#conns) {
      const s = c.socket as ConnSocket;
      if (s.destroyed) continue;
      // Sessions close once their streams finish (GOAWAY); idle ones at once.
      if (c.session) c.session.close();
      else s.destroy();
    }
    const deadline = Date.now() + graceMs;
    while (this.#conns.size > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    for (const c of this.#conns) c.socket.destroy();
    await closed;
  }

  #onConnection(raw: TLSSocket): void {
    const socket = raw as ConnSocket;
    const finished = socket.getPeerFinished();
    if (this.#closed || finished === undefined) {
      socket.destroy();
      return;
    }
    const alpn = socket.alpnProtocol ?? false;
    // Upstream `sniUsed`: the web certificate was chosen because the client sent SNI.
    const sniUsed = this.#opts.web !== undefined && typeof socket.servername === 'string';
    const conn = new XftpConnection(socket, new Uint8Array(finished), alpn, sniUsed);
    socket[CONN] = conn;
    this.#conns.add(conn);
    this.#ctx.metrics.connectionOpened();
    socket.on('error', (e) => this.#ctx.log.debug('connection error', { error: e.message }));
    socket.once('close', () => {
      this.#conns.delete(conn);
      this.#ctx.metrics.connectionClosed();
    });
    // HTTP/2 whatever was agreed: Node's HTTP/2 layer would take `http/1.1` or no ALPN for HTTP/1.
    if (alpn === false || alpn === httpALPN11) socket.alpnProtocol = h2ALPN;
    this.#h2.emit('connection', socket);
  }

  async #onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> {
    // Failures surface through reads and writes; the event itself must not crash the process.
    stream.on('error', () => undefined);
    const conn = this.#sessions.get(stream.session as Http2Session);
    if (conn === undefined) {
      stream.close();
      return;
    }
    conn.lastActive = Date.now();
    const ctx = this.#ctx;
    // Upstream `addCORS'`: web connections of a server with a web certificate.
    const res = new Response(stream, conn.sniUsed);
    const body = new RequestBody(stream);
    const method = headers[':method'];
    try {
      if (method === 'OPTIONS' && conn.sniUsed) return res.sendPreflight();
      // Upstream serves its static site here; this server has none.
      if (method === 'GET' && conn.sniUsed) return res.sendStatus(404);
      const head = await body.head(XFTP_BLOCK_SIZE);
      const alpn = conn.alpn;
      if (alpn === false) {
        // Legacy clients without ALPN: v1, no handshake, no session key (§4.8).
        await processRequest(ctx, conn, { version: 1 }, head, body, res);
      } else if (alpn === xftpALPNv1 || alpn === httpALPN11 || (conn.sniUsed && alpn === h2ALPN)) {
        const params = xftpServerHandshake(
          ctx,
          conn,
          {
            webHelloHeader: headers['xftp-web-hello'] !== undefined,
            handshakeHeader: headers['xftp-handshake'] !== undefined,
            head,
          },
          res,
        );
        if (params !== undefined) await processRequest(ctx, conn, params, head, body, res);
      } else {
        // `h2` without SNI (a browser probing, or a client not speaking XFTP): 200, no body.
        res.send();
      }
    } catch (e) {
      const error = e instanceof Error ? e.name : typeof e;
      // A client that went away mid-request is not a server failure.
      if (stream.destroyed || stream.closed) ctx.log.debug('request aborted', { error });
      else ctx.log.error('request failed', { error });
      // A store or disk failure: no XFTP answer (an ERR would be final for clients), so that the
      // client sees a transport failure and retries, as after a lost connection.
      if (!res.sent) res.sendStatus(500);
      else if (!stream.destroyed) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    } finally {
      releaseUnreadBody(stream, body.ended);
    }
  }

  #startTimers(): void {
    const o = this.#opts;
    const every = (ms: number, f: () => Promise<unknown>) => {
      const t = setInterval(() => void f().catch((e: unknown) => this.#logTimerError(e)), ms);
      t.unref();
      this.#timers.push(t);
    };
    const exp =
      o.fileExpiration === false
        ? undefined
        : (o.fileExpiration ?? XFTP_SERVER_DEFAULTS.fileExpiration);
    if (exp !== undefined) {
      // Once at start (in the background: a large backlog must not delay serving), then periodically.
      void this.runExpiry().catch((e: unknown) => this.#logTimerError(e));
      every(exp.checkIntervalSeconds * 1000, () => this.runExpiry());
    } else void this.#refreshStorage(true).catch((e: unknown) => this.#logTimerError(e));
    const statsMs = o.storageStatsIntervalMs ?? XFTP_SERVER_DEFAULTS.storageStatsIntervalMs;
    if (statsMs > 0) every(statsMs, () => this.#refreshStorage(false));
    const inactive = o.inactiveClients;
    if (inactive !== undefined)
      every(inactive.checkIntervalSeconds * 1000, async () =>
        this.#closeInactive(inactive.ttlSeconds),
      );
  }

  /** Closes connections without a request for `ttlSeconds` (upstream `expireInactiveClient`). */
  #closeInactive(ttlSeconds: number): void {
    const old = Date.now() - ttlSeconds * 1000;
    for (const c of this.#conns) if (c.lastActive < old) c.socket.destroy();
  }

  async #refreshStorage(withCount: boolean): Promise<void> {
    const fs = this.#ctx.fileStore;
    const usedBytes = await fs.getUsedStorage();
    if (withCount) this.#ctx.metrics.storage({ usedBytes, files: await fs.countFiles() });
    else this.#ctx.metrics.storage({ usedBytes });
  }

  #logTimerError(e: unknown): void {
    if (this.#closed) return;
    this.#ctx.log.error('background task failed', { error: e instanceof Error ? e.message : '' });
  }
}
