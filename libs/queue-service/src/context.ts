// What every command handler shares: the injected ports (`ServiceDeps`), the command being
// executed (`CommandCtx`) and small helpers for answers, events, time and the queue-level checks
// upstream does in `withQueue_` (blocked status, `updatedAt` refresh).
import { Buffer } from 'node:buffer';
import { encodeBrokerMsg } from '@simplex-relay/protocol';
import type { BrokerMsg, Command, CryptoProvider, ErrorType } from '@simplex-relay/protocol';
import type {
  CommandOp,
  ConnRef,
  OpResult,
  OutTransmission,
  ShardRouter,
} from '@simplex-relay/bus';
import type { QueueRec, QueueStore } from '@simplex-relay/queue-store';
import type { Authorizer, AuthInput } from './auth.ts';
import type { ResolvedQueueServiceOptions } from './config.ts';
import type { KeyedLanes } from './lanes.ts';
import type { QueueServiceMetrics } from './metrics.ts';
import type { Clock, EventSink, ServiceLogger } from './ports.ts';
import type { SubscriptionRegistry } from './registry.ts';

/** The ports and shared state of one service instance. */
export interface ServiceDeps {
  readonly store: QueueStore;
  readonly router: ShardRouter;
  readonly crypto: CryptoProvider;
  readonly opts: ResolvedQueueServiceOptions;
  readonly clock: Clock;
  readonly metrics: QueueServiceMetrics;
  readonly registry: SubscriptionRegistry;
  readonly events: EventSink;
  readonly auth: Authorizer;
  readonly lanes: KeyedLanes;
  readonly logger: ServiceLogger;
}

/** One command being executed. */
export interface CommandCtx {
  readonly op: CommandOp;
  readonly conn: ConnRef;
  readonly connKey: string;
  /** The connection's SMP version (answers are encoded for it). */
  readonly v: number;
  readonly cmd: Command;
  readonly authIn: AuthInput;
}

/** Lowercase hex of an ID: the key of registry entries and lanes. */
export const hex = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** The answer to the command (its corrId and entity). */
export const reply = (ctx: CommandCtx, msg: BrokerMsg): OutTransmission => ({
  useCorrId: true,
  entityId: ctx.op.entityId,
  msg: encodeBrokerMsg(ctx.v, msg),
});

/** An event item of the command's result (empty corrId), e.g. MSG after SOK. */
export const eventItem = (v: number, entityId: Uint8Array, msg: BrokerMsg): OutTransmission => ({
  useCorrId: false,
  entityId,
  msg: encodeBrokerMsg(v, msg),
});

/** A result of transmissions. */
export const result = (...items: OutTransmission[]): OpResult => ({ type: 'transmissions', items });

/** The single answer `msg`. */
export const answer = (ctx: CommandCtx, msg: BrokerMsg): OpResult => result(reply(ctx, msg));

/** The single answer `ERR e`. */
export const fail = (ctx: CommandCtx, error: ErrorType): OpResult =>
  answer(ctx, { tag: 'ERR', error });

/** `OK`. */
export const ok = (ctx: CommandCtx): OpResult => answer(ctx, { tag: 'OK' });

/** Sends a server-initiated transmission to a connection. */
export function emit(
  deps: ServiceDeps,
  conn: ConnRef,
  v: number,
  entityId: Uint8Array,
  msg: BrokerMsg,
): void {
  deps.events.emit(conn, entityId, encodeBrokerMsg(v, msg));
}

/** Current time in whole seconds. */
export const nowSec = (deps: ServiceDeps): number => Math.floor(deps.clock.now() / 1000);

/** Start of the current UTC day in epoch seconds (upstream `getSystemDate`). */
export const today = (deps: ServiceDeps): number => {
  const s = nowSec(deps);
  return s - (s % 86_400);
};

/** `ERR BLOCKED` of a blocked queue. */
export function blockedError(qr: QueueRec): ErrorType | undefined {
  const s = qr.status;
  if (s.kind !== 'blocked') return undefined;
  return {
    type: 'BLOCKED',
    info: { reason: s.reason, ...(s.notice !== undefined && { notice: s.notice }) },
  };
}

/**
 * Upstream `withQueue_`: refuse a blocked queue (when `checkBlocked`), refresh `updatedAt` when the
 * UTC day changed, then run the action.
 */
export async function withQueue(
  deps: ServiceDeps,
  ctx: CommandCtx,
  qr: QueueRec,
  checkBlocked: boolean,
  action: () => Promise<OpResult>,
): Promise<OpResult> {
  const blocked = checkBlocked ? blockedError(qr) : undefined;
  if (blocked) return fail(ctx, blocked);
  const day = today(deps);
  if (qr.updatedAt !== day) {
    const r = await deps.store.touchQueue(qr.recipientId, day);
    if (!r.ok) return fail(ctx, { type: 'AUTH' });
  }
  return action();
}

/** Is the queue a contact queue (upstream `isContactQueue`, incl. legacy pre-SKEY queues)? */
export const isContactQueue = (qr: QueueRec): boolean =>
  qr.queueMode === 'C' || (qr.queueMode === null && qr.senderKey === undefined);

/** Is the queue a secured messaging queue (upstream `isSecuredMsgQueue`)? */
export const isSecuredMsgQueue = (qr: QueueRec): boolean =>
  qr.queueMode !== 'C' && qr.senderKey !== undefined;
