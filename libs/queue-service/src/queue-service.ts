// The store-side SMP engine: executes the ops that gateways route over the bus to the store owning
// the queue's vshard (spec smp.md §6.4, §7, §8; upstream `Server.hs: client, verifyTransmission,
// processCommand`).
//
// Ordering: ops on one queue run strictly in arrival order, across requests and gateways; ops on
// different queues run concurrently. An op naming a queue by another party's ID (sender, notifier,
// link) must first be resolved to the recipient ID, which is the lane key. Those lookups start at
// once and run concurrently, but ops enter their lanes in arrival order (an ordered pipeline), so a
// SEND by sender ID can never be overtaken by a later SUB by recipient ID. Inside its lane an op
// re-reads the queue by recipient ID (the resolved record may be stale) before verifying it.
import {
  COMMAND_PARTY,
  CommandError,
  authorizedBytes,
  bytesEqual,
  checkCredentials,
  decodeTAuth,
  encodeBrokerMsg,
  nobleProvider,
  parseCommand,
} from '@simplex-relay/protocol';
import type { CryptoProvider, TransmissionAuth } from '@simplex-relay/protocol';
import type {
  CommandOp,
  ConnRef,
  OpResult,
  ReleaseOp,
  ResubscribeOp,
  ShardRouter,
  StoreOp,
  StoreRequest,
} from '@simplex-relay/bus';
import type { BlockingInfo, QueueRec, QueueStore } from '@simplex-relay/queue-store';
import { Authorizer } from './auth.ts';
import { resolveOptions } from './config.ts';
import type { QueueServiceOptions } from './config.ts';
import {
  resubscribeNotifier,
  resubscribeQueue,
  releaseNotifier,
  releaseQueue,
} from './connection-ops.ts';
import { answer, fail, hex, result } from './context.ts';
import type { CommandCtx, ServiceDeps } from './context.ts';
import { createQueue } from './create-queue.ts';
import { ExpiryJobs, describe } from './expiry.ts';
import { KeyedLanes } from './lanes.ts';
import { QueueServiceCounter as C, noopQueueServiceMetrics } from './metrics.ts';
import type { QueueServiceMetrics } from './metrics.ts';
import { subscribeNotifier } from './notifier-commands.ts';
import { OperatorActions } from './operator.ts';
import type { OperatorResult, QueueRef } from './operator.ts';
import { consoleLogger, systemClock, systemTimers } from './ports.ts';
import type { Clock, EventSink, ServiceLogger, Timers } from './ports.ts';
import { recipientCommand } from './recipient-commands.ts';
import { SubscriptionRegistry, connKeyOf } from './registry.ts';
import { senderCommand } from './sender-commands.ts';
import { verifyQueueCommand } from './verify-command.ts';

/** What the service is built from. */
export interface QueueServiceDeps {
  readonly store: QueueStore;
  /** The cluster's shard router (same key on every gateway and store). */
  readonly router: ShardRouter;
  /** Receives server-initiated transmissions (the StoreNode). */
  readonly events: EventSink;
  /** Crypto primitives; default the pure `nobleProvider` (the app passes the native one). */
  readonly crypto?: CryptoProvider;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly metrics?: QueueServiceMetrics;
  readonly logger?: ServiceLogger;
  readonly options?: QueueServiceOptions;
}

/** How an op is executed once its turn comes: answered already, or run (in a lane if keyed). */
type Plan =
  { readonly result: OpResult } | { readonly key?: string; readonly run: () => Promise<OpResult> };

const EMPTY: OpResult = { type: 'transmissions', items: [] };
const AUTH = { type: 'AUTH' } as const;
/** Commands the gateway answers itself; a store never executes them. */
const GATEWAY_COMMANDS = new Set(['SUBS', 'NSUBS', 'PRXY', 'PFWD', 'RFWD']);

/** The queue service of one store instance. */
export class QueueService {
  readonly #d: ServiceDeps;
  readonly #jobs: ExpiryJobs;
  readonly #operator: OperatorActions;
  #order: Promise<void> = Promise.resolve();
  #started = false;

