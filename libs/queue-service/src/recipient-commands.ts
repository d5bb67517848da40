// Recipient commands (spec smp.md §7.3, §8.1–§8.3; Corrections for ACK with an empty ID and for
// OFF/DEL on blocked queues). Upstream `Server.hs: processCommand` (SRecipient),
// `subscribeQueueAndDeliver`, `getMessage`, `acknowledgeMsg`, `delQueueAndMsgs`, `getQueueInfo`.
import { CommandError, bytesEqual, encodePubKeyDer } from '@simplex-relay/protocol';
import type { CommandOf, QSub, QueueInfo } from '@simplex-relay/protocol';
import type { OpResult, OutTransmission } from '@simplex-relay/bus';
import type { QueueRec, StoredMessage } from '@simplex-relay/queue-store';
import { QueueServiceCounter as C } from './metrics.ts';
import {
  answer,
  emit,
  eventItem,
  fail,
  hex,
  isSecuredMsgQueue,
  ok,
  reply,
  result,
  withQueue,
} from './context.ts';
import type { CommandCtx, ServiceDeps } from './context.ts';
import { deliveredMark, encryptMsg } from './delivery.ts';
import { addNotifier, deleteNotifier, endNotifierSubscription } from './notifier-commands.ts';

const AUTH = { type: 'AUTH' } as const;
const PROHIBITED = { type: 'CMD', cmd: CommandError.PROHIBITED } as const;

/** Executes a verified recipient command on `qr`. */
export function recipientCommand(
  deps: ServiceDeps,
  ctx: CommandCtx,
  qr: QueueRec,
): Promise<OpResult> {
  const cmd = ctx.cmd;
  const run = (action: () => Promise<OpResult>) => withQueue(deps, ctx, qr, true, action);
  switch (cmd.tag) {
    case 'SUB':
      return run(() => subscribe(deps, ctx, qr));
    case 'GET':
      return run(() => getMessage(deps, ctx, qr));
    case 'ACK':
      return run(() => acknowledge(deps, ctx, qr, cmd.msgId));
    case 'KEY':
      return run(() => secureQueue(deps, ctx, qr, encodePubKeyDer(cmd.senderKey)));
    case 'RKEY':
      return run(async () => {
        if (qr.queueMode !== 'C') return fail(ctx, AUTH);
        const keys = cmd.recipientKeys.map(encodePubKeyDer) as [Uint8Array, ...Uint8Array[]];
        const r = await deps.store.updateRecipientKeys(qr.recipientId, keys);
        return r.ok ? ok(ctx) : fail(ctx, AUTH);
      });
    case 'LSET':
      return run(() => setLink(deps, ctx, qr, cmd));
    case 'LDEL':
      return run(async () => {
        if (qr.link === undefined) return ok(ctx);
        const r = await deps.store.deleteQueueLink(qr.recipientId);
        return r.ok ? ok(ctx) : fail(ctx, AUTH);
      });
    case 'NKEY':
      return run(() => addNotifier(deps, ctx, qr, cmd));
    case 'NDEL':
      return run(() => deleteNotifier(deps, ctx, qr));
    case 'QUE':
      return run(() => queueInfo(deps, ctx, qr));
    // OFF and DEL use the verified queue directly: no blocked check, no `updatedAt` refresh.
    case 'OFF':
      return deps.store
        .setQueueStatus(qr.recipientId, { kind: 'off' })
        .then((r) => (r.ok ? ok(ctx) : fail(ctx, AUTH)));
    case 'DEL':
      return deleteQueue(deps, ctx, qr);
    default:
      return Promise.resolve(fail(ctx, { type: 'INTERNAL' }));
  }
}

/** Sets the sender key (KEY, SKEY, LKEY): true for no key yet or the same key, false for another one. */
export async function secure(
  deps: ServiceDeps,
  qr: QueueRec,
  senderKey: Uint8Array,
): Promise<boolean> {
  const r = await deps.store.secureQueue(qr.recipientId, senderKey);
  if (r.ok) deps.metrics.inc(C.queuesSecured);
  return r.ok;
}

/** `secure`, answered OK or AUTH. */
export async function secureQueue(
  deps: ServiceDeps,
  ctx: CommandCtx,
  qr: QueueRec,
  senderKey: Uint8Array,
): Promise<OpResult> {
  return (await secure(deps, qr, senderKey)) ? ok(ctx) : fail(ctx, AUTH);
}

async function subscribe(deps: ServiceDeps, ctx: CommandCtx, qr: QueueRec): Promise<OpResult> {
  const key = hex(qr.recipientId);
  if (deps.registry.getState(key, ctx.connKey) !== undefined) {
    // SUB is not allowed on a connection that used GET on this queue.
    deps.metrics.inc(C.subscriptionErrors);
    return fail(ctx, PROHIBITED);
  }
  const { sub, previous } = deps.registry.subscribe(key, ctx.conn, ctx.v);
  if (previous !== undefined) {
    emit(deps, previous.conn, previous.smpVersion, qr.recipientId, { tag: 'END' });
    deps.metrics.inc(C.subscriptionEnd);
  }
  deps.metrics.inc(C.subscriptionSuccesses);
  const items: OutTransmission[] = [reply(ctx, { tag: 'SOK' })];
  const head = await deps.store.peekMsg(qr.recipientId);
  // The SOK goes first, then the head message as an event (§8.10).
  if (head !== undefined && deps.registry.subscriber(key) === sub) {
    items.push(eventItem(ctx.v, qr.recipientId, encryptMsg(deps, qr, head)));
    sub.delivered = deliveredMark(deps, head);
    deps.metrics.inc(C.deliveredTotal);
  }
  return result(...items);
}

