// The storage port of the XFTP server: chunk records and their recipients (spec §1, §6, §11.1),
// mirroring upstream `FileTransfer/Server/Store.hs: FileStoreClass` (`addFile`, `addRecipient`,
// `setFilePath`, `getFile`, `deleteFile`, `blockFile`, `ackFile`, `expiredFiles`, `getUsedStorage`)
// and the parts of `Server.hs` that keep `usedStorage` (`receiveServerFile.reserve`,
// `deleteOrBlockServerFile_`, `expireServerFiles`).
//
// IDs, keys and digests are opaque bytes; keys are their DER SPKI encoding. Expected outcomes are
// values (`{ok: false, error}`); an exception means a bug or an infrastructure failure.
//
// Storage accounting (spec §8 "Quota accounting"): every record carries a body state, and the
// store-wide `usedBytes` is, at every commit, the sum of `size` over records whose state is not
// `none`. Each operation that changes a body state updates the total in the same transaction, so
// the quota check reads one value and no operation sums the table (see db/migrations/0001).
import type { BlockingInfo } from '@simplex-relay/protocol';

/** Upstream `ServerEntityStatus` as used for files; XFTP itself only ever sets `active` and `blocked`. */
export type FileStatus =
  | { readonly kind: 'active' }
  | { readonly kind: 'off' }
  | { readonly kind: 'blocked'; readonly info: BlockingInfo };

/**
 * Where the chunk body is (upstream `filePath :: Maybe FilePath`, split in two):
 * - `none`: nothing uploaded, nothing counted;
 * - `reserved`: an FPUT reserved `size` bytes of the quota and may be writing the blob;
 * - `stored`: the body is durably in the blob store under `blobKeyForSender(senderId)` (FPUT committed).
 */
export type BodyState = 'none' | 'reserved' | 'stored';

/** One chunk record (upstream `FileRec` + `FileInfo`): what the server needs to verify and answer a command. */
export interface FileRec {
  /** 16 random bytes (`FILE_ID_SIZE`). */
  readonly senderId: Uint8Array;
  /** DER SPKI of the key that signs FADD/FPUT/FDEL. */
  readonly senderKey: Uint8Array;
  /** Chunk size in bytes, as declared by FNEW (a Word32). */
  readonly size: number;
  /** SHA-256 of the chunk as declared by FNEW (not validated by the store). */
  readonly digest: Uint8Array;
  /** Creation time, epoch seconds rounded down to the hour (upstream `RoundedFileTime`). */
  readonly createdAt: number;
  readonly status: FileStatus;
  readonly body: BodyState;
}

/** A record that FNEW registers. */
export interface NewFile {
  readonly senderKey: Uint8Array;
  readonly size: number;
  readonly digest: Uint8Array;
  /** One per recipient, 1..255 (the wire's NonEmpty limit). */
  readonly recipientKeys: readonly [Uint8Array, ...Uint8Array[]];
  /** Epoch seconds; stored rounded down to the hour. Default: now. */
  readonly createdAt?: number;
}

/** A record removed by delete, block or expiry, with what the caller must still do in the blob store. */
export interface RemovedBody {
  readonly senderId: Uint8Array;
  readonly size: number;
  /**
   * The body state before removal: when not `none`, delete `blobKeyForSender(senderId)` from the
   * blob store (`reserved` too: an upload may have renamed its blob just before its gateway died).
   */
  readonly body: BodyState;
}

/** Options of one expiry batch (upstream `expireServerFiles` / `expiredFiles`). */
export interface ExpireOptions {
  /** Epoch seconds. Default: now. */
  readonly now?: number;
  /** File lifetime in seconds (INI `[STORE_LOG] expire_files_hours`). Default 48 h. */
  readonly ttlSeconds?: number;
  /** Most records removed by this call. Default 1000. */
  readonly limit?: number;
}

/**
 * Expected failures: `NOT_FOUND` (unknown ID, or — for `markStored` — a record that is gone or no
 * longer active; the server answers AUTH), `QUOTA` (reservation over the quota), `INTERNAL` (every
 * attempt at fresh random IDs collided; upstream `retryAdd` answers INTERNAL).
 */
export type FileStoreError = 'NOT_FOUND' | 'QUOTA' | 'INTERNAL';

/** Success carrying fields, or a closed error. */
export type FileStoreResult<T extends object = object, E extends FileStoreError = FileStoreError> =
  ({ readonly ok: true } & T) | { readonly ok: false; readonly error: E };

/**
 * The chunk-record store. Several gateways may share one backing database: no implementation keeps
 * state in process that another instance could make stale, and every mutation is atomic on its own
 * and resolves only after it is durably committed.
 *
 * Server-generated IDs are `FILE_ID_SIZE` random bytes, unique among sender IDs and among
 * recipient IDs (upstream checks each space; this store also refuses an ID that exists in the other
 * space). On a collision the store draws fresh IDs, up to 3 attempts.
 */
