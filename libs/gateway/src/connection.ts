// One client connection on the gateway (spec smp.md §5, §8.9, §8.10, §11.1). Mirrors upstream
// `Server.hs: runClientTransport` with its `receive`/`send` threads: every received block becomes a
// BlockJob whose responses leave in command order once all are in; events queue behind any block
// still waiting on stores, so `SOK` always precedes its `MSG` and nothing overtakes a response.
import { Buffer } from 'node:buffer';
import type { CommandOp, OutTransmission, SubKind } from '@simplex-relay/bus';
import { encodeBrokerMsg, encodeResponseTransmission } from '@simplex-relay/protocol';
import type {
  BrokerMsg,
  CheckedTransmission,
  Command,
  CommandTag,
  CryptoProvider,
  EntityId,
} from '@simplex-relay/protocol';
import type { ServerTransmission, SmpServerConnection } from '@simplex-relay/smp-transport';
import type { ShardRouter } from '@simplex-relay/bus';
import { errCode, idsRecipientId, localAnswer, msgTag, routeCommand } from './commands.ts';
import { receiveForwarded } from './forwarded.ts';
import type { ForwardedCommand } from './forwarded.ts';
import type { GatewayLogger, GatewayMetrics } from './ports.ts';
import { ProxyLimiter } from './proxy/proxy-limiter.ts';
import type { ProxyService } from './proxy/proxy-service.ts';

const EMPTY = new Uint8Array(0);
const INTERNAL: BrokerMsg = { tag: 'ERR', error: { type: 'INTERNAL' } };

/** An ID this connection holds state for on a store. */
export interface HeldId {
  readonly kind: SubKind;
  readonly id: Uint8Array;
}

/** A command of a block on its way to a store. */
export interface StoreBoundCommand {
  /** Position in the block. */
  readonly index: number;
  readonly tag: CommandTag;
  /** NEW with subscription mode `'S'`: a successful IDS subscribes the new queue. */
  readonly subscribe: boolean;
  readonly op: CommandOp;
  /** The inner command of an `RFWD`: answered as `RRES`, never tracked as this connection's state. */
  readonly forwarded?: ForwardedCommand;
  /** Where it goes now (a redirect changes it). */
  vshard: number;
  redirects: number;
}

/** What a connection needs from its gateway. */
export interface ConnectionHost {
  readonly router: ShardRouter;
  readonly provider: CryptoProvider;
  readonly metrics: GatewayMetrics;
  readonly logger: GatewayLogger;
  readonly maxInFlightBlocks: number;
  /** The proxy role (`PRXY`/`PFWD`); without it commands.ts answers them as upstream with proxying off. */
  readonly proxy?: ProxyService | undefined;
  /** Sends a block's store-bound commands on their way. */
  dispatch(job: BlockJob, cmds: StoreBoundCommand[]): void;
  /** Tells the stores to forget these IDs for this connection. */
  release(connId: number, ids: readonly HeldId[]): void;
  /** The connection closed (called once). */
  closed(conn: GatewayConnection): void;
}

/** The responses of one received block (or one event), filled in as they arrive. */
export class BlockJob {
  readonly answers: (readonly Uint8Array[] | undefined)[];
  #missing: number;
  /** Counted against the connection's in-flight limit. */
  remote = false;

  constructor(
    readonly conn: GatewayConnection,
    size: number,
  ) {
    this.answers = new Array<readonly Uint8Array[] | undefined>(size).fill(undefined);
    this.#missing = size;
  }

  get complete(): boolean {
    return this.#missing === 0;
  }

  /** Sets the transmissions of command `index` (the first answer wins). */
  fill(index: number, transmissions: readonly Uint8Array[]): void {
    if (this.answers[index] !== undefined) return;
    this.answers[index] = transmissions;
    if (--this.#missing === 0) this.conn.jobComplete(this);
  }
}

const key = (id: Uint8Array): string =>
  Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');

/** One established SMP connection. */
export class GatewayConnection {
  /** Recipient IDs with state on a store: `true` = subscribed, `false` = used by GET only. */
  readonly #rcv = new Map<string, { id: Uint8Array; subscribed: boolean }>();
  /** Notifier IDs subscribed with NSUB. */
  readonly #ntf = new Map<string, Uint8Array>();
  readonly #out: BlockJob[] = [];
  #writes: Promise<void> = Promise.resolve();
  #wake: (() => void) | undefined;
  #closed = false;
  #inFlight = 0;
  /** Proxied commands of this connection in flight (at most `client_concurrency`). */
  readonly #proxied: ProxyLimiter | undefined;
  /** Last block received or written (ms epoch), for the idle check. */
  lastActive = Date.now();
  /** Serializes dispatches that wait for a vshard owner, so a connection's ops reach stores in order. */
  dispatchTail: Promise<void> | undefined;

