// Mapping between rows of queue_store.* and the port's record types.
import type {
  BlockingInfo,
  PendingNtf,
  QueueRec,
  QueueStatus,
  StoredMessage,
} from '../ports/queue-store.port.ts';

/** bytea arrives as a Buffer view into the socket chunk; hand out an independent plain Uint8Array. */
export const u8 = (b: Buffer): Uint8Array => new Uint8Array(b);
const opt = (b: Buffer | null): Uint8Array | undefined => (b === null ? undefined : u8(b));

export interface QueueRow {
  recipient_id: Buffer;
  vshard: number;
  recipient_keys: Buffer[];
  rcv_dh_secret: Buffer;
  sender_id: Buffer;
  sender_key: Buffer | null;
  queue_mode: 'M' | 'C' | null;
  link_id: Buffer | null;
  link_fixed_data: Buffer | null;
  link_user_data: Buffer | null;
  notifier_id: Buffer | null;
  notifier_key: Buffer | null;
  rcv_ntf_dh_secret: Buffer | null;
  ntf_service_id: Buffer | null;
  status: 'active' | 'off' | 'blocked';
  block_reason: BlockingInfo['reason'] | null;
  block_notice: { ttl?: number } | null;
  updated_at: bigint;
  rcv_service_id: Buffer | null;
}

export function rowToQueueRec(r: QueueRow): QueueRec {
  const [k0, ...ks] = r.recipient_keys;
  if (k0 === undefined) throw new TypeError('queue row without recipient keys');
  const senderKey = opt(r.sender_key);
  const rcvServiceId = opt(r.rcv_service_id);
  return {
    recipientId: u8(r.recipient_id),
    recipientKeys: [u8(k0), ...ks.map(u8)],
    rcvDhSecret: u8(r.rcv_dh_secret),
    senderId: u8(r.sender_id),
    ...(senderKey ? { senderKey } : {}),
    queueMode: r.queue_mode,
    ...(r.link_id && r.link_fixed_data && r.link_user_data
      ? {
          link: {
            linkId: u8(r.link_id),
            fixedData: u8(r.link_fixed_data),
            userData: u8(r.link_user_data),
          },
        }
      : {}),
    ...(r.notifier_id && r.notifier_key && r.rcv_ntf_dh_secret
      ? {
          notifier: {
            notifierId: u8(r.notifier_id),
            notifierKey: u8(r.notifier_key),
            rcvNtfDhSecret: u8(r.rcv_ntf_dh_secret),
            ...(r.ntf_service_id ? { ntfServiceId: u8(r.ntf_service_id) } : {}),
          },
        }
      : {}),
    status: rowToStatus(r),
    updatedAt: Number(r.updated_at),
    ...(rcvServiceId ? { rcvServiceId } : {}),
    vshard: r.vshard,
  };
}

function rowToStatus(r: QueueRow): QueueStatus {
  if (r.status !== 'blocked') return { kind: r.status };
  if (r.block_reason === null) throw new TypeError('blocked queue row without reason');
  return r.block_notice === null
    ? { kind: 'blocked', reason: r.block_reason }
    : { kind: 'blocked', reason: r.block_reason, notice: r.block_notice };
}

/** Status columns (status, block_reason, block_notice) of a status. */
export function statusToColumns(s: QueueStatus): [string, string | null, string | null] {
  if (s.kind !== 'blocked') return [s.kind, null, null];
  return ['blocked', s.reason, s.notice === undefined ? null : JSON.stringify(s.notice)];
}

/** Parameters $1… of `SQL.createQueue`. */
export function queueRecToParams(q: QueueRec): unknown[] {
  const [status, reason, notice] = statusToColumns(q.status);
  return [
    q.recipientId,
    q.vshard,
    q.recipientKeys,
    q.rcvDhSecret,
    q.senderId,
    q.senderKey ?? null,
    q.queueMode,
    q.link?.linkId ?? null,
    q.link?.fixedData ?? null,
    q.link?.userData ?? null,
    q.notifier?.notifierId ?? null,
    q.notifier?.notifierKey ?? null,
    q.notifier?.rcvNtfDhSecret ?? null,
    q.notifier?.ntfServiceId ?? null,
    status,
    reason,
    notice,
    q.updatedAt,
    q.rcvServiceId ?? null,
  ];
}

export interface MsgRow {
  msg_id: Buffer;
  msg_ts: bigint;
  msg_quota: boolean;
  msg_ntf_flag: boolean;
  msg_body: Buffer;
}

export function rowToMsg(r: MsgRow): StoredMessage {
  return {
    msgId: u8(r.msg_id),
    ts: r.msg_ts,
    isQuota: r.msg_quota,
    ntfFlag: r.msg_ntf_flag,
    body: u8(r.msg_body),
  };
}

export interface NtfRow {
  seq: bigint;
  msg_id: Buffer;
  msg_ts: bigint;
  nonce: Buffer;
  enc_meta: Buffer;
}

export function rowToNtf(r: NtfRow): PendingNtf {
  return { msgId: u8(r.msg_id), ts: r.msg_ts, nonce: u8(r.nonce), encMeta: u8(r.enc_meta) };
}
