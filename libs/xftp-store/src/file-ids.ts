// Storage-level constants and helpers of the XFTP store: server-generated IDs (spec §8, upstream
// `XFTPServerConfig.fileIdSize`, `getFileId`), hour-rounded creation times and the expiry rule
// (`Server/Store.hs: RoundedFileTime`, `fileTimePrecision`, `expiredFiles`; `Server/Env.hs:
// defaultFileExpiration`), and the blob key of a chunk body.
import { createHash, randomBytes } from 'node:crypto';

/** Length of sender and recipient IDs (upstream `fileIdSize = 16`). */
export const FILE_ID_SIZE = 16;

/** Creation times are stored rounded down to this many seconds (upstream `fileTimePrecision`). */
export const FILE_TIME_PRECISION = 3600;

/** Upstream `defaultFileExpiration`: files live 48 h; the sweep runs every 2 h (and once at start). */
export const DEFAULT_FILE_EXPIRATION = {
  ttlSeconds: 48 * 3600,
  checkIntervalSeconds: 2 * 3600,
} as const;

/** Attempts at fresh random IDs before giving up with `INTERNAL` (upstream `retryAdd 3`). */
export const ID_ATTEMPTS = 3;

/** Default size of one expiry batch. */
export const DEFAULT_EXPIRE_LIMIT = 1000;

/** Source of fresh IDs; injectable so tests can force collisions. */
export type FileIdGenerator = () => Uint8Array;

/** `FILE_ID_SIZE` bytes from the CSPRNG. */
export const randomFileId: FileIdGenerator = () => new Uint8Array(randomBytes(FILE_ID_SIZE));

/** Current time in epoch seconds. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** `t` (epoch seconds) rounded down to the hour (upstream `getRoundedSystemTime`). */
export function roundFileTime(t: number): number {
  if (!Number.isSafeInteger(t) || t < 0)
    throw new RangeError('file time must be a whole number of seconds');
  return t - (t % FILE_TIME_PRECISION);
}

/**
 * The latest `createdAt` that is expired at `now` with lifetime `ttl`: a record expires when
 * `createdAt + 3600 < now - ttl` (upstream `expiredFiles` compares the rounded time plus one
 * precision step, so no file is dropped before its full lifetime).
 */
export function expiryCutoff(now: number, ttlSeconds: number): number {
  if (!Number.isSafeInteger(now) || !Number.isSafeInteger(ttlSeconds) || ttlSeconds < 0)
    throw new RangeError('expiry time and ttl must be whole seconds');
  return now - ttlSeconds - FILE_TIME_PRECISION;
}

/**
 * The blob-store key of a chunk body: lowercase hex of the first 16 bytes of
 * SHA-256("xftp-blob:" || senderId). Upstream names the file `base64url(senderId)`; hashing keeps
 * entity IDs out of file names and bucket listings, and lowercase hex is safe on case-insensitive
 * file systems. Never log it: it is as identifying as the sender ID.
 */
export function blobKeyForSender(senderId: Uint8Array): string {
  if (senderId.length === 0) throw new RangeError('empty sender ID');
  return createHash('sha256')
    .update('xftp-blob:')
    .update(senderId)
    .digest()
    .subarray(0, 16)
    .toString('hex');
}
