// Argument checks shared by the FileStore implementations: violations are caller bugs (house style
// §6: RangeError at API edges), never protocol outcomes.
import type { NewFile } from './ports/file-store.port.ts';
import {
  expiryCutoff,
  nowSeconds,
  roundFileTime,
  DEFAULT_EXPIRE_LIMIT,
  DEFAULT_FILE_EXPIRATION,
} from './file-ids.ts';
import type { ExpireOptions } from './ports/file-store.port.ts';

/** Most recipient keys in one FNEW/FADD (a NonEmpty list with a one-byte count, spec §2). */
export const MAX_RECIPIENTS_PER_REQUEST = 255;

/** Chunk sizes are a Word32 on the wire (`FileInfo.size`). */
const MAX_CHUNK_SIZE = 0xffff_ffff;

export function checkRecipientKeys(keys: readonly Uint8Array[]): void {
  if (keys.length === 0 || keys.length > MAX_RECIPIENTS_PER_REQUEST)
    throw new RangeError(`1..${MAX_RECIPIENTS_PER_REQUEST} recipient keys expected`);
  if (keys.some((k) => k.length === 0)) throw new RangeError('empty recipient key');
}

/** Validates `file` and returns its rounded creation time. */
export function checkNewFile(file: NewFile): number {
  if (!Number.isSafeInteger(file.size) || file.size <= 0 || file.size > MAX_CHUNK_SIZE)
    throw new RangeError('chunk size must be a positive Word32');
  if (file.senderKey.length === 0) throw new RangeError('empty sender key');
  checkRecipientKeys(file.recipientKeys);
  return roundFileTime(file.createdAt ?? nowSeconds());
}

/** A quota in bytes, or `undefined` for none. */
export function checkQuota(quota: number | undefined): void {
  if (quota !== undefined && (!Number.isSafeInteger(quota) || quota < 0))
    throw new RangeError('quota must be a non-negative whole number of bytes');
}

/** The resolved expiry parameters: records with `createdAt < cutoff` expire, at most `limit` of them. */
export function resolveExpiry(opts: ExpireOptions = {}): { cutoff: number; limit: number } {
  const limit = opts.limit ?? DEFAULT_EXPIRE_LIMIT;
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError('limit must be positive');
  const cutoff = expiryCutoff(
    opts.now ?? nowSeconds(),
    opts.ttlSeconds ?? DEFAULT_FILE_EXPIRATION.ttlSeconds,
  );
  return { cutoff, limit };
}
