// The SMP gateway engine (docs/architecture.md "Gateways"): a TLS listener whose connections speak
// SMP, with every queue operation routed over the bus to the store owning the queue's vshard.
// Mirrors upstream `Server.hs: runServer` (accept), `runClientTransport` (per-connection threads,
// `disconnectThread_` for idle clients) and `clientDisconnected` (subscriptions released on close).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { decodeGatewayInbound, encodeGatewayHeartbeat } from '@simplex-relay/bus';
import type { BusSubscription, GatewayInbound, ShardRouter } from '@simplex-relay/bus';
import { ParseError, nobleProvider } from '@simplex-relay/protocol';
import type { CryptoProvider } from '@simplex-relay/protocol';
import { BlockSocket, serverHandshake } from '@simplex-relay/smp-transport';
import { GatewayConnection } from './connection.ts';
import type { BlockJob, ConnectionHost, HeldId, StoreBoundCommand } from './connection.ts';
import { StoreDispatcher } from './dispatcher.ts';
import { ControlServer } from './control/control-server.ts';
import { DEFAULT_LIMITS } from './options.ts';
import type { GatewayLimits, GatewayOptions } from './options.ts';
import { noopMetrics, silentLogger } from './ports.ts';
import { noopProxyMetrics, proxyOptions } from './proxy/proxy-options.ts';
import { ProxyService } from './proxy/proxy-service.ts';
import type { GatewayLogger, GatewayMetrics } from './ports.ts';
import { ShardMap } from './shard-map.ts';
import type { ShardChange } from './shard-map.ts';

/** How long `close()` lets connections end gracefully before destroying them. */
const CLOSE_GRACE_MS = 2000;

/** One gateway process: a TLS listener plus its bus endpoints. */
export class Gateway implements ConnectionHost {
  readonly gatewayId: string;
  /** Started at construction; stores see a new epoch when the gateway restarts. */
  readonly epoch: bigint = BigInt(Date.now());
  readonly shardMap: ShardMap;
  readonly router: ShardRouter;
  readonly provider: CryptoProvider;
  readonly metrics: GatewayMetrics;
  readonly logger: GatewayLogger;
  readonly limits: GatewayLimits;
  /** The proxy role of private message routing (§7.11.4) and its shared relay connections. */
  readonly proxy: ProxyService;
  readonly #o: GatewayOptions;
  readonly #dispatcher: StoreDispatcher;
  readonly #conns = new Map<number, GatewayConnection>();
  readonly #handshaking = new Set<TLSSocket>();
  readonly #sockets = new Set<TLSSocket>();
  #server: tls.Server | undefined;
  #control: ControlServer | undefined;
  #controlAddress: AddressInfo | undefined;
  #inbound: BusSubscription | undefined;
  #timers: NodeJS.Timeout[] = [];
  #offChange: (() => void) | undefined;
  #nextConnId = 1;
  #started = false;
  #closing = false;

