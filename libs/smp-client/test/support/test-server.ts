// A scripted SMP responder for client tests, built on smp-transport's server side. Not a relay: it
// records every decoded command, checks authorizations with the protocol library (signatures and
// X25519 authenticators over the authorized bytes), keeps just enough queue state to answer
// NEW/KEY/SKEY/SEND/NKEY/NSUB/SUB… plausibly, answers canned responses, and pushes events on demand.
import { EventEmitter } from 'node:events';
import type { TLSSocket } from 'node:tls';
import {
  bytesEqual,
  cbEncrypt,
  cbNonce,
  cbVerify,
  cmdError,
  dhSecret,
  encodeBrokerMsg,
  encodeHandshakeBlock,
  encodeNMsgMeta,
  encodeRcvMsgBody,
  encodeResponseTransmission,
  encodeServerHello,
  generateKeyPair,
  nobleProvider,
  readServerHelloBlock,
  verify,
} from '@simplex-relay/protocol';
import type {
  BrokerMsg,
  Command,
  CryptoProvider,
  EntityId,
  ErrorType,
  KeyPair,
  PublicKey,
  QueueMode,
  ServerHello,
  TransmissionAuth,
  VersionRange,
} from '@simplex-relay/protocol';
import { serverHandshake } from '@simplex-relay/smp-transport';
import type { SendReport, SmpServerConnection } from '@simplex-relay/smp-transport';
import {
  listenTls,
  loadIdentity,
  serverTlsOptions,
  within,
} from '@simplex-relay/smp-transport/testing';
import type { ServerIdentity, TlsListener } from '@simplex-relay/smp-transport/testing';
import { RecordingBlockSocket } from '@simplex-relay/smp-transport/testing';

/** A command as the test server decoded it. */
export interface RecordedCommand {
  readonly conn: TestConnection;
  /** Index of the block it arrived in (per connection, from 0). */
  readonly blockIndex: number;
  readonly corrId: Uint8Array;
  readonly entityId: EntityId;
  readonly command: Command;
  readonly auth?: TransmissionAuth | undefined;
  readonly serviceSig?: Uint8Array | undefined;
  /** `sb(sessionId) || sb(corrId) || sb(entityId) || command`, as the server reconstructs it (§6.2). */
  readonly authorized: Uint8Array;
}

/** Scripted answer: a message to send back, `null` for no answer (reply later), undefined for the default. */
export type Responder = (cmd: RecordedCommand) => BrokerMsg | null | undefined;

/** The queue state the default answers need. */
export interface TestQueue {
  readonly rcvId: EntityId;
  readonly sndId: EntityId;
  rcvKeys: PublicKey[];
  sndKey?: PublicKey | undefined;
  readonly mode?: QueueMode | undefined;
  readonly srvDh: KeyPair;
  readonly rcvDhSecret: Uint8Array;
  notifier?:
    | { readonly id: EntityId; readonly key: PublicKey; readonly rcvNtfDhSecret: Uint8Array }
    | undefined;
  readonly sent: Uint8Array[];
}

export interface TestServerOptions {
  readonly provider?: CryptoProvider;
  readonly offered?: VersionRange;
  readonly identity?: ServerIdentity;
  readonly respond?: Responder;
  /** Rewrites the server hello before it is sent (tampering tests). */
  readonly rewriteHello?: (h: ServerHello) => ServerHello;
}

const err = (e: ErrorType): BrokerMsg => ({ tag: 'ERR', error: e });
const AUTH = err({ type: 'AUTH' });

/** One accepted, handshaken connection. */
export class TestConnection {
  readonly commands: RecordedCommand[] = [];
  /** Transmissions that failed the server-side decode (answered with their ERR). */
  readonly failed: { corrId: Uint8Array; entityId: EntityId; error: ErrorType }[] = [];
  blocksReceived = 0;
  blockErrors = 0;
  readonly done: Promise<void>;

  constructor(
    readonly server: TestSmpServer,
    readonly conn: SmpServerConnection,
    readonly blocks: RecordingBlockSocket,
  ) {
    this.done = this.run();
  }

  get version(): number {
    return this.conn.params.version;
  }

  /** Sends a server-initiated transmission (empty corrId). */
  push(entityId: EntityId, msg: BrokerMsg): Promise<SendReport> {
    return this.send([[new Uint8Array(0), entityId, msg]]);
  }

