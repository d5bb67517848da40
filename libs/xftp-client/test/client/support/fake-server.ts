// A small in-test XFTP server over real TLS + HTTP/2 (spec xftp.md §3–§7): native handshake, an
// in-memory chunk store and every command, with hooks to inject faults. It exists so the client's
// framing, error paths and file-level transfers can be tested without libs/xftp-server; it is not a
// reference server (no quota, expiry, web mode or blocking).
import http2 from 'node:http2';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import {
  XFTP_BLOCK_SIZE,
  bytesEqual,
  decodePrivKeyDer,
  encodeBase64Url,
  encodeXFTPHandshakeErrorBlock,
  encodeXFTPServerHandshakeBlock,
  encryptFileChunk,
  generateKeyPair,
  makeXFTPServerHandshake,
  prepareFileChunkEncryption,
  processXFTPClientHandshake,
  serverChunkSizes,
  supportedFileServerVRange,
  verify,
  xftpDecodeTServer,
  xftpEncodeResponse,
  xftpTransmissionParams,
  xftpServerALPN,
} from '@simplex-relay/protocol';
import type {
  FileResponse,
  PublicKey,
  TransmissionParams,
  XFTPErrorType,
  XFTPServerTransmission,
} from '@simplex-relay/protocol';
import {
  createCertificates,
  decodePem,
  nodeProvider as c,
  tlsServerOptions,
} from '@simplex-relay/node-crypto';
import { ResponseBody } from '../../../src/client/http2-body.ts';

/** What a hook may do instead of the normal handling of a command. */
export type HookAction =
  | { readonly kind: 'error'; readonly error: XFTPErrorType }
  /** Answer with this exact response (entity and all), e.g. to break the A1 rules. */
  | { readonly kind: 'response'; readonly entityId: Uint8Array; readonly response: FileResponse }
  /** Answer with these raw body bytes. */
  | { readonly kind: 'raw'; readonly body: Uint8Array }
  /** Never answer. */
  | { readonly kind: 'hang' }
  /** Drop the TCP connection. */
  | { readonly kind: 'drop' };

/** Per-request record for assertions on the request shape (Appendix A3). */
export interface SeenRequest {
  readonly headers: IncomingHttpHeaders;
  readonly bodyLength: number;
  readonly tag?: string;
}

interface StoredFile {
  readonly sndKey: PublicKey;
  readonly size: number;
  readonly digest: Uint8Array;
  body?: Buffer;
  readonly recipients: Set<string>;
}