export interface FileStore {
  /** FNEW (upstream `createFile`): the record and all its recipients, atomically. Recipient IDs are in key order. */
  createFile(
    file: NewFile,
  ): Promise<
    FileStoreResult<
      { readonly senderId: Uint8Array; readonly recipientIds: Uint8Array[] },
      'INTERNAL'
    >
  >;

  /** FADD (upstream `addRecipients`): all keys or none; IDs in key order. Any status; the server checks it first. */
  addRecipients(
    senderId: Uint8Array,
    recipientKeys: readonly [Uint8Array, ...Uint8Array[]],
  ): Promise<FileStoreResult<{ readonly recipientIds: Uint8Array[] }, 'NOT_FOUND' | 'INTERNAL'>>;

  /** The record for a sender command (FADD/FPUT/FDEL); its key is `senderKey`. */
  getFileBySender(senderId: Uint8Array): Promise<FileRec | undefined>;

  /** The record and the recipient's key for a recipient command (FGET/FACK). */
  getFileByRecipient(
    recipientId: Uint8Array,
  ): Promise<{ readonly file: FileRec; readonly recipientKey: Uint8Array } | undefined>;

  /**
   * FPUT step 2: counts `size` against the quota before any body byte is read. `quota` in bytes,
   * `undefined` = unlimited (INI `[FILES] storage_quota`). A record already counted (`reserved` or
   * `stored`) is not counted twice and always succeeds. `NOT_FOUND` if gone or not active.
   */
  reserveStorage(
    senderId: Uint8Array,
    quota: number | undefined,
  ): Promise<FileStoreResult<object, 'NOT_FOUND' | 'QUOTA'>>;

  /**
   * FPUT failed before commit: returns a `reserved` record to `none` and its bytes to the quota.
   * A no-op for `none` and `stored` (a concurrent upload of the same chunk may have committed).
   */
  releaseStorage(senderId: Uint8Array): Promise<FileStoreResult<object, 'NOT_FOUND'>>;

  /**
   * FPUT commit (upstream `setFilePath`), called once the blob is durably stored and verified and
   * before answering OK. Idempotent: a second commit (a retried upload that raced the first) is ok
   * with `alreadyStored`, and the blob must then be kept. Counts the size if the reservation was
   * released meanwhile (the bytes are on disk now). `NOT_FOUND` if the record is gone or not active:
   * the caller deletes the blob it just wrote and answers AUTH.
   */
  markStored(
    senderId: Uint8Array,
  ): Promise<FileStoreResult<{ readonly alreadyStored: boolean }, 'NOT_FOUND'>>;

  /**
   * FDEL (upstream `deleteServerFile_`): removes the record and all its recipient IDs and frees its
   * counted bytes. Delete the record first and the blob after: a failed blob delete leaves an
   * unreachable orphan, never a record pointing at a missing body.
   */
  deleteFile(senderId: Uint8Array): Promise<FileStoreResult<RemovedBody, 'NOT_FOUND'>>;

  /** FACK (upstream `ackFile`): removes one recipient ID; the record and body stay. */
  deleteRecipient(recipientId: Uint8Array): Promise<FileStoreResult<object, 'NOT_FOUND'>>;

  /**
   * Operator block (upstream `blockServerFile`, control port `block`): status becomes `blocked` with
   * `info` (clients on v3 get `ERR BLOCKED`), the body is dropped (state `none`, bytes freed) and the
   * record and recipients stay until expiry. Returns the body state before, as for `deleteFile`.
   */
  blockFile(
    senderId: Uint8Array,
    info: BlockingInfo,
  ): Promise<FileStoreResult<RemovedBody, 'NOT_FOUND'>>;

  /**
   * One expiry batch: removes up to `limit` records with `createdAt + 3600 < now - ttl` (upstream
   * `STMFileStore.expiredFiles`), oldest first, freeing their counted bytes, and returns them so the
   * caller deletes their blobs. Call again while a full batch comes back. Instances running this
   * concurrently get disjoint batches.
   */
  expireFiles(opts?: ExpireOptions): Promise<RemovedBody[]>;

  /** Bytes counted against the quota (upstream `usedStorage`); reads one value. */
  getUsedStorage(): Promise<number>;

  /** Number of records (upstream `getFileCount`): a full count, for logs and admin, not hot paths. */
  countFiles(): Promise<number>;

  /**
   * Recomputes `usedBytes` from the records (admin repair after manual edits); a full scan,
   * serialised with every counting operation. Returns the new total.
   */
  recountUsedStorage(): Promise<number>;

  /** Releases resources (the pool). */
  close(): Promise<void>;
}
