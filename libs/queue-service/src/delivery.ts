// Server → recipient message encryption and delivery (spec smp.md §7.6, §8.2), and notification
// construction (§7.8). Upstream `Server.hs: encryptMsg, tryDeliverMessage, mkMessageNotification`.
import { cbEncrypt, cbNonce, encodeNMsgMeta, encodeRcvMsgBody } from '@simplex-relay/protocol';
import type { BrokerMsg } from '@simplex-relay/protocol';
import type { NtfCreds, PendingNtf, QueueRec, StoredMessage } from '@simplex-relay/queue-store';
import { QueueServiceCounter as C } from './metrics.ts';
import { emit, hex, nowSec } from './context.ts';
import type { ServiceDeps } from './context.ts';
import type { Delivered } from './registry.ts';

/** `pad(rcvMsgBody, 16106)`: every MSG body encrypts to 16122 bytes (upstream `MaxRcvMessageLen` + 2). */
export const RCV_MSG_PADDED_LENGTH = 16_106;
/** `pad(NMsgMeta, 128)`: every NMSG meta encrypts to 144 bytes. */
export const NMSG_META_PADDED_LENGTH = 128;

/** `MSG` for a stored message, encrypted with the queue's `rcvDhSecret` and nonce = msgId. */
export function encryptMsg(deps: ServiceDeps, qr: QueueRec, m: StoredMessage): BrokerMsg {
  const body = m.isQuota
    ? encodeRcvMsgBody({ type: 'quota', ts: m.ts })
    : encodeRcvMsgBody({
        type: 'message',
        ts: m.ts,
        flags: { notification: m.ntfFlag },
        body: m.body,
      });
  return {
    tag: 'MSG',
    msgId: m.msgId,
    encBody: cbEncrypt(deps.crypto, qr.rcvDhSecret, cbNonce(m.msgId), body, RCV_MSG_PADDED_LENGTH),
  };
}

/** The delivered mark for `m`, stamped now. */
export const deliveredMark = (deps: ServiceDeps, m: StoredMessage): Delivered => ({
  msgId: m.msgId,
  ts: nowSec(deps),
});

/**
 * Pushes a message that arrived at an empty queue to its subscriber, unless the subscriber still
 * has an unacknowledged message (upstream `tryDeliverMessage`; there is no full send buffer here,
 * the bus absorbs it, so the delayed-delivery thread is not needed).
 */
export function tryDeliver(deps: ServiceDeps, qr: QueueRec, m: StoredMessage): void {
  const sub = deps.registry.subscriber(hex(qr.recipientId));
  if (sub === undefined || sub.delivered !== undefined) return;
  emit(deps, sub.conn, sub.smpVersion, qr.recipientId, encryptMsg(deps, qr, m));
  sub.delivered = deliveredMark(deps, m);
  deps.metrics.inc(C.deliveredTotal);
}

/** A notification for a sent message (upstream `mkMessageNotification`): random nonce, padded meta. */
export function makeNotification(
  deps: ServiceDeps,
  creds: NtfCreds,
  msgId: Uint8Array,
  ts: bigint,
): PendingNtf {
  const nonce = deps.crypto.randomBytes(24);
  const encMeta = cbEncrypt(
    deps.crypto,
    creds.rcvNtfDhSecret,
    nonce,
    encodeNMsgMeta({ msgId, ts }),
    NMSG_META_PADDED_LENGTH,
  );
  return { msgId, ts, nonce, encMeta };
}

/** The `NMSG` event of a notification. */
export const nmsg = (n: PendingNtf): BrokerMsg => ({
  tag: 'NMSG',
  nonce: n.nonce,
  encMeta: n.encMeta,
});
