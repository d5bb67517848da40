// The command channel of the SMP client (spec smp.md §6, §7, §8.10): TLS + handshake, random 24-byte
// corrIds, command authorization, batching of commands issued together, responses matched by corrId
// in any order, and server-initiated transmissions as events. Mirrors upstream `Client.hs:
// getProtocolClient, sendProtocolCommand(s), processMsg, mkTransmission`; reconnecting is the
// caller's business. The typed command API is smp-client.ts.
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import {
  TransportError,
  encodeCommand,
  encodeTransmission,
  nobleProvider,
  parseServerAddress,
} from '@simplex-relay/protocol';
import type {
  BrokerMsg,
  ClientTransmission,
  Command,
  CommandTag,
  CryptoProvider,
  EntityId,
  PrivateKey,
  SmpServer,
  VersionRange,
} from '@simplex-relay/protocol';
import {
  ConnectionClosedError,
  SMP_DEFAULT_PORT,
  SMP_KEEPALIVE_IDLE_MS,
  TimeoutError,
  clientHandshake,
  tlsClientOptions,
} from '@simplex-relay/smp-transport';
import type { SmpClientConnection, SmpSessionParams } from '@simplex-relay/smp-transport';
import { authorizeCommand } from './authorize.ts';
import { ConnectError, SmpError, UnexpectedResponseError } from './errors.ts';
import { EventQueue } from './event-queue.ts';

/** Connection and behaviour options. */
export interface SmpClientOptions {
  /** Crypto implementation; default the pure `nobleProvider`. */
  readonly provider?: CryptoProvider;
  /** Versions offered; default 8..18. */
  readonly clientVRange?: VersionRange;
  /** Declare this client an SMP proxy (plain blocks at v ≥ 14). Default false. */
  readonly proxyServer?: boolean;
  /** TCP + TLS + SMP handshake limit. Default 30 s. */
  readonly connectTimeoutMs?: number;
  /** Per-command response limit. Default 30 s. */
  readonly commandTimeoutMs?: number;
  /** Receive events through this callback instead of buffering them for `events()`. */
  readonly onEvent?: (e: SmpEvent) => void;
}

/** Default limits (upstream `defaultNetworkConfig` is in the same range: 15–45 s). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

/** Something the server sent that is not the answer to a pending command. */
export type SmpEvent =
  /** A server-initiated transmission (empty corrId): `MSG`, `END`, `DELD`, `NMSG`, `ERR BLOCKED`, `ENDS`, … */
  | { readonly type: 'message'; readonly entityId: EntityId; readonly msg: BrokerMsg }
  /** A block that did not decrypt or frame; any responses in it are lost (their commands time out). */
  | { readonly type: 'blockError'; readonly error: TransportError }
  /** A transmission with an unknown corrId, or one that did not parse. */
  | {
      readonly type: 'unexpected';
      readonly corrId: Uint8Array;
      readonly entityId: EntityId;
      readonly result: ClientTransmission['result'];
    };

/** One command of a batch. */
export interface CommandRequest {
  readonly entityId: EntityId;
  /** Authorizing key (Ed25519/Ed448 signature, X25519 authenticator), or none. */
  readonly key?: PrivateKey | undefined;
  readonly command: Command;
  /** A caller-chosen corrId (e.g. `NEW` with a sender ID derived from it); default 24 random bytes. */
  readonly corrId?: Uint8Array | undefined;
}

/** Result of one command of `sendBatch`. */
export type CommandResult =
  { readonly ok: true; readonly msg: BrokerMsg } | { readonly ok: false; readonly error: Error };