async function getMessage(deps: ServiceDeps, ctx: CommandCtx, qr: QueueRec): Promise<OpResult> {
  const key = hex(qr.recipientId);
  // GET is not allowed on a connection subscribed to this queue.
  if (deps.registry.subscriber(key)?.connKey === ctx.connKey) return fail(ctx, PROHIBITED);
  const s = deps.registry.getMode(key, ctx.conn);
  s.delivered = undefined;
  const head = await deps.store.peekMsg(qr.recipientId);
  if (head === undefined) return ok(ctx);
  s.delivered = deliveredMark(deps, head);
  return answer(ctx, encryptMsg(deps, qr, head));
}

async function acknowledge(
  deps: ServiceDeps,
  ctx: CommandCtx,
  qr: QueueRec,
  msgId: Uint8Array,
): Promise<OpResult> {
  const key = hex(qr.recipientId);
  const sub = deps.registry.subscriber(key);
  const subMode = sub?.connKey === ctx.connKey;
  const state = subMode ? sub : deps.registry.getState(key, ctx.connKey);
  const delivered = state?.delivered;
  // An empty ID matches whatever was delivered, but deletes nothing (Corrections §7.3).
  if (state === undefined || delivered === undefined) return fail(ctx, { type: 'NO_MSG' });
  if (msgId.length > 0 && !bytesEqual(delivered.msgId, msgId)) return fail(ctx, { type: 'NO_MSG' });
  state.delivered = undefined;
  if (!subMode) {
    countReceived(deps, await deps.store.tryDelMsg(qr.recipientId, msgId));
    return ok(ctx);
  }
  const { deleted, head } = await deps.store.tryDelPeekMsg(qr.recipientId, msgId);
  countReceived(deps, deleted);
  if (head === undefined || deps.registry.subscriber(key) !== sub) return ok(ctx);
  // The next message is the ACK's answer, with the ACK's corrId (§8.2).
  sub.delivered = deliveredMark(deps, head);
  deps.metrics.inc(C.deliveredTotal);
  return answer(ctx, encryptMsg(deps, qr, head));
}

function countReceived(deps: ServiceDeps, m: StoredMessage | undefined): void {
  if (m !== undefined && !m.isQuota) deps.metrics.inc(C.messagesReceived);
}

async function setLink(
  deps: ServiceDeps,
  ctx: CommandCtx,
  qr: QueueRec,
  cmd: CommandOf<'LSET'>,
): Promise<OpResult> {
  if (isSecuredMsgQueue(qr)) return fail(ctx, AUTH);
  // The link ID of a queue cannot change.
  if (qr.link !== undefined && !bytesEqual(qr.link.linkId, cmd.linkId)) return fail(ctx, AUTH);
  const r = await deps.store.setQueueLink(qr.recipientId, {
    linkId: cmd.linkId,
    fixedData: cmd.data.fixedData,
    userData: cmd.data.userData,
  });
  return r.ok ? ok(ctx) : fail(ctx, AUTH);
}

/** Deletes the queue; the other subscriber and the notifier's subscriber get DELD (END below v10). */
async function deleteQueue(deps: ServiceDeps, ctx: CommandCtx, qr: QueueRec): Promise<OpResult> {
  const r = await deps.store.deleteQueue(qr.recipientId);
  if (!r.ok) return fail(ctx, AUTH);
  endQueueSubscriptions(deps, r.queue, ctx.connKey);
  deps.metrics.inc(C.queuesDeleted);
  return ok(ctx);
}

/** Drops every registry entry of a deleted queue, sending DELD to holders other than `exceptConn`. */
export function endQueueSubscriptions(
  deps: ServiceDeps,
  deleted: QueueRec,
  exceptConn: string | undefined,
): void {
  const key = hex(deleted.recipientId);
  const sub = deps.registry.unsubscribe(key);
  if (sub !== undefined && sub.connKey !== exceptConn)
    emit(deps, sub.conn, sub.smpVersion, deleted.recipientId, { tag: 'DELD' });
  deps.registry.dropGetMode(key);
  if (deleted.notifier !== undefined)
    endNotifierSubscription(deps, deleted.notifier.notifierId, exceptConn);
}

async function queueInfo(deps: ServiceDeps, ctx: CommandCtx, qr: QueueRec): Promise<OpResult> {
  const key = hex(qr.recipientId);
  const sub = deps.registry.subscriber(key);
  let qsub: QSub | undefined;
  if (sub?.connKey === ctx.connKey) {
    qsub = { subThread: 'noSub', ...(sub.delivered && { delivered: sub.delivered.msgId }) };
  } else {
    const g = deps.registry.getState(key, ctx.connKey);
    if (g !== undefined)
      qsub = { subThread: 'prohibitSub', ...(g.delivered && { delivered: g.delivered.msgId }) };
  }
  const size = (await deps.store.getQueueSize(qr.recipientId)) ?? 0;
  const head = await deps.store.peekMsg(qr.recipientId);
  const info: QueueInfo = {
    hasSender: qr.senderKey !== undefined,
    hasNotifier: qr.notifier !== undefined,
    size,
    ...(qsub !== undefined && { sub: qsub }),
    ...(head !== undefined && {
      msg: { msgId: head.msgId, ts: head.ts, type: head.isQuota ? 'quota' : 'message' },
    }),
  };
  return answer(ctx, { tag: 'INFO', info });
}