  constructor(o: GatewayOptions) {
    this.#o = o;
    this.gatewayId = o.gatewayId ?? `gw-${randomBytes(6).toString('hex')}`;
    this.router = o.router;
    this.provider = o.provider ?? nobleProvider;
    this.metrics = o.metrics ?? noopMetrics;
    this.logger = o.logger ?? silentLogger;
    this.limits = { ...DEFAULT_LIMITS, ...o.limits };
    if (!Number.isInteger(this.limits.maxInFlightBlocks) || this.limits.maxInFlightBlocks < 1)
      throw new RangeError('maxInFlightBlocks must be a positive integer');
    // Throws RangeError for an ID that is not a subject token.
    o.subjects.gateway(this.gatewayId);
    this.shardMap = new ShardMap({
      vshardCount: o.router.count,
      storeTimeoutMs: this.limits.storeSilenceMs,
      logger: this.logger,
    });
    this.proxy = new ProxyService({
      options: proxyOptions(o.proxy),
      serverPassword: o.serverPassword,
      provider: this.provider,
      logger: this.logger,
      metrics: o.proxyMetrics ?? noopProxyMetrics,
    });
    this.#dispatcher = new StoreDispatcher({
      gatewayId: this.gatewayId,
      transport: o.transport,
      subjects: o.subjects,
      router: o.router,
      shardMap: this.shardMap,
      answerTimeoutMs: this.limits.answerTimeoutMs,
      metrics: this.metrics,
      logger: this.logger,
    });
  }

  get maxInFlightBlocks(): number {
    return this.limits.maxInFlightBlocks;
  }

  /** Open connections (after the SMP handshake). */
  get connectionCount(): number {
    return this.#conns.size;
  }

  /** The open connections (diagnostics and tests). */
  connections(): IterableIterator<GatewayConnection> {
    return this.#conns.values();
  }

  /** Store requests waiting for answers (diagnostics). */
  get pendingRequests(): number {
    return this.#dispatcher.pendingRequests;
  }

  /** Joins the bus: answers/events subject, store heartbeats, own heartbeats, idle checks. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const { transport, subjects } = this.#o;
    this.#inbound = transport.subscribe(subjects.gateway(this.gatewayId), (m) =>
      this.#onInbound(m.data),
    );
    this.shardMap.start(transport, subjects);
    this.#offChange = this.shardMap.onChange((c) => this.#onShardChange(c));
    this.#heartbeat();
    this.#every(this.limits.heartbeatMs, () => this.#heartbeat());
    if (this.limits.inactiveTtlMs > 0)
      this.#every(this.limits.inactiveCheckMs, () => this.#closeIdle());
  }

  /** Starts the TLS listener (and `start()` if needed); resolves with the bound address. */
  async listen(port: number, host?: string): Promise<AddressInfo> {
    if (this.#server) throw new TypeError('already listening');
    if (this.#closing) throw new TypeError('gateway is closed');
    this.start();
    const server = tls.createServer(this.#o.tls);
    if (this.limits.maxConnections > 0) server.maxConnections = this.limits.maxConnections;
    server.on('secureConnection', (s: TLSSocket) => this.#accept(s));
    server.on('tlsClientError', () => this.logger.debug?.('TLS handshake failed'));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.logger.error(`listener error: ${e.message}`));
    if (this.#o.controlPort !== undefined) {
      try {
        await this.#listenControl(this.#o.controlPort);
      } catch (e) {
        // A control port that cannot bind fails the start; nothing is left listening.
        await this.close();
        throw e;
      }
    }
    return server.address() as AddressInfo;
  }

  /** The control port's bound address, once listening (`controlPort` option). */
  get controlAddress(): AddressInfo | undefined {
    return this.#controlAddress;
  }

  async #listenControl(options: NonNullable<GatewayOptions['controlPort']>): Promise<void> {
    const control = new ControlServer({
      options,
      requesterId: this.gatewayId,
      transport: this.#o.transport,
      subjects: this.#o.subjects,
      router: this.router,
      shardMap: this.shardMap,
      timeoutMs: this.limits.answerTimeoutMs,
      logger: this.logger,
    });
    this.#control = control;
    this.#controlAddress = await control.listen();
  }

  /** Stops accepting, releases every connection's IDs, closes connections and leaves the bus. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const server = this.#server;
    const serverClosed = server
      ? new Promise<void>((r) => server.close(() => r()))
      : Promise.resolve();
    await this.#control?.close();
    for (const s of this.#handshaking) s.destroy();
    for (const c of [...this.#conns.values()]) c.close();
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#offChange?.();
    this.shardMap.stop();
    this.#dispatcher.stop();
    this.#inbound?.unsubscribe();
    await this.proxy.close();
    await this.#o.transport.flush().catch(() => undefined);
    const grace = setTimeout(() => {
      for (const s of this.#sockets) s.destroy();
    }, CLOSE_GRACE_MS);
    await serverClosed;
    clearTimeout(grace);
  }

  /** ConnectionHost: routes a block's store-bound commands. */
  dispatch(job: BlockJob, cmds: StoreBoundCommand[]): void {
    this.#dispatcher.dispatch(job, cmds);
  }

  /** ConnectionHost: releases IDs on their stores. */
  release(connId: number, ids: readonly HeldId[]): void {
    if (ids.length > 0) this.#dispatcher.release(connId, ids);
  }

  /** ConnectionHost: a connection closed. */
  closed(conn: GatewayConnection): void {
    if (this.#conns.get(conn.connId) !== conn) return;
    this.#conns.delete(conn.connId);
    this.release(conn.connId, conn.heldIds());
    this.metrics.socketClosed();
    this.metrics.socketsActive(this.#conns.size);
  }

  #accept(socket: TLSSocket): void {
    this.metrics.socketAccepted();
    if (this.#closing) {
      socket.destroy();
      this.metrics.socketClosed();
      return;
    }
    socket.on('error', () => undefined); // reported through BlockSocket reads
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    this.#handshaking.add(socket);
    const blocks = new BlockSocket(socket, {
      maxQueuedBlocks: Math.max(2, this.limits.maxInFlightBlocks),
    });
    const { keyHash, certChain, signKey } = this.#o.identity;
    serverHandshake(blocks, {
      provider: this.provider,
      keyHash,
      certChain,
      signKey,
      timeoutMs: this.limits.handshakeTimeoutMs,
      ...(this.#o.offered !== undefined && { offered: this.#o.offered }),
    }).then(
      (smp) => {
        this.#handshaking.delete(socket);
        if (this.#closing) {
          smp.close();
          this.metrics.socketClosed();
          return;
        }
        const conn = new GatewayConnection(this.#newConnId(), smp, this);
        this.#conns.set(conn.connId, conn);
        this.metrics.socketsActive(this.#conns.size);
        void conn.run();
      },
      (e: unknown) => {
        this.#handshaking.delete(socket);
        this.metrics.socketClosed();
        this.logger.debug?.(`SMP handshake failed: ${(e as Error).name}`);
      },
    );
  }

  #onInbound(data: Uint8Array): void {
    let m: GatewayInbound;
    try {
      m = decodeGatewayInbound(data);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.logger.warn('dropped an undecodable bus message');
      return this.metrics.busDropped('undecodable');
    }
    if (m.type === 'answer') return this.#dispatcher.onAnswer(m);
    for (const e of m.events) {
      const c = this.#conns.get(e.connId);
      if (c === undefined) this.metrics.busDropped('unknown-connection');
      else c.pushEvent(e.entityId, e.msg);
    }
  }

  /** A store restarted or vshards moved: restore the affected subscriptions on the new owners. */
  #onShardChange(c: ShardChange): void {
    const changed = new Set(c.vshards);
    const items: { connId: number; smpVersion: number; ids: HeldId[] }[] = [];
    for (const conn of this.#conns.values()) {
      if (conn.isClosed) continue;
      const ids = conn.subscribedIds().filter((x) => changed.has(this.router.ofServerId(x.id)));
      if (ids.length > 0) items.push({ connId: conn.connId, smpVersion: conn.version, ids });
    }
    if (items.length > 0) this.#dispatcher.resubscribe(items);
  }

  #closeIdle(): void {
    const limit = Date.now() - this.limits.inactiveTtlMs;
    for (const c of [...this.#conns.values()]) {
      if (!c.hasSubscriptions && c.inFlight === 0 && c.lastActive <= limit) c.close();
    }
  }

  #heartbeat(): void {
    try {
      const hb = encodeGatewayHeartbeat({ gatewayId: this.gatewayId, epoch: this.epoch });
      this.#o.transport.publish(this.#o.subjects.gatewayHeartbeat, hb);
    } catch (e) {
      this.logger.warn(`gateway heartbeat not published: ${(e as Error).message}`);
    }
  }

  #every(ms: number, f: () => void): void {
    const t = setInterval(f, ms);
    t.unref();
    this.#timers.push(t);
  }

  #newConnId(): number {
    for (;;) {
      const id = this.#nextConnId;
      this.#nextConnId = id >= 0xffffffff ? 1 : id + 1;
      if (!this.#conns.has(id)) return id;
    }
  }
}
