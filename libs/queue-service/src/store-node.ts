// The bus side of a queue-store instance (libs/bus contract.ts): receives requests on its subject,
// has the QueueService execute them, publishes the answers (and the service's events) to each
// gateway's subject, announces its vshards, and drops the registry entries of gateways that went
// silent or restarted. Operator requests (block, unblock, delete, status) arrive on the store's
// operator subject and are answered on the requester's. Undecodable messages are dropped and
// counted, never fatal.
import { inSpan, tracerFor } from '@simplex-relay/observability';
import {
  decodeGatewayHeartbeat,
  decodeOperatorRequest,
  decodeStoreRequest,
  encodeAnswerParts,
  encodeEventParts,
  encodeOperatorAnswer,
  encodeStoreHeartbeat,
} from '@simplex-relay/bus';
import type {
  BusSubscription,
  BusTransport,
  ConnEvent,
  ConnRef,
  OperatorOutcome,
  OperatorRequest,
  StoreRequest,
  Subjects,
} from '@simplex-relay/bus';
import { describe } from './expiry.ts';
import { QueueServiceCounter as C, noopQueueServiceMetrics } from './metrics.ts';
import type { QueueServiceMetrics } from './metrics.ts';
import { consoleLogger, systemClock, systemTimers } from './ports.ts';
import type { Clock, EventSink, ServiceLogger, Timers } from './ports.ts';
import type { QueueService } from './queue-service.ts';

/**
 * Publishes server-initiated transmissions: buffered per gateway and sent once per tick (one bus
 * message for many events), and always before any later answer to the same gateway, so a gateway
 * sees everything in the order the store produced it.
 */
export class BusEventSink implements EventSink {
  readonly #pending = new Map<string, ConnEvent[]>();
  #scheduled = false;

