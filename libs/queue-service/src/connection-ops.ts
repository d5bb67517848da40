// The bus ops that are not commands (libs/bus contract.ts): `release` (a connection closed) and
// `resubscribe` (a gateway restores subscriptions this store lost when it restarted or took over a
// vshard). Each runs per ID in that queue's lane, like the command it stands for.
import type { ConnRef } from '@simplex-relay/bus';
import type { QueueRec } from '@simplex-relay/queue-store';
import { QueueServiceCounter as C } from './metrics.ts';
import { blockedError, emit, hex } from './context.ts';
import type { ServiceDeps } from './context.ts';
import { deliveredMark, encryptMsg } from './delivery.ts';
import { connKeyOf } from './registry.ts';
import { flushPending, takeNotifier } from './notifier-commands.ts';

/** Drops the connection's subscription and GET state on one queue. */
export function releaseQueue(deps: ServiceDeps, conn: ConnRef, recipientId: Uint8Array): void {
  const key = hex(recipientId);
  const connKey = connKeyOf(conn);
  deps.registry.unsubscribe(key, connKey);
  deps.registry.dropGetMode(key, connKey);
}

/** Drops the connection's subscription of one notifier. */
export function releaseNotifier(deps: ServiceDeps, conn: ConnRef, notifierId: Uint8Array): void {
  deps.registry.unsubscribeNtf(hex(notifierId), connKeyOf(conn));
}

/**
 * Restores a queue subscription without an answer: the head message is sent again as an event
 * (clients de-duplicate by ID). If the queue was deleted meanwhile the connection gets DELD; if it
 * was blocked, ERR BLOCKED; if another connection subscribed meanwhile, END (the subscription
 * really moved). A connection in GET mode on the queue has nothing to restore.
 */
export async function resubscribeQueue(
  deps: ServiceDeps,
  conn: ConnRef,
  v: number,
  recipientId: Uint8Array,
): Promise<void> {
  const qr = await deps.store.getQueueByRecipientId(recipientId);
  if (qr === undefined) return emit(deps, conn, v, recipientId, { tag: 'DELD' });
  const blocked = blockedError(qr);
  if (blocked) return emit(deps, conn, v, recipientId, { tag: 'ERR', error: blocked });
  const key = hex(recipientId);
  const connKey = connKeyOf(conn);
  if (deps.registry.getState(key, connKey) !== undefined) return;
  const holder = deps.registry.subscriber(key);
  if (holder !== undefined && holder.connKey !== connKey)
    return emit(deps, conn, v, recipientId, { tag: 'END' });
  const { sub } = deps.registry.subscribe(key, conn, v);
  deps.metrics.inc(C.subscriptionSuccesses);
  const head = await deps.store.peekMsg(recipientId);
  if (head === undefined || deps.registry.subscriber(key) !== sub) return;
  emit(deps, conn, v, recipientId, encryptMsg(deps, qr, head));
  sub.delivered = deliveredMark(deps, head);
}

/** Restores a notifier subscription without an answer, then sends the pending notifications. */
export async function resubscribeNotifier(
  deps: ServiceDeps,
  conn: ConnRef,
  v: number,
  notifierId: Uint8Array,
  recipientId: Uint8Array,
): Promise<void> {
  const qr: QueueRec | undefined = await deps.store.getQueueByRecipientId(recipientId);
  const current = qr?.notifier?.notifierId;
  if (qr === undefined || current === undefined || hex(current) !== hex(notifierId))
    return emit(deps, conn, v, notifierId, { tag: 'DELD' });
  const holder = deps.registry.ntfSubscriber(hex(notifierId));
  if (holder !== undefined && holder.connKey !== connKeyOf(conn))
    return emit(deps, conn, v, notifierId, { tag: 'END' });
  takeNotifier(deps, qr, notifierId, conn, v);
  await flushPending(deps, notifierId);
}