  /** Answers a command later (for responders that returned `null`). */
  reply(cmd: RecordedCommand, msg: BrokerMsg): Promise<SendReport> {
    return this.send([[cmd.corrId, cmd.entityId, msg]]);
  }

  /** Sends several transmissions in one call (as few blocks as possible). */
  send(items: readonly (readonly [Uint8Array, EntityId, BrokerMsg])[]): Promise<SendReport> {
    const p = this.conn.params;
    return this.conn.sendTransmissions(
      items.map(([corrId, entityId, msg]) =>
        encodeResponseTransmission(p, corrId, entityId, encodeBrokerMsg(p.version, msg)),
      ),
    );
  }

  /** True iff the command's authorization is valid for `key` (signature, or X25519 authenticator). */
  verifyAuth(cmd: RecordedCommand, key: PublicKey): boolean {
    const c = this.server.provider;
    const a = cmd.auth;
    if (a === undefined) return false;
    if (a.type === 'signature') return verify(c, key, a.bytes, cmd.authorized);
    return cbVerify(
      c,
      key,
      this.conn.sessionKeyPair.priv,
      cbNonce(cmd.corrId),
      a.bytes,
      cmd.authorized,
    );
  }

  /** Resolves once `n` commands were received on this connection. */
  waitForCommands(n: number, ms = 5000): Promise<RecordedCommand[]> {
    return this.server.waitFor(
      () => (this.commands.length >= n ? this.commands : undefined),
      ms,
      `${n} commands`,
    );
  }

  private async run(): Promise<void> {
    try {
      for await (const b of this.conn.receive()) {
        const blockIndex = this.blocksReceived++;
        const out: [Uint8Array, EntityId, BrokerMsg][] = [];
        if (b.type === 'error') {
          // Spec Corrections §5.3: one ERR BLOCK with empty corrId and entity, and keep reading.
          this.blockErrors++;
          out.push([new Uint8Array(0), new Uint8Array(0), err({ type: 'BLOCK' })]);
        } else {
          for (const t of b.transmissions) {
            if (!t.ok) {
              this.failed.push(t);
              out.push([t.corrId, t.entityId, err(t.error)]);
              continue;
            }
            const rec: RecordedCommand = {
              conn: this,
              blockIndex,
              corrId: t.corrId,
              entityId: t.entityId,
              command: t.command,
              auth: t.auth,
              serviceSig: t.serviceSig,
              authorized: t.authorized,
            };
            this.commands.push(rec);
            const custom = this.server.respond?.(rec);
            const msg = custom === undefined ? this.server.defaultResponse(rec) : custom;
            if (msg !== null) out.push([t.corrId, t.entityId, msg]);
          }
        }
        if (out.length > 0) await this.send(out);
        this.server.changed();
      }
    } catch {
      // the client went away mid-block; tests look at what was recorded
    } finally {
      this.server.changed();
    }
  }
}

/** The scripted server: a TLS listener on 127.0.0.1 running `serverHandshake` per connection. */
export class TestSmpServer {
  readonly connections: TestConnection[] = [];
  readonly handshakeErrors: unknown[] = [];
  readonly queues: TestQueue[] = [];
  respond: Responder | undefined;
  private readonly emitter = new EventEmitter();

  private constructor(
    private readonly listener: TlsListener,
    readonly provider: CryptoProvider,
    readonly identity: ServerIdentity,
    readonly address: string,
    opts: TestServerOptions,
  ) {
    this.respond = opts.respond;
    this.emitter.setMaxListeners(0);
  }

