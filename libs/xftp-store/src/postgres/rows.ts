// Mapping between rows of the file store's tables and the port's record types.
import type { BlockingInfo } from '@simplex-relay/protocol';
import type { BodyState, FileRec, FileStatus, RemovedBody } from '../ports/file-store.port.ts';

/** bytea arrives as a Buffer view into the socket chunk; hand out an independent plain Uint8Array. */
export const u8 = (b: Buffer): Uint8Array => new Uint8Array(b);

/** int8 arrives as text (pg's default); every value here is far below 2^53. */
export const int = (v: string | number): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new TypeError('int8 column out of safe range');
  return n;
};

export interface FileRow {
  sender_id: Buffer;
  sender_key: Buffer;
  file_size: string;
  file_digest: Buffer;
  created_at: string;
  status: 'active' | 'off' | 'blocked';
  block_reason: BlockingInfo['reason'] | null;
  block_notice: { ttl?: number | null } | null;
  body: BodyState;
}

export interface RemovedRow {
  sender_id: Buffer;
  file_size: string;
  body: BodyState;
}

function rowToStatus(r: FileRow): FileStatus {
  if (r.status !== 'blocked') return { kind: r.status };
  if (r.block_reason === null) throw new TypeError('blocked file row without a reason');
  const notice = r.block_notice;
  const info: BlockingInfo =
    notice === null
      ? { reason: r.block_reason }
      : {
          reason: r.block_reason,
          notice: typeof notice.ttl === 'number' ? { ttl: notice.ttl } : {},
        };
  return { kind: 'blocked', info };
}

export function rowToFileRec(r: FileRow): FileRec {
  return {
    senderId: u8(r.sender_id),
    senderKey: u8(r.sender_key),
    size: int(r.file_size),
    digest: u8(r.file_digest),
    createdAt: int(r.created_at),
    status: rowToStatus(r),
    body: r.body,
  };
}

export function rowToRemoved(r: RemovedRow): RemovedBody {
  return { senderId: u8(r.sender_id), size: int(r.file_size), body: r.body };
}

/** `block_reason`, `block_notice` (jsonb text) of `info`. */
export function blockingToColumns(info: BlockingInfo): [string, string | null] {
  const ttl = info.notice?.ttl;
  if (ttl !== undefined && !Number.isSafeInteger(ttl))
    throw new RangeError('notice ttl must be a whole number of seconds');
  const notice =
    info.notice === undefined ? null : JSON.stringify(ttl === undefined ? {} : { ttl });
  return [info.reason, notice];
}