  constructor(
    private readonly storeId: string,
    private readonly transport: BusTransport,
    private readonly subjects: Subjects,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  emit(conn: ConnRef, entityId: Uint8Array, msg: Uint8Array): void {
    let list = this.#pending.get(conn.gatewayId);
    if (list === undefined) this.#pending.set(conn.gatewayId, (list = []));
    list.push({ connId: conn.connId, entityId, msg });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.flushAll();
      });
    }
  }

  /** Publishes the buffered events of one gateway now. */
  flush(gatewayId: string): void {
    const events = this.#pending.get(gatewayId);
    if (events === undefined) return;
    this.#pending.delete(gatewayId);
    try {
      const subject = this.subjects.gateway(gatewayId);
      for (const part of encodeEventParts(this.storeId, events))
        this.transport.publish(subject, part);
    } catch (err) {
      this.onError(err);
    }
  }

  /** Publishes everything buffered. */
  flushAll(): void {
    for (const g of [...this.#pending.keys()]) this.flush(g);
  }
}

/** Options of `StoreNode`. */
export interface StoreNodeOptions {
  /** This instance's bus ID (a subject token). */
  readonly storeId: string;
  /** Changes on every start (gateways re-send their subscriptions when it changes). */
  readonly epoch: bigint;
  readonly transport: BusTransport;
  readonly subjects: Subjects;
  readonly service: QueueService;
  /** The sink the service was built with. */
  readonly events: BusEventSink;
  /** Store heartbeat interval. Default 1 s. */
  readonly heartbeatMs?: number;
  /** A gateway not heard from (heartbeat or request) for this long loses its registry entries. Default 10 s. */
  readonly gatewayTimeoutMs?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly metrics?: QueueServiceMetrics;
  readonly logger?: ServiceLogger;
}

interface GatewayState {
  epoch: bigint | undefined;
  lastSeen: number;
}

/** One queue-store instance on the bus. */
export class StoreNode {
  readonly #o: StoreNodeOptions;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #metrics: QueueServiceMetrics;
  readonly #logger: ServiceLogger;
  readonly #gateways = new Map<string, GatewayState>();
  readonly #inflight = new Set<Promise<void>>();
  #subs: BusSubscription[] = [];
  #timer: unknown;
  #running = false;

  constructor(o: StoreNodeOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#timers = o.timers ?? systemTimers;
    this.#metrics = o.metrics ?? noopQueueServiceMetrics;
    this.#logger = o.logger ?? consoleLogger(StoreNode.name);
  }

  /** Gateways currently considered alive. */
  get gateways(): number {
    return this.#gateways.size;
  }

  /** Subscribes, announces the vshards and starts the heartbeat / liveness timer. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const { transport, subjects, storeId } = this.#o;
    this.#subs = [
      transport.subscribe(subjects.store(storeId), (m) => this.#onRequest(m.data, m.headers)),
      transport.subscribe(subjects.gatewayHeartbeat, (m) => this.#onGatewayHeartbeat(m.data)),
      transport.subscribe(subjects.operator(storeId), (m) => this.#onOperatorRequest(m.data)),
    ];
    this.#heartbeat();
    this.#timer = this.#timers.setInterval(() => this.tick(), this.#o.heartbeatMs ?? 1000);
  }

  /** One heartbeat and liveness check (the timer calls it; tests may too). */
  tick(): void {
    this.#heartbeat();
    const timeout = this.#o.gatewayTimeoutMs ?? 10_000;
    const now = this.#clock.now();
    for (const [id, g] of this.#gateways) {
      if (now - g.lastSeen <= timeout) continue;
      this.#gateways.delete(id);
      this.#o.service.dropGateway(id);
      this.#metrics.inc(C.gatewaysExpired);
    }
  }

  /** Stops receiving, waits for requests in progress, publishes what is left. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const s of this.#subs.splice(0)) s.unsubscribe();
    this.#timers.clearInterval(this.#timer);
    while (this.#inflight.size > 0) await Promise.all(this.#inflight);
    this.#o.events.flushAll();
    await this.#o.transport.flush();
  }

  #heartbeat(): void {
    const { transport, subjects, storeId, epoch, service } = this.#o;
    try {
      const hb = encodeStoreHeartbeat({ storeId, epoch, vshards: service.vshards.ranges() });
      transport.publish(subjects.storeHeartbeat, hb);
    } catch (err) {
      this.#logger.warn(`store heartbeat failed: ${describe(err)}`);
    }
  }

  #seen(gatewayId: string, epoch?: bigint): void {
    const g = this.#gateways.get(gatewayId);
    const now = this.#clock.now();
    if (g === undefined) {
      this.#gateways.set(gatewayId, { epoch, lastSeen: now });
      return;
    }
    // A restarted gateway numbers its connections afresh: its old entries are meaningless now.
    if (epoch !== undefined && g.epoch !== undefined && g.epoch !== epoch) {
      this.#o.service.dropGateway(gatewayId);
      this.#metrics.inc(C.gatewaysExpired);
    }
    if (epoch !== undefined) g.epoch = epoch;
    g.lastSeen = now;
  }

  #onGatewayHeartbeat(data: Uint8Array): void {
    try {
      const hb = decodeGatewayHeartbeat(data);
      this.#seen(hb.gatewayId, hb.epoch);
    } catch {
      this.#metrics.inc(C.busBadMessages);
    }
  }

  #onOperatorRequest(data: Uint8Array): void {
    let req: OperatorRequest;
    let subject: string;
    try {
      req = decodeOperatorRequest(data);
      subject = this.#o.subjects.operatorAnswers(req.requesterId);
    } catch {
      this.#metrics.inc(C.busBadMessages);
      return;
    }
    const done = this.#operate(req)
      .catch((err: unknown): OperatorOutcome => {
        this.#metrics.inc(C.internalErrors);
        this.#logger.error(`operator ${req.action.type} failed: ${describe(err)}`);
        return { ok: false, error: 'INTERNAL' };
      })
      .then((outcome) => {
        // An ERR BLOCKED or DELD the action caused reaches its gateway now, not a tick later.
        this.#o.events.flushAll();
        const answer = { storeId: this.#o.storeId, requestId: req.requestId, outcome };
        this.#o.transport.publish(subject, encodeOperatorAnswer(answer));
      })
      .catch((err: unknown) => this.#logger.error(`operator answer failed: ${describe(err)}`))
      .finally(() => this.#inflight.delete(done));
    this.#inflight.add(done);
  }

  /** One operator action (upstream `Server.hs: CPBlock, CPUnblock, CPDelete, CPStatus`). */
  async #operate(req: OperatorRequest): Promise<OperatorOutcome> {
    const service = this.#o.service;
    // The requester routed by a shard map that may be stale: only the owner may answer NOT_FOUND.
    if (!service.vshards.has(req.vshard)) return { ok: false, error: 'NOT_OWNER' };
    const ref = req.queue;
    const a = req.action;
    if (a.type === 'status') {
      const qr = await service.findQueue(ref);
      if (qr === undefined) return { ok: false, error: 'NOT_FOUND' };
      return {
        ok: true,
        status: qr.status,
        queue: { mode: qr.queueMode, updatedAt: qr.updatedAt },
      };
    }
    const r =
      a.type === 'block'
        ? await service.blockQueue(ref, a.info)
        : a.type === 'unblock'
          ? await service.unblockQueue(ref)
          : await service.deleteQueueByOperator(ref);
    return r.ok ? { ok: true, status: r.previous } : r;
  }

  #onRequest(data: Uint8Array, headers?: Readonly<Record<string, string>>): void {
    let req: StoreRequest;
    let subject: string;
    try {
      req = decodeStoreRequest(data);
      subject = this.#o.subjects.gateway(req.gatewayId);
    } catch {
      this.#metrics.inc(C.busBadMessages);
      return;
    }
    this.#seen(req.gatewayId);
    // The gateway's span context arrives in the headers: this span continues its trace.
    const done = inSpan(
      tracerFor('queue-store'),
      'store.request',
      headers,
      { 'smp.ops': req.ops.length },
      () => this.#o.service.handleRequest(req),
    )
      .then((results) => {
        this.#o.events.flush(req.gatewayId);
        for (const part of encodeAnswerParts(this.#o.storeId, req.batchId, results))
          this.#o.transport.publish(subject, part);
      })
      .catch((err: unknown) => {
        this.#metrics.inc(C.internalErrors);
        this.#logger.error(`answer failed: ${describe(err)}`);
      })
      .finally(() => this.#inflight.delete(done));
    this.#inflight.add(done);
  }
}