  static async start(opts: TestServerOptions = {}): Promise<TestSmpServer> {
    const provider = opts.provider ?? nobleProvider;
    const identity = opts.identity ?? loadIdentity('ed448');
    // The listener callback needs the server object, which needs the listener's port first.
    const ref: { self?: TestSmpServer } = {};
    const listener = await listenTls(serverTlsOptions(identity), (socket: TLSSocket) => {
      const blocks = new RecordingBlockSocket(socket);
      const rewrite = opts.rewriteHello;
      if (rewrite !== undefined)
        blocks.rewriteNext((b) =>
          encodeHandshakeBlock(encodeServerHello(rewrite(readServerHelloBlock(b)))),
        );
      serverHandshake(blocks, {
        provider,
        keyHash: identity.keyHash,
        certChain: identity.certChain,
        signKey: identity.signKey,
        ...(opts.offered !== undefined && { offered: opts.offered }),
        timeoutMs: 5000,
      }).then(
        (conn) => {
          const self = ref.self as TestSmpServer;
          self.connections.push(new TestConnection(self, conn, blocks));
          self.changed();
        },
        (e: unknown) => {
          ref.self?.handshakeErrors.push(e);
          ref.self?.changed();
        },
      );
    });
    const address = `smp://${Buffer.from(identity.keyHash).toString('base64url')}=@127.0.0.1:${listener.port}`;
    ref.self = new TestSmpServer(listener, provider, identity, address, opts);
    return ref.self;
  }

  /** The address with another key hash (identity mismatch tests). */
  addressWithKeyHash(keyHash: Uint8Array): string {
    return this.address.replace(
      /^smp:\/\/[^@]+@/,
      `smp://${Buffer.from(keyHash).toString('base64url')}=@`,
    );
  }

  /** The `n`-th accepted connection (from 0), once its handshake is done. */
  connection(n = 0, ms = 5000): Promise<TestConnection> {
    return this.waitFor(() => this.connections[n], ms, `connection ${n}`);
  }

  /** The server end of the connection whose tls-unique is `sessionId` (e.g. `client.params.sessionId`). */
  connectionFor(sessionId: Uint8Array, ms = 5000): Promise<TestConnection> {
    return this.waitFor(
      () => this.connections.find((c) => bytesEqual(c.conn.params.sessionId, sessionId)),
      ms,
      'the connection',
    );
  }

  /** The first failed server handshake. */
  handshakeError(ms = 5000): Promise<unknown> {
    return this.waitFor(
      () => (this.handshakeErrors.length > 0 ? { e: this.handshakeErrors[0] } : undefined),
      ms,
      'a handshake error',
    ).then((x) => x.e);
  }