  constructor(
    readonly connId: number,
    readonly smp: SmpServerConnection,
    private readonly host: ConnectionHost,
  ) {
    const proxy = host.proxy;
    this.#proxied = proxy && new ProxyLimiter(proxy.concurrency, () => this.#wakeReader());
  }

  /** Negotiated SMP version. */
  get version(): number {
    return this.smp.params.version;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Blocks sent to stores and not fully answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Blocks received by the socket layer and not yet read (non-zero while reading is paused). */
  get queuedBlocks(): number {
    return this.smp.blocks.queued;
  }

  /** SUB/NEW-subscribed recipient IDs or NSUB-subscribed notifier IDs exist (upstream `noSubscriptions`). */
  get hasSubscriptions(): boolean {
    if (this.#ntf.size > 0) return true;
    for (const r of this.#rcv.values()) if (r.subscribed) return true;
    return false;
  }

  /** Every ID with state on a store (for ReleaseOp). */
  heldIds(): HeldId[] {
    return [
      ...[...this.#rcv.values()].map((r) => ({ kind: 'rcv' as const, id: r.id })),
      ...[...this.#ntf.values()].map((id) => ({ kind: 'ntf' as const, id })),
    ];
  }

  /** Subscriptions only (for ResubscribeOp: GET-mode queues are not re-subscribed). */
  subscribedIds(): HeldId[] {
    return [
      ...[...this.#rcv.values()]
        .filter((r) => r.subscribed)
        .map((r) => ({ kind: 'rcv' as const, id: r.id })),
      ...[...this.#ntf.values()].map((id) => ({ kind: 'ntf' as const, id })),
    ];
  }

  /** Reads blocks until the connection ends; stops reading while the in-flight limit is reached. */
  async run(): Promise<void> {
    void this.smp.closed.then(() => this.#markClosed());
    try {
      for await (const b of this.smp.receive()) {
        this.lastActive = Date.now();
        this.host.metrics.blockIn();
        if (b.type === 'error') {
          // Spec Corrections §5.3/§5.4: one ERR BLOCK (empty corrId and entity), keep reading.
          this.#enqueue(
            this.#ready([this.encode(EMPTY, EMPTY, { tag: 'ERR', error: { type: 'BLOCK' } })]),
          );
          continue;
        }
        this.#handleBlock(b.transmissions);
        while (
          (this.#inFlight >= this.host.maxInFlightBlocks || this.#proxied?.saturated === true) &&
          !this.#closed
        )
          await new Promise<void>((r) => (this.#wake = r));
        if (this.#closed) break;
      }
    } catch (e) {
      this.host.logger.debug?.(`connection read ended: ${(e as Error).name}`);
    } finally {
      this.smp.close();
      this.#markClosed();
    }
  }

  /** Graceful close (idle expiry, gateway shutdown): releases at once, then ends the socket. */
  close(): void {
    this.#markClosed();
    this.smp.close();
  }

  /** A server event for this connection (MSG, END, DELD, NMSG, ERR BLOCKED). */
  pushEvent(entityId: EntityId, msg: Uint8Array): void {
    if (this.#closed) return;
    const tag = msgTag(msg);
    if (tag === 'END' || tag === 'DELD') {
      const k = key(entityId);
      this.#rcv.delete(k);
      this.#ntf.delete(k);
    }
    this.#enqueue(this.#ready([this.#encodeRaw(EMPTY, entityId, msg)]));
  }

  /** Encodes a response or event at this connection's version. */
  encode(corrId: Uint8Array, entityId: EntityId, msg: BrokerMsg): Uint8Array {
    return this.#encodeRaw(corrId, entityId, encodeBrokerMsg(this.version, msg));
  }

  /** `ERR INTERNAL` for a store-bound command (timeout, no owner, bad store answer). */
  internalError(cmd: StoreBoundCommand): Uint8Array {
    const f = cmd.forwarded;
    if (f !== undefined) return this.encode(f.proxyCorrId, EMPTY, f.error({ type: 'INTERNAL' }));
    return this.encode(cmd.op.corrId, cmd.op.entityId, INTERNAL);
  }

  /** Encodes a store's transmissions for a command and tracks the IDs its response gives state to. */
  applyResult(cmd: StoreBoundCommand, items: readonly OutTransmission[]): Uint8Array[] {
    const f = cmd.forwarded;
    if (f !== undefined) return [this.encode(f.proxyCorrId, EMPTY, f.answer(items))];
    const out: Uint8Array[] = [];
    const response = items.find((t) => t.useCorrId);
    if (response === undefined) {
      // Every command gets exactly one response (§8.10); a store that sent none is a bug there.
      this.host.logger.warn('a store answered a command without a response transmission');
      out.push(this.internalError(cmd));
    } else this.#track(cmd, response.msg);
    for (const t of items)
      out.push(this.#encodeRaw(t.useCorrId ? cmd.op.corrId : EMPTY, t.entityId, t.msg));
    return out;
  }

  /** Called by BlockJob when its last answer is in. */
  jobComplete(job: BlockJob): void {
    if (job.remote) {
      job.remote = false;
      this.#inFlight--;
      const w = this.#wake;
      this.#wake = undefined;
      w?.();
    }
    this.#flush();
  }

  #handleBlock(ts: readonly ServerTransmission[]): void {
    const job = new BlockJob(this, ts.length);
    const remote: StoreBoundCommand[] = [];
    ts.forEach((t, i) => {
      if (!t.ok)
        return job.fill(i, [this.encode(t.corrId, t.entityId, { tag: 'ERR', error: t.error })]);
      const cmd = t.command;
      this.host.metrics.command(cmd.tag);
      if (cmd.tag === 'RFWD') {
        const { provider, metrics } = this.host;
        const r = receiveForwarded(t.corrId, cmd.encFwdTransmission, this.smp, provider, () =>
          metrics.forwardReceived(),
        );
        if (r.type === 'answer') return job.fill(i, [this.encode(t.corrId, EMPTY, r.msg)]);
        remote.push(this.#storeBound(i, r.t, r.fwd));
        return;
      }
      if ((cmd.tag === 'PRXY' || cmd.tag === 'PFWD') && this.#proxied !== undefined)
        return job.fill(i, this.#proxy(t.corrId, t.entityId, cmd));
      const local = localAnswer(t);
      if (local !== undefined)
        return job.fill(i, [this.encode(t.corrId, local.entityId, local.msg)]);
      remote.push(this.#storeBound(i, t));
    });
    if (remote.length > 0) {
      job.remote = true;
      this.#inFlight++;
    }
    this.#enqueue(job);
    if (remote.length > 0) this.host.dispatch(job, remote);
  }

  /** The op for a store; a forwarded command runs at its fwdVersion in this connection's session. */
  #storeBound(
    index: number,
    t: CheckedTransmission<Command>,
    forwarded?: ForwardedCommand,
  ): StoreBoundCommand {
    const cmd = t.command;
    const route = routeCommand(this.host.router, cmd, t.entityId);
    const op: CommandOp = {
      type: 'command',
      connId: this.connId,
      smpVersion: forwarded?.version ?? this.version,
      sessionId: this.smp.params.sessionId,
      corrId: t.corrId,
      entityId: t.entityId,
      auth: t.auth?.bytes ?? EMPTY,
      // The store verifies authenticators with the connection's key (§6.4); signatures need none.
      ...(t.auth?.type === 'authenticator' && { sessionKey: this.smp.sessionKeyPair.priv.raw }),
      command: t.commandBytes,
      ...(route.newSenderId !== undefined && { newSenderId: route.newSenderId }),
    };
    return {
      index,
      tag: cmd.tag,
      subscribe: cmd.tag === 'NEW' && cmd.req.subMode === 'subscribe',
      op,
      vshard: route.vshard,
      redirects: 0,
      ...(forwarded !== undefined && { forwarded }),
    };
  }

  #track(cmd: StoreBoundCommand, msg: Uint8Array): void {
    const tag = msgTag(msg);
    if (tag === 'ERR' || tag === '') return;
    let added: HeldId | undefined;
    const id = cmd.op.entityId;
    switch (cmd.tag) {
      case 'SUB':
        this.#rcv.set(key(id), { id, subscribed: true });
        added = { kind: 'rcv', id };
        break;
      case 'GET': {
        const k = key(id);
        if (!this.#rcv.has(k)) this.#rcv.set(k, { id, subscribed: false });
        added = { kind: 'rcv', id };
        break;
      }
      case 'NEW': {
        const rcvId = cmd.subscribe ? idsRecipientId(msg) : undefined;
        if (rcvId !== undefined) {
          this.#rcv.set(key(rcvId), { id: rcvId, subscribed: true });
          added = { kind: 'rcv', id: rcvId };
        }
        break;
      }
      case 'NSUB':
        this.#ntf.set(key(id), id);
        added = { kind: 'ntf', id };
        break;
      case 'DEL':
        // NDEL is not here: its entity is the recipient ID, whose subscription stays.
        this.#rcv.delete(key(id));
        break;
    }
    // The answer came after the close (and after its ReleaseOp): release what it created.
    if (added !== undefined && this.#closed) this.host.release(this.connId, [added]);
  }

  #encodeRaw(corrId: Uint8Array, entityId: EntityId, msg: Uint8Array): Uint8Array {
    if (msgTag(msg) === 'ERR') this.host.metrics.error(errCode(msg));
    return encodeResponseTransmission(this.smp.params, corrId, entityId, msg);
  }

  #ready(ts: readonly Uint8Array[]): BlockJob {
    const job = new BlockJob(this, 1);
    job.fill(0, ts);
    return job;
  }

  #enqueue(job: BlockJob): void {
    this.#out.push(job);
    this.#flush();
  }

  #flush(): void {
    const ts: Uint8Array[] = [];
    while (this.#out.length > 0 && (this.#out[0] as BlockJob).complete) {
      for (const a of (this.#out.shift() as BlockJob).answers) if (a !== undefined) ts.push(...a);
    }
    if (ts.length === 0 || this.#closed) return;
    // One writer at a time: separate sendTransmissions calls would interleave their blocks.
    this.#writes = this.#writes.then(() => this.#write(ts));
  }

  async #write(ts: readonly Uint8Array[]): Promise<void> {
    if (this.#closed) return;
    try {
      const r = await this.smp.sendTransmissions(ts);
      this.lastActive = Date.now();
      this.host.metrics.blockOut(r.blocks);
      if (r.oversized.length > 0) {
        this.host.metrics.error('LARGE_MSG');
        this.host.logger.warn(
          `${r.oversized.length} transmission(s) too large for a block were not sent`,
        );
      }
    } catch (e) {
      this.host.logger.debug?.(`write failed: ${(e as Error).name}`);
    }
  }

  /**
   * `PRXY`/`PFWD` (§7.11.4): an answer known now fills the command's place in its block; one that
   * needs a relay leaves the place empty and is sent on its own when ready, as upstream's
   * `forkProxiedCmd` does (clients match responses by corrId), so a slow relay delays nothing else.
   */
  #proxy(
    corrId: Uint8Array,
    entityId: EntityId,
    cmd: Extract<Command, { tag: 'PRXY' | 'PFWD' }>,
  ): Uint8Array[] {
    const proxy = this.host.proxy as ProxyService;
    const a = cmd.tag === 'PRXY' ? proxy.prxy(cmd) : proxy.pfwd(corrId, entityId, cmd);
    if ('now' in a) return [this.encode(corrId, entityId, a.now)];
    (this.#proxied as ProxyLimiter).run(async () => {
      let t: Uint8Array;
      try {
        t = this.encode(corrId, entityId, await a.later());
      } catch (e) {
        // Every command gets a response (§8.10), even when answering it failed here.
        this.host.logger.error(`proxied ${cmd.tag} failed: ${(e as Error).name}`);
        t = this.encode(corrId, entityId, INTERNAL);
      }
      if (!this.#closed) this.#enqueue(this.#ready([t]));
    });
    return [];
  }

  #wakeReader(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#proxied?.clear();
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
    this.host.closed(this);
  }
}