interface Conn {
  state: 'none' | 'hello' | 'accepted';
  sessionKey?: ReturnType<typeof generateKeyPair>;
  params?: TransmissionParams;
  readonly sessionId: Uint8Array;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export class FakeXftpServer {
  readonly files = new Map<string, StoredFile>();
  readonly recipients = new Map<string, { sid: string; key: PublicKey }>();
  readonly requests: SeenRequest[] = [];
  /** Called per command; return an action to override the normal answer. */
  hook: ((tag: string, t: XFTPServerTransmission) => HookAction | undefined) | undefined;
  /** Answer the client handshake with a padded `HANDSHAKE` (A2). */
  rejectHandshake = false;
  readonly #tls: tls.Server;
  readonly #h2 = http2.createServer();
  readonly #conns = new WeakMap<object, Conn>();
  #pending: Conn | undefined;
  readonly #sockets = new Set<tls.TLSSocket>();
  readonly #chain: Uint8Array[];
  readonly #onlineKey;
  readonly keyHash: Uint8Array;
  port = 0;

  constructor(opts: { readonly algorithm?: 'ed25519' | 'ed448'; readonly alpn?: string[] } = {}) {
    const creds = createCertificates({ algorithm: opts.algorithm ?? 'ed25519' });
    this.#chain = [
      decodePem(creds.serverCertPem, 'CERTIFICATE'),
      decodePem(creds.caCertPem, 'CERTIFICATE'),
    ];
    this.#onlineKey = decodePrivKeyDer(decodePem(creds.serverKeyPem, 'PRIVATE KEY'));
    this.keyHash = new Uint8Array(
      createHash('sha256')
        .update(this.#chain[1] as Uint8Array)
        .digest(),
    );
    this.#tls = tls.createServer(
      { ...tlsServerOptions(creds), ALPNProtocols: opts.alpn ?? [...xftpServerALPN] },
      (socket) => {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        const finished = socket.getPeerFinished();
        // ALPN only selects dispatch; the connection speaks HTTP/2 whatever it is (§3.4).
        const legacy = socket.alpnProtocol === false;
        this.#pending = {
          state: legacy ? 'accepted' : 'none',
          sessionId: new Uint8Array(finished ?? []),
          ...(legacy && { params: xftpTransmissionParams(1, new Uint8Array(finished ?? [])) }),
        };
        (socket as { alpnProtocol: string | false }).alpnProtocol = 'h2';
        // Node creates the HTTP/2 session synchronously in this call ('session' below).
        this.#h2.emit('connection', socket);
        this.#pending = undefined;
      },
    );
    this.#h2.on('session', (session) => {
      if (this.#pending !== undefined) this.#conns.set(session, this.#pending);
    });
    this.#h2.on('stream', (stream, headers) => {
      void this.#serve(stream, headers).catch(() => stream.destroy());
    });
  }

  /** The address clients use. */
  get address(): string {
    return `xftp://${encodeBase64Url(this.keyHash)}@127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#tls.listen(0, '127.0.0.1', resolve));
    this.port = (this.#tls.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#tls.close(() => resolve()));
    this.#h2.close();
  }

  /** Drops every open connection (the server keeps running). */
  dropConnections(): void {
    for (const s of this.#sockets) s.destroy();
  }

  async #serve(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> {
    const conn = stream.session === undefined ? undefined : this.#conns.get(stream.session);
    if (conn === undefined) return void stream.destroy();
    const body = new ResponseBody(stream);
    const head = await body.head(XFTP_BLOCK_SIZE);
    const seen: { headers: IncomingHttpHeaders; bodyLength: number; tag?: string } = {
      headers,
      bodyLength: head.length,
    };
    this.requests.push(seen);
    const reply = (b: Uint8Array): void => {
      if (stream.destroyed) return;
      stream.respond({ ':status': 200 });
      stream.end(b);
    };
    if (conn.state === 'none') {
      if (head.length !== 0) return reply(encodeXFTPHandshakeErrorBlock({ type: 'HANDSHAKE' }));
      conn.sessionKey = generateKeyPair(c, 'x25519');
      conn.state = 'hello';
      const hs = makeXFTPServerHandshake(c, {
        vr: supportedFileServerVRange,
        sessionId: conn.sessionId,
        certChain: this.#chain,
        onlineKey: this.#onlineKey,
        sessionKey: conn.sessionKey.pub,
      });
      return reply(encodeXFTPServerHandshakeBlock(hs));
    }
    if (conn.state === 'hello') {
      const r = processXFTPClientHandshake(head, {
        vr: supportedFileServerVRange,
        keyHash: this.keyHash,
      });
      if (!r.ok || this.rejectHandshake)
        return reply(encodeXFTPHandshakeErrorBlock({ type: 'HANDSHAKE' }));
      conn.state = 'accepted';
      conn.params = xftpTransmissionParams(r.version, conn.sessionId);
      return reply(new Uint8Array(0));
    }
    const p = conn.params as TransmissionParams;
    const t = xftpDecodeTServer(p, head);
    const respond = (entityId: Uint8Array, r: FileResponse, extra?: Uint8Array): void => {
      const block = xftpEncodeResponse(p, t.corrId, entityId, r);
      if (stream.destroyed) return;
      stream.respond({ ':status': 200 });
      if (extra !== undefined) stream.write(block);
      stream.end(extra ?? block);
    };
    const err = (error: XFTPErrorType): void => respond(t.entityId, { tag: 'ERR', error });
    if (!t.ok) {
      return err(t.error);
    }
    seen.tag = t.command.tag;
    const action = this.hook?.(t.command.tag, t);
    if (action !== undefined) {
      if (action.kind === 'hang') return;
      if (action.kind === 'drop') return void stream.session?.destroy();
      if (action.kind === 'raw') return reply(action.body);
      if (action.kind === 'response') return respond(action.entityId, action.response);
      return err(action.error);
    }
    const authOk = (key: PublicKey): boolean =>
      t.auth?.type === 'signature' && verify(c, key, t.auth.bytes, t.authorized);
    const cmd = t.command;
    if (cmd.tag === 'PING') return respond(t.entityId, { tag: 'PONG' });
    if (cmd.tag === 'FNEW') {
      if (!authOk(cmd.file.sndKey)) return err({ type: 'AUTH' });
      if (!serverChunkSizes.includes(cmd.file.size)) return err({ type: 'SIZE' });
      const sid = c.randomBytes(16);
      const rids = cmd.rcvKeys.map(() => c.randomBytes(16));
      const f: StoredFile = { ...cmd.file, recipients: new Set() };
      this.files.set(hex(sid), f);
      cmd.rcvKeys.forEach((key, i) => {
        const rid = rids[i] as Uint8Array;
        f.recipients.add(hex(rid));
        this.recipients.set(hex(rid), { sid: hex(sid), key });
      });
      return respond(new Uint8Array(0), {
        tag: 'SIDS',
        senderId: sid,
        recipientIds: rids as [Uint8Array, ...Uint8Array[]],
      });
    }
    if (t.party === 'sender') {
      const f = this.files.get(hex(t.entityId));
      if (f === undefined || !authOk(f.sndKey)) return err({ type: 'AUTH' });
      if (cmd.tag === 'FADD') {
        const rids = cmd.rcvKeys.map((key) => {
          const rid = c.randomBytes(16);
          f.recipients.add(hex(rid));
          this.recipients.set(hex(rid), { sid: hex(t.entityId), key });
          return rid;
        });
        return respond(t.entityId, {
          tag: 'RIDS',
          recipientIds: rids as [Uint8Array, ...Uint8Array[]],
        });
      }
      if (cmd.tag === 'FDEL') {
        for (const r of f.recipients) this.recipients.delete(r);
        this.files.delete(hex(t.entityId));
        return respond(t.entityId, { tag: 'OK' });
      }
      // FPUT: exactly `size` bytes, then the digest (§7.1); a committed chunk is only drained.
      const parts: Buffer[] = [];
      let n = 0;
      for await (const piece of body.rest()) {
        n += piece.length;
        if (n > f.size) return err({ type: 'SIZE' });
        if (f.body === undefined) parts.push(Buffer.from(piece));
        if (n === f.size && f.body !== undefined) break;
      }
      seen.bodyLength += n;
      if (n < f.size) return err({ type: 'SIZE' });
      if (f.body === undefined) {
        const b = Buffer.concat(parts);
        const d = createHash('sha256').update(b).digest();
        if (!bytesEqual(d, f.digest)) return err({ type: 'DIGEST' });
        f.body = b;
      }
      return respond(t.entityId, { tag: 'OK' });
    }
    const r = this.recipients.get(hex(t.entityId));
    const f = r === undefined ? undefined : this.files.get(r.sid);
    if (r === undefined || f === undefined || !authOk(r.key)) return err({ type: 'AUTH' });
    if (cmd.tag === 'FACK') {
      this.recipients.delete(hex(t.entityId));
      f.recipients.delete(hex(t.entityId));
      return respond(t.entityId, { tag: 'OK' });
    }
    if (cmd.tag !== 'FGET') return err({ type: 'CMD', cmd: 'PROHIBITED' });
    if (f.body === undefined) return err({ type: 'NO_FILE' });
    const enc = prepareFileChunkEncryption(c, cmd.rcvDhKey);
    respond(
      t.entityId,
      { tag: 'FILE', srvDhKey: enc.srvDhKey, nonce: enc.nonce },
      encryptFileChunk(enc.state, f.body),
    );
  }
}