  /** Resolves with the first non-undefined value of `probe`, re-checked on every server change. */
  waitFor<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    let onChange: () => void = () => undefined;
    const p = new Promise<T>((resolve) => {
      onChange = () => {
        const v = probe();
        if (v !== undefined) resolve(v);
      };
      this.emitter.on('change', onChange);
    });
    return within(p, ms, what).finally(() => this.emitter.off('change', onChange));
  }

  /** @internal notifies waiters. */
  changed(): void {
    this.emitter.emit('change');
  }

  byRcvId(id: EntityId): TestQueue | undefined {
    return this.queues.find((q) => bytesEqual(q.rcvId, id));
  }

  /** A `MSG` for `q` as the server would deliver it: body padded to 16106 and boxed with nonce = msgId (§7.6). */
  encryptMessage(
    q: TestQueue,
    body: Uint8Array,
    opts: { ts?: bigint; notification?: boolean } = {},
  ): Extract<BrokerMsg, { tag: 'MSG' }> {
    const msgId = this.provider.randomBytes(24);
    const rcvBody = encodeRcvMsgBody({
      type: 'message',
      ts: opts.ts ?? 1_700_000_000n,
      flags: { notification: opts.notification ?? false },
      body,
    });
    return {
      tag: 'MSG',
      msgId,
      encBody: cbEncrypt(this.provider, q.rcvDhSecret, cbNonce(msgId), rcvBody, 16106),
    };
  }

  /** An `NMSG` for `q`'s notifier (metadata padded to 128, as upstream `encNMsgMeta`). */
  encryptNMsg(q: TestQueue, msgId: Uint8Array, ts: bigint): Extract<BrokerMsg, { tag: 'NMSG' }> {
    const n = q.notifier;
    if (n === undefined) throw new TypeError('queue has no notifier');
    const nonce = this.provider.randomBytes(24);
    return {
      tag: 'NMSG',
      nonce,
      encMeta: cbEncrypt(
        this.provider,
        n.rcvNtfDhSecret,
        nonce,
        encodeNMsgMeta({ msgId, ts }),
        128,
      ),
    };
  }

  /** The default answers: enough queue semantics to make authorization checks meaningful. */
  defaultResponse(rec: RecordedCommand): BrokerMsg {
    const cmd = rec.command;
    const c = this.provider;
    const ok = (k: PublicKey | undefined): boolean =>
      k !== undefined && rec.conn.verifyAuth(rec, k);
    switch (cmd.tag) {
      case 'PING':
        return { tag: 'PONG' };
      case 'NEW': {
        if (!ok(cmd.req.rcvAuthKey)) return AUTH;
        const srvDh = generateKeyPair(c, 'x25519');
        const q: TestQueue = {
          rcvId: c.randomBytes(24),
          sndId: cmd.req.queueReqData?.link?.senderId ?? c.randomBytes(24),
          rcvKeys: [cmd.req.rcvAuthKey],
          mode: cmd.req.queueReqData?.mode,
          srvDh,
          rcvDhSecret: dhSecret(c, cmd.req.rcvDhKey, srvDh.priv),
          sent: [],
        };
        let serverNtfCreds;
        if (cmd.req.ntfCreds !== undefined) {
          const ntfDh = generateKeyPair(c, 'x25519');
          q.notifier = {
            id: c.randomBytes(24),
            key: cmd.req.ntfCreds.notifierKey,
            rcvNtfDhSecret: dhSecret(c, cmd.req.ntfCreds.rcvNtfDhKey, ntfDh.priv),
          };
          serverNtfCreds = { notifierId: q.notifier.id, srvNtfDhKey: ntfDh.pub };
        }
        this.queues.push(q);
        const ids = {
          rcvId: q.rcvId,
          sndId: q.sndId,
          rcvPublicDhKey: srvDh.pub,
          ...(q.mode !== undefined && { queueMode: q.mode }),
          ...(serverNtfCreds !== undefined && { serverNtfCreds }),
        };
        return { tag: 'IDS', ids };
      }
      case 'SKEY':
      case 'SEND': {
        const q = this.queues.find((x) => bytesEqual(x.sndId, rec.entityId));
        if (q === undefined) return AUTH;
        if (cmd.tag === 'SKEY') {
          if (
            !ok(cmd.senderKey) ||
            (q.sndKey !== undefined && !bytesEqual(q.sndKey.raw, cmd.senderKey.raw))
          )
            return AUTH;
          q.sndKey = cmd.senderKey;
          return { tag: 'OK' };
        }
        if (q.sndKey === undefined ? rec.auth !== undefined : !ok(q.sndKey)) return AUTH;
        q.sent.push(cmd.body);
        return { tag: 'OK' };
      }
      case 'NSUB': {
        const q = this.queues.find(
          (x) => x.notifier !== undefined && bytesEqual(x.notifier.id, rec.entityId),
        );
        return q !== undefined && ok(q.notifier?.key) ? { tag: 'SOK' } : AUTH;
      }
      case 'LKEY':
      case 'LGET':
      case 'SUBS':
      case 'NSUBS':
      case 'PRXY':
      case 'PFWD':
      case 'RFWD':
        return err(cmdError('PROHIBITED'));
      default: {
        const q = this.byRcvId(rec.entityId);
        if (q === undefined || !q.rcvKeys.some((k) => ok(k))) return AUTH;
        switch (cmd.tag) {
          case 'SUB':
            return { tag: 'SOK' };
          case 'KEY':
            q.sndKey = cmd.senderKey;
            return { tag: 'OK' };
          case 'RKEY':
            q.rcvKeys = [...cmd.recipientKeys];
            return { tag: 'OK' };
          case 'NKEY': {
            const ntfDh = generateKeyPair(c, 'x25519');
            q.notifier = {
              id: c.randomBytes(24),
              key: cmd.notifierKey,
              rcvNtfDhSecret: dhSecret(c, cmd.rcvNtfDhKey, ntfDh.priv),
            };
            return { tag: 'NID', notifierId: q.notifier.id, srvNtfDhKey: ntfDh.pub };
          }
          case 'NDEL':
            q.notifier = undefined;
            return { tag: 'OK' };
          case 'QUE':
            return {
              tag: 'INFO',
              info: {
                hasSender: q.sndKey !== undefined,
                hasNotifier: q.notifier !== undefined,
                size: q.sent.length,
              },
            };
          default:
            return { tag: 'OK' };
        }
      }
    }
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.conn.close();
    await this.listener.close();
  }
}
