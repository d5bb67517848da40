// Notifications (spec smp.md §7.8): NKEY/NID and NDEL (recipient), NSUB (notifier), NMSG on SEND.
// Upstream `Server.hs: addQueueNotifier_, deleteQueueNotifier_, subscribeNotifications,
// enqueueNotification`. Upstream stores every notification and flushes every 1.5 s; here a
// notification goes straight to a live notifier subscriber and is persisted only when there is
// none, so NSUB then delivers the backlog.
import { dhSecret, encodePubKeyDer, generateKeyPair } from '@simplex-relay/protocol';
import type { CommandOf, KeyPair } from '@simplex-relay/protocol';
import type { ConnRef, OpResult, OutTransmission } from '@simplex-relay/bus';
import type { QueueRec } from '@simplex-relay/queue-store';
import { QueueServiceCounter as C } from './metrics.ts';
import { answer, emit, eventItem, fail, hex, ok, reply, result } from './context.ts';
import type { CommandCtx, ServiceDeps } from './context.ts';
import { makeNotification, nmsg } from './delivery.ts';

/** Upstream `addNotifierRetry 3`. */
const NOTIFIER_ATTEMPTS = 3;
/** Pending notifications put into the NSUB result (an answer holds ≤ 255 transmissions). */
const NSUB_INLINE_NTFS = 254;
/** Pending notifications taken per statement when flushing the rest as events. */
const FLUSH_BATCH = 1000;

/** NKEY: a fresh notifier (a new ID every time); the old notifier's subscriber gets DELD. */
export async function addNotifier(
  deps: ServiceDeps,
  ctx: CommandCtx,
  qr: QueueRec,
  cmd: CommandOf<'NKEY'>,
): Promise<OpResult> {
  let pair: KeyPair;
  let secret: Uint8Array;
  try {
    pair = generateKeyPair(deps.crypto, 'x25519');
    secret = dhSecret(deps.crypto, cmd.rcvNtfDhKey, pair.priv);
  } catch {
    return fail(ctx, { type: 'AUTH' });
  }
  const notifierKey = encodePubKeyDer(cmd.notifierKey);
  for (let i = 0; i < NOTIFIER_ATTEMPTS; i++) {
    const notifierId = deps.router.newServerId(qr.vshard);
    const r = await deps.store.addNotifier(qr.recipientId, {
      notifierId,
      notifierKey,
      rcvNtfDhSecret: secret,
    });
    if (!r.ok && r.error === 'DUPLICATE') continue;
    if (!r.ok) return fail(ctx, { type: 'AUTH' });
    if (r.previousNotifierId !== undefined)
      endNotifierSubscription(deps, r.previousNotifierId, ctx.connKey);
    deps.metrics.inc(C.queuesNotifyCreated);
    return answer(ctx, { tag: 'NID', notifierId, srvNtfDhKey: pair.pub });
  }
  return fail(ctx, { type: 'INTERNAL' });
}

/** NDEL: removes the notifier and its pending notifications; OK also without a notifier. */
export async function deleteNotifier(
  deps: ServiceDeps,
  ctx: CommandCtx,
  qr: QueueRec,
): Promise<OpResult> {
  const r = await deps.store.deleteNotifier(qr.recipientId);
  if (!r.ok) return fail(ctx, { type: 'AUTH' });
  if (r.previousNotifierId !== undefined) {
    endNotifierSubscription(deps, r.previousNotifierId, ctx.connKey);
    deps.metrics.inc(C.queuesNotifyDeleted);
  }
  return ok(ctx);
}

/** Drops the subscription of a removed notifier; its holder (unless `exceptConn`) gets DELD. */
export function endNotifierSubscription(
  deps: ServiceDeps,
  notifierId: Uint8Array,
  exceptConn: string | undefined,
): void {
  const s = deps.registry.unsubscribeNtf(hex(notifierId));
  if (s !== undefined && s.connKey !== exceptConn)
    emit(deps, s.conn, s.smpVersion, notifierId, { tag: 'DELD' });
}

/** NSUB: this connection becomes the notifier's subscriber (the previous one gets END). */
export async function subscribeNotifier(
  deps: ServiceDeps,
  ctx: CommandCtx,
  qr: QueueRec,
): Promise<OpResult> {
  const notifier = qr.notifier;
  if (notifier === undefined) return fail(ctx, { type: 'INTERNAL' });
  takeNotifier(deps, qr, notifier.notifierId, ctx.conn, ctx.v);
  deps.metrics.inc(C.subscriptionNtfRequests);
  const items: OutTransmission[] = [reply(ctx, { tag: 'SOK' })];
  const pending = await deps.store.takePendingNtfs(notifier.notifierId, NSUB_INLINE_NTFS);
  for (const n of pending) items.push(eventItem(ctx.v, notifier.notifierId, nmsg(n)));
  deps.metrics.inc(C.messagesNtfSuccesses, pending.length);
  if (pending.length === NSUB_INLINE_NTFS) {
    // More may be waiting: send them as events after this command, in the queue's lane.
    void deps.lanes
      .run(hex(qr.recipientId), () => flushPending(deps, notifier.notifierId))
      .catch((err: unknown) => logFailure(deps, err));
  }
  return result(...items);
}

/** Registers `conn` as the notifier's subscriber, ending the previous one. */
export function takeNotifier(
  deps: ServiceDeps,
  qr: QueueRec,
  notifierId: Uint8Array,
  conn: ConnRef,
  v: number,
): void {
  const { previous } = deps.registry.subscribeNtf(hex(notifierId), hex(qr.recipientId), conn, v);
  if (previous !== undefined) {
    emit(deps, previous.conn, previous.smpVersion, notifierId, { tag: 'END' });
    deps.metrics.inc(C.subscriptionEnd);
  }
}

/** Sends all pending notifications to the notifier's current subscriber as events. */
export async function flushPending(deps: ServiceDeps, notifierId: Uint8Array): Promise<void> {
  const key = hex(notifierId);
  for (;;) {
    const s = deps.registry.ntfSubscriber(key);
    if (s === undefined) return;
    const batch = await deps.store.takePendingNtfs(notifierId, FLUSH_BATCH);
    for (const n of batch) emit(deps, s.conn, s.smpVersion, notifierId, nmsg(n));
    deps.metrics.inc(C.messagesNtfSuccesses, batch.length);
    if (batch.length < FLUSH_BATCH) return;
  }
}

/** After an accepted SEND with the notification flag: NMSG to the subscriber, or persist it. */
export async function notifyMessage(
  deps: ServiceDeps,
  qr: QueueRec,
  msgId: Uint8Array,
  ts: bigint,
): Promise<void> {
  const creds = qr.notifier;
  if (creds === undefined) return;
  const ntf = makeNotification(deps, creds, msgId, ts);
  deps.metrics.inc(C.messagesNotifySent);
  const s = deps.registry.ntfSubscriber(hex(creds.notifierId));
  if (s !== undefined) {
    emit(deps, s.conn, s.smpVersion, creds.notifierId, nmsg(ntf));
    deps.metrics.inc(C.messagesNtfSuccesses);
    return;
  }
  await deps.store.addPendingNtf(creds.notifierId, ntf);
}

function logFailure(deps: ServiceDeps, err: unknown): void {
  deps.metrics.inc(C.internalErrors);
  deps.logger.error(`notification flush failed: ${err instanceof Error ? err.name : 'error'}`);
}
