// XFTP sizes and limits (spec xftp.md §8, §13) and the client's chunking plan. Upstream
// `FileTransfer/Protocol.hs: xftpBlockSize`, `FileTransfer/Chunks.hs: serverChunkSizes, chunkSize0..3`,
// `FileTransfer/Client.hs: prepareChunkSizes, singleChunkSize, prepareChunkSpecs`,
// `FileTransfer/Types.hs: authTagSize`, `Server/Env.hs` defaults, `FileTransfer/Agent.hs` limits.

/** Every command, response and handshake block is exactly this long (upstream `xftpBlockSize`). */
export const XFTP_BLOCK_SIZE = 16384;
/** Poly1305 tag after an encrypted chunk or file (upstream `authTagSize`). */
export const XFTP_AUTH_TAG_SIZE = 16;
/** The Int64 length in front of an encrypted file's plaintext (upstream `fileSizeLen`). */
export const XFTP_FILE_SIZE_LEN = 8;
/** Sender and recipient IDs are this many random bytes (upstream `fileIdSize`). */
export const XFTP_FILE_ID_SIZE = 16;
/** Default port of `xftp://` addresses without one. */
export const DEFAULT_XFTP_PORT = '443';

/** 64 KB (upstream `chunkSize0`). */
export const chunkSize0 = 64 * 1024;
/** 256 KB (upstream `chunkSize1`). */
export const chunkSize1 = 256 * 1024;
/** 1 MB (upstream `chunkSize2`). */
export const chunkSize2 = 1024 * 1024;
/** 4 MB (upstream `chunkSize3`). */
export const chunkSize3 = 4 * 1024 * 1024;
/** Chunk sizes a server accepts in FNEW by default (upstream `serverChunkSizes`). */
export const serverChunkSizes: readonly number[] = [chunkSize0, chunkSize1, chunkSize2, chunkSize3];

/** Chunks expire this many hours after creation (upstream `defFileExpirationHours`). */
export const defFileExpirationHours = 48;
/** Expiry check interval in seconds (upstream `defaultFileExpiration.checkInterval`, 2 h). */
export const fileExpirationCheckIntervalSec = 2 * 3600;
/** Creation times are stored rounded down to this many seconds (upstream `RoundedFileTime`). */
export const fileTimeRoundingSec = 3600;
/** Upload (FPUT body) timeout in seconds (upstream `fileTimeout`, 5 min). */
export const fileTimeoutSec = 5 * 60;
/** Most recipient keys the agent sends per FNEW/FADD (upstream `xftpMaxRecipientsPerRequest`). */
export const xftpMaxRecipientsPerRequest = 200;
/** Client soft limit on a file size (upstream `maxFileSize`, 1 GB). */
export const maxFileSize = 1024 * 1024 * 1024;
/** Client hard limit on a file size (upstream `maxFileSizeHard`, 5 GB). */
export const maxFileSizeHard = 5 * 1024 * 1024 * 1024;

const checkSize = (n: number, what: string): void => {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${what} must be a non-negative integer`);
};

/**
 * The chunk sizes for an encrypted payload of `size` bytes (upstream `prepareChunkSizes`): two
 * adjacent server sizes chosen by the total, big chunks first, then small chunks for the rest (or one
 * more big chunk if the rest exceeds 3/4 of it). Their sum is the encrypted file size.
 */
export function prepareChunkSizes(size: number): number[] {
  checkSize(size, 'payload size');
  const size34 = (sz: number): number => Math.floor((sz * 3) / 4);
  const [small, big] =
    size > size34(chunkSize3)
      ? [chunkSize2, chunkSize3]
      : size > size34(chunkSize2)
        ? [chunkSize1, chunkSize2]
        : [chunkSize0, chunkSize1];
  const out: number[] = [];
  let rest = size;
  while (rest > 0) {
    if (rest >= big) {
      const n = Math.floor(rest / big);
      for (let i = 0; i < n; i++) out.push(big);
      rest -= n * big;
    } else if (rest > size34(big)) {
      out.push(big);
      rest = 0;
    } else {
      const n = Math.ceil(rest / small);
      for (let i = 0; i < n; i++) out.push(small);
      rest = 0;
    }
  }
  return out;
}

/** The smallest server chunk size that holds `size` bytes, if any (upstream `singleChunkSize`). */
export function singleChunkSize(size: number): number | undefined {
  checkSize(size, 'payload size');
  return serverChunkSizes.find((s) => s >= size);
}

/**
 * One chunk of an encrypted file (upstream `XFTPChunkSpec` minus the path). `chunkNo` counts from 1,
 * as the file description's `chunkNo` does.
 */
export interface ChunkSpec {
  readonly chunkNo: number;
  readonly offset: number;
  readonly size: number;
}

/** Numbers and offsets of consecutive chunks of the given sizes (upstream `prepareChunkSpecs`). */
export function prepareChunkSpecs(sizes: readonly number[]): ChunkSpec[] {
  let offset = 0;
  return sizes.map((size, i) => {
    checkSize(size, 'chunk size');
    const spec = { chunkNo: i + 1, offset, size };
    offset += size;
    return spec;
  });
}