  constructor(deps: QueueServiceDeps) {
    const metrics = deps.metrics ?? noopQueueServiceMetrics;
    const crypto = deps.crypto ?? nobleProvider;
    this.#d = {
      store: deps.store,
      router: deps.router,
      crypto,
      opts: resolveOptions(deps.options),
      clock: deps.clock ?? systemClock,
      metrics,
      registry: new SubscriptionRegistry(),
      events: deps.events,
      auth: new Authorizer(crypto, () => metrics.inc(C.authDummyVerifications)),
      lanes: new KeyedLanes(),
      logger: deps.logger ?? consoleLogger(QueueService.name),
    };
    this.#jobs = new ExpiryJobs(this.#d, deps.timers ?? systemTimers);
    this.#operator = new OperatorActions(this.#d);
  }

  /** The vshards this instance serves (for the store heartbeat). */
  get vshards(): QueueStore['vshards'] {
    return this.#d.store.vshards;
  }

  /** Registry entry counts (gauges). */
  get registrySize(): SubscriptionRegistry['size'] {
    return this.#d.registry.size;
  }

  /** Claims the owned vshards exclusively (VShardClaimError if another instance holds one) and starts the expiry jobs. */
  async start(opts: { onClaimLost?: (err: Error) => void } = {}): Promise<void> {
    if (this.#started) return;
    await this.#d.store.claimVShards(opts.onClaimLost ? { onLost: opts.onClaimLost } : {});
    this.#jobs.start();
    this.#started = true;
  }

  /** Stops the jobs and waits for every accepted op to finish. Does not close the store. */
  async stop(): Promise<void> {
    this.#started = false;
    await this.#jobs.stop();
    await this.idle();
  }

  /** Resolves when every op submitted so far has finished. */
  async idle(): Promise<void> {
    await this.#order;
    await this.#d.lanes.idle();
  }

  /**
   * Executes the ops of one request; resolves with their results in op order once all finished.
   * Never rejects: an op that throws is answered `ERR INTERNAL`.
   */
  handleRequest(req: StoreRequest): Promise<OpResult[]> {
    return Promise.all(req.ops.map((op) => this.#op(req.gatewayId, op)));
  }

  /** Drops every registry entry of a gateway (it went silent or restarted); returns the connections affected. */
  dropGateway(gatewayId: string): number {
    return this.#d.registry.dropGateway(gatewayId);
  }

  /** Operator block (`ERR BLOCKED` to the subscriber; daily quota). */
  blockQueue(ref: QueueRef, info: BlockingInfo): Promise<OperatorResult> {
    return this.#operator.block(ref, info);
  }

  /** Operator unblock. */
  unblockQueue(ref: QueueRef): Promise<OperatorResult> {
    return this.#operator.unblock(ref);
  }

  /** Operator delete (DELD to the subscribers). */
  deleteQueueByOperator(ref: QueueRef): Promise<OperatorResult> {
    return this.#operator.delete(ref);
  }

  /** Operator status (control port `status`): the queue record, read outside the queue's lane. */
  findQueue(ref: QueueRef): Promise<QueueRec | undefined> {
    const s = this.#d.store;
    return 'senderId' in ref
      ? s.getQueueBySenderId(ref.senderId)
      : s.getQueueByRecipientId(ref.recipientId);
  }

  /** Runs the message expiry pass now (it also runs on its timer); resolves with the count. */
  expireMessages(): Promise<number> {
    return this.#jobs.expireMessages();
  }

  /** Runs the notification expiry pass now; resolves with the count. */
  expireNotifications(): Promise<number> {
    return this.#jobs.expireNotifications();
  }

  #op(gatewayId: string, op: StoreOp): Promise<OpResult> {
    switch (op.type) {
      case 'command':
        return this.#submit(this.#planCommand(gatewayId, op), () => this.#internal(op));
      case 'release':
        return this.#connectionOp(gatewayId, op);
      case 'resubscribe':
        return this.#connectionOp(gatewayId, op);
    }
  }

  /** Takes the op's place in the arrival order now; it enters its lane when its turn comes. */
  #submit(planned: Promise<Plan>, onError: () => OpResult): Promise<OpResult> {
    const guard = (p: Promise<OpResult>): Promise<OpResult> =>
      p.catch((err: unknown) => {
        this.#d.metrics.inc(C.internalErrors);
        this.#d.logger.error(`op failed: ${describe(err)}`);
        return onError();
      });
    return new Promise<OpResult>((resolve) => {
      this.#order = this.#order.then(async () => {
        let plan: Plan;
        try {
          plan = await planned;
        } catch (err) {
          resolve(guard(Promise.reject(err)));
          return;
        }
        if ('result' in plan) resolve(plan.result);
        else if (plan.key === undefined) resolve(guard(plan.run()));
        else resolve(guard(this.#d.lanes.run(plan.key, plan.run)));
      });
    });
  }

  #internal(op: CommandOp): OpResult {
    return result({
      useCorrId: true,
      entityId: op.entityId,
      msg: encodeBrokerMsg(op.smpVersion, { tag: 'ERR', error: { type: 'INTERNAL' } }),
    });
  }

  async #planCommand(gatewayId: string, op: CommandOp): Promise<Plan> {
    const d = this.#d;
    const conn: ConnRef = { gatewayId, connId: op.connId };
    const v = op.smpVersion;
    const early = (error: Parameters<typeof fail>[1], entityId = op.entityId): Plan => ({
      result: result({
        useCorrId: true,
        entityId,
        msg: encodeBrokerMsg(v, { tag: 'ERR', error }),
      }),
    });
    const parsed = parseCommand(v, op.command);
    if (!parsed.ok) return early({ type: 'CMD', cmd: parsed.error });
    let auth: TransmissionAuth | undefined;
    try {
      auth = decodeTAuth(op.auth);
    } catch {
      // A bad authorization length is a block error with an empty entity (Corrections §5.4).
      return early({ type: 'BLOCK' }, new Uint8Array(0));
    }
    const cmd = parsed.command;
    const credError = checkCredentials(cmd, auth !== undefined, op.entityId);
    if (credError !== undefined) return early(credError);
    const ctx: CommandCtx = {
      op,
      conn,
      connKey: connKeyOf(conn),
      v,
      cmd,
      authIn: {
        auth,
        authorized: authorizedBytes(op.sessionId, op.corrId, op.entityId, op.command),
        corrId: op.corrId,
        sessionKey:
          op.sessionKey?.length === 32 ? { alg: 'x25519', raw: op.sessionKey } : undefined,
      },
    };
    if (cmd.tag === 'NEW') return { run: () => createQueue(d, ctx, cmd.req) };
    if (cmd.tag === 'PING') return { result: answer(ctx, { tag: 'PONG' }) };
    if (GATEWAY_COMMANDS.has(cmd.tag)) return early({ type: 'CMD', cmd: CommandError.PROHIBITED });

    const id = op.entityId;
    const miss = (): Plan => {
      d.auth.dummy(ctx.authIn); // same cost as verifying against a real key (§6.4)
      return { result: fail(ctx, AUTH) };
    };
    const owned = (vshard: number): Plan | undefined =>
      d.store.vshards.has(vshard) ? undefined : { result: { type: 'redirect', vshard } };
    const party = COMMAND_PARTY[cmd.tag];
    if (party === 'Recipient') {
      return (
        owned(d.router.ofServerId(id)) ?? {
          key: hex(id),
          run: () => this.#inQueue(ctx, id, () => true),
        }
      );
    }
    let found: QueueRec | undefined;
    let matches: (qr: QueueRec) => boolean;
    if (party === 'Sender') {
      const redirect = owned(d.router.ofClientId(id));
      if (redirect) return redirect;
      found = await d.store.getQueueBySenderId(id);
      matches = (qr) => bytesEqual(qr.senderId, id);
    } else if (party === 'Notifier') {
      const redirect = owned(d.router.ofServerId(id));
      if (redirect) return redirect;
      found = await d.store.getQueueByNotifierId(id);
      matches = (qr) => qr.notifier !== undefined && bytesEqual(qr.notifier.notifierId, id);
    } else if (party === 'LinkClient') {
      // Client-chosen link IDs hash anywhere: the link index names the queue's vshard.
      const vshard = await d.store.getLinkShard(id);
      if (vshard === undefined) return miss();
      const redirect = owned(vshard);
      if (redirect) return redirect;
      found = await d.store.getQueueByLinkId(id);
      matches = (qr) => qr.link !== undefined && bytesEqual(qr.link.linkId, id);
    } else {
      return early({ type: 'CMD', cmd: CommandError.PROHIBITED });
    }
    if (found === undefined) return miss();
    const rId = found.recipientId;
    return { key: hex(rId), run: () => this.#inQueue(ctx, rId, matches) };
  }

  /** In the queue's lane: re-read, verify (§6.4), execute. */
  async #inQueue(
    ctx: CommandCtx,
    recipientId: Uint8Array,
    matches: (qr: QueueRec) => boolean,
  ): Promise<OpResult> {
    const d = this.#d;
    const qr = await d.store.getQueueByRecipientId(recipientId);
    if (qr === undefined || !matches(qr)) {
      d.auth.dummy(ctx.authIn);
      return fail(ctx, AUTH);
    }
    const error = verifyQueueCommand(d.auth, ctx.authIn, ctx.cmd, qr);
    if (error !== undefined) return fail(ctx, error);
    switch (COMMAND_PARTY[ctx.cmd.tag]) {
      case 'Recipient':
        return recipientCommand(d, ctx, qr);
      case 'Notifier':
        return subscribeNotifier(d, ctx, qr);
      default:
        return senderCommand(d, ctx, qr);
    }
  }

  /** release / resubscribe: one lane task per ID; the op's result is empty. */
  async #connectionOp(gatewayId: string, op: ReleaseOp | ResubscribeOp): Promise<OpResult> {
    const d = this.#d;
    const conn: ConnRef = { gatewayId, connId: op.connId };
    const tasks = op.ids.map(({ kind, id }) => {
      const planned = async (): Promise<Plan> => {
        if (op.type === 'release') {
          if (kind === 'rcv')
            return { key: hex(id), run: async () => (releaseQueue(d, conn, id), EMPTY) };
          const s = d.registry.ntfSubscriber(hex(id));
          if (s === undefined) return { result: EMPTY };
          return { key: s.queueKey, run: async () => (releaseNotifier(d, conn, id), EMPTY) };
        }
        // A store that does not own the ID's vshard has nothing to restore.
        if (!d.store.vshards.has(d.router.ofServerId(id))) return { result: EMPTY };
        const v = op.smpVersion;
        if (kind === 'rcv')
          return { key: hex(id), run: async () => (await resubscribeQueue(d, conn, v, id), EMPTY) };
        const qr = await d.store.getQueueByNotifierId(id);
        const rId = qr?.recipientId ?? new Uint8Array(0);
        return {
          key: hex(rId),
          run: async () => (await resubscribeNotifier(d, conn, v, id, rId), EMPTY),
        };
      };
      return this.#submit(planned(), () => EMPTY);
    });
    await Promise.all(tasks);
    return EMPTY;
  }
}