interface Pending {
  readonly tag: CommandTag;
  readonly entityId: EntityId;
  readonly resolve: (m: BrokerMsg) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface Outgoing {
  readonly key: string;
  readonly bytes: Uint8Array;
}

const CORR_ID_LENGTH = 24;
/** Map key of a corrId (latin1 keeps every byte). */
const corrKey = (corrId: Uint8Array): string =>
  Buffer.from(corrId.buffer, corrId.byteOffset, corrId.length).toString('latin1');
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Opens a TLS connection and waits for 'secureConnect'. */
function tlsConnect(host: string, port: number, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(tlsClientOptions({ host, port }));
    const done = (): void => {
      clearTimeout(timer);
      socket.off('secureConnect', onSecure);
      socket.off('error', onError);
    };
    const onSecure = (): void => {
      done();
      resolve(socket);
    };
    const onError = (e: Error): void => {
      done();
      socket.destroy();
      reject(e);
    };
    const timer = setTimeout(
      () => onError(new TimeoutError(`TLS connection not established within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('secureConnect', onSecure);
    socket.once('error', onError);
  });
}

/** An SMP server address resolved and connected: what `SmpClientCore` is built from. */
export interface OpenedConnection {
  readonly connection: SmpClientConnection;
  readonly server: SmpServer;
  readonly basicAuth: Uint8Array | undefined;
}

/**
 * Connects to `smp://<keyHash>[:<auth>]@host[,host…][:port]` (first host; port 5223 by default):
 * TLS, then the client handshake. Throws ConnectError (TCP/TLS), HandshakeError/TransportError
 * (SMP handshake) or TimeoutError.
 */
export async function openConnection(
  address: string | SmpServer,
  opts: SmpClientOptions = {},
): Promise<OpenedConnection> {
  let server: SmpServer;
  let basicAuth: Uint8Array | undefined;
  if (typeof address === 'string') {
    const a = parseServerAddress(address);
    if (a.scheme !== 'smp') throw new RangeError(`not an smp:// address: ${a.scheme}://`);
    server = a.server;
    basicAuth = a.basicAuth;
  } else server = address;
  const host = server.hosts[0].host;
  const port = server.port === '' ? SMP_DEFAULT_PORT : Number(server.port);
  const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const started = Date.now();
  let socket: TLSSocket;
  try {
    socket = await tlsConnect(host, port, timeoutMs);
  } catch (e) {
    throw new ConnectError(`cannot connect to ${host}:${port}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  socket.setKeepAlive(true, SMP_KEEPALIVE_IDLE_MS);
  const connection = await clientHandshake(socket, {
    provider: opts.provider ?? nobleProvider,
    keyHash: server.keyHash,
    ...(opts.clientVRange !== undefined && { clientVRange: opts.clientVRange }),
    proxyServer: opts.proxyServer ?? false,
    timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)),
  });
  return { connection, server, basicAuth };
}

/**
 * The untyped client: commands issued in the same event-loop turn leave together in as few blocks
 * as possible; each gets exactly one response (spec §8.10), matched by corrId.
 */
export class SmpClientCore {
  private readonly pending = new Map<string, Pending>();
  private outbox: Outgoing[] = [];
  private flushScheduled = false;
  private readonly queue = new EventQueue<SmpEvent>();
  private isClosed = false;
  private sentBlocks = 0;
  private readonly commandTimeoutMs: number;
  private readonly onEvent: ((e: SmpEvent) => void) | undefined;
  /** Resolves when the connection is closed and every pending command has been rejected. */
  readonly closed: Promise<void>;

  readonly connection: SmpClientConnection;
  /** The server as addressed (hosts, port, key hash). */
  readonly server: SmpServer;
  /** Server password from the address, used by `NEW` unless given per call. */
  readonly basicAuth: Uint8Array | undefined;

  /** Wraps an established connection (see `openConnection`). */
  constructor(opened: OpenedConnection, opts: SmpClientOptions = {}) {
    this.connection = opened.connection;
    this.server = opened.server;
    this.basicAuth = opened.basicAuth;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.onEvent = opts.onEvent;
    this.closed = this.run();
  }

  /** Session parameters: negotiated version, tls-unique session ID, block encryption, … */
  get params(): SmpSessionParams {
    return this.connection.params;
  }

  get provider(): CryptoProvider {
    return this.connection.provider;
  }

  /** Blocks written so far. */
  get blocksSent(): number {
    return this.sentBlocks;
  }

  /** Commands waiting for a response. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Server-initiated transmissions and receive problems, buffered from connect time, in arrival
   * order; the iteration ends when the connection closes. One consumer.
   */
  events(): AsyncIterable<SmpEvent> {
    return this.queue;
  }

  /** The next event; TimeoutError after `timeoutMs`, ConnectionClosedError if the connection ended. */
  async nextEvent(timeoutMs = this.commandTimeoutMs): Promise<SmpEvent> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TimeoutError(`no event within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const r = await Promise.race([this.queue.next(), timeout]);
      if (r.done) throw new ConnectionClosedError('connection closed, no more events');
      return r.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends one command and resolves with its response. `ERR` rejects with SmpError; no response in
   * time rejects with TimeoutError; a command too large for a block with TransportError `LARGE_MSG`.
   */
  sendCommand(
    entityId: EntityId,
    key: PrivateKey | undefined,
    command: Command,
    corrId?: Uint8Array,
  ): Promise<BrokerMsg> {
    let p: Promise<BrokerMsg>;
    try {
      p = this.enqueue({ entityId, key, command, corrId });
    } catch (e) {
      return Promise.reject(e);
    }
    this.scheduleFlush();
    return p;
  }

  /** Sends the commands now, together with anything queued, in as few blocks as possible. */
  async sendBatch(cmds: readonly CommandRequest[]): Promise<CommandResult[]> {
    const ps = cmds.map((c) => {
      try {
        return this.enqueue(c);
      } catch (e) {
        return Promise.reject(e as Error);
      }
    });
    this.flush();
    return Promise.all(
      ps.map((p) =>
        p.then(
          (msg): CommandResult => ({ ok: true, msg }),
          (error: Error): CommandResult => ({ ok: false, error }),
        ),
      ),
    );
  }

  /** Closes the connection; pending commands reject with ConnectionClosedError. */
  async close(): Promise<void> {
    this.connection.close();
    await this.closed;
  }

  private enqueue(r: CommandRequest): Promise<BrokerMsg> {
    if (this.isClosed) throw new ConnectionClosedError('client is closed');
    const c = this.connection;
    const corrId = r.corrId ?? c.provider.randomBytes(CORR_ID_LENGTH);
    const key = corrKey(corrId);
    if (this.pending.has(key)) throw new RangeError('corrId is already in use');
    const cmd = encodeCommand(c.params.version, r.command);
    const auth =
      r.key === undefined
        ? undefined
        : authorizeCommand(
            c.provider,
            c.params,
            c.serverSessionKey,
            r.key,
            corrId,
            r.entityId,
            cmd,
          );
    const bytes = encodeTransmission(c.params, {
      ...(auth !== undefined && { auth }),
      corrId,
      entityId: r.entityId,
      command: cmd,
    });
    return new Promise<BrokerMsg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(
          new TimeoutError(`${r.command.tag}: no response within ${this.commandTimeoutMs} ms`),
        );
      }, this.commandTimeoutMs);
      this.pending.set(key, { tag: r.command.tag, entityId: r.entityId, resolve, reject, timer });
      this.outbox.push({ key, bytes });
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate, not a microtask: commands issued from several promise continuations of the
    // same turn still share blocks.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const items = this.outbox;
    if (items.length === 0) return;
    this.outbox = [];
    this.connection.sendTransmissions(items.map((i) => i.bytes)).then(
      (report) => {
        this.sentBlocks += report.blocks;
        for (const i of report.oversized) {
          const item = items[i] as Outgoing;
          this.settle(item.key)?.reject(
            new TransportError('LARGE_MSG', 'command does not fit a block'),
          );
        }
      },
      (e: unknown) => {
        for (const item of items)
          this.settle(item.key)?.reject(new ConnectionClosedError('send failed', { cause: e }));
      },
    );
  }

  /** Removes a pending command (clearing its timer) and returns it. */
  private settle(key: string): Pending | undefined {
    const p = this.pending.get(key);
    if (p === undefined) return undefined;
    this.pending.delete(key);
    clearTimeout(p.timer);
    return p;
  }

  private emit(e: SmpEvent): void {
    if (this.onEvent !== undefined) this.onEvent(e);
    else this.queue.push(e);
  }

  private async run(): Promise<void> {
    let failure: unknown;
    try {
      for await (const block of this.connection.receive()) {
        if (block.type === 'error') this.emit({ type: 'blockError', error: block.error });
        else for (const t of block.transmissions) this.dispatch(t);
      }
    } catch (e) {
      failure = e;
    }
    this.isClosed = true;
    this.connection.close();
    const error = new ConnectionClosedError(
      'connection closed',
      failure === undefined ? undefined : { cause: failure },
    );
    for (const key of [...this.pending.keys()]) this.settle(key)?.reject(error);
    this.queue.end();
  }

  private dispatch(t: ClientTransmission): void {
    if (t.corrId.length === 0) {
      if (t.result.ok) this.emit({ type: 'message', entityId: t.entityId, msg: t.result.msg });
      else
        this.emit({ type: 'unexpected', corrId: t.corrId, entityId: t.entityId, result: t.result });
      return;
    }
    const p = this.settle(corrKey(t.corrId));
    if (p === undefined) {
      this.emit({ type: 'unexpected', corrId: t.corrId, entityId: t.entityId, result: t.result });
      return;
    }
    if (!t.result.ok) {
      p.reject(new UnexpectedResponseError('response does not parse', p.tag, t.result.error));
      return;
    }
    const msg = t.result.msg;
    if (msg.tag === 'ERR') {
      // ERR BLOCK/SESSION echo the corrId with an empty entity (spec Corrections, §5.4): no entity check.
      p.reject(new SmpError(msg.error, p.tag));
      return;
    }
    if (!sameBytes(t.entityId, p.entityId)) {
      p.reject(new UnexpectedResponseError(`${msg.tag} for another entity`, p.tag));
      return;
    }
    p.resolve(msg);
  }
}

/** Narrows a response to the expected tags, or throws UnexpectedResponseError. */
export function expectResponse<T extends BrokerMsg['tag']>(
  msg: BrokerMsg,
  command: CommandTag,
  ...tags: T[]
): Extract<BrokerMsg, { tag: T }> {
  if ((tags as string[]).includes(msg.tag)) return msg as Extract<BrokerMsg, { tag: T }>;
  throw new UnexpectedResponseError(`unexpected response ${msg.tag}`, command);
}
