// Public API of @simplex-relay/xftp-store: chunk records (FileStore: memory fake + Postgres) and
// chunk bodies (BlobStore: file system + memory fake).
export type {
  BodyState,
  ExpireOptions,
  FileRec,
  FileStatus,
  FileStore,
  FileStoreError,
  FileStoreResult,
  NewFile,
  RemovedBody,
} from './ports/file-store.port.ts';
export type {
  BlobPutOptions,
  BlobPutResult,
  BlobRange,
  BlobReadHandle,
  BlobSource,
  BlobStore,
} from './ports/blob-store.port.ts';
export { BlobStoreError } from './ports/blob-store.port.ts';
export {
  DEFAULT_EXPIRE_LIMIT,
  DEFAULT_FILE_EXPIRATION,
  FILE_ID_SIZE,
  FILE_TIME_PRECISION,
  ID_ATTEMPTS,
  blobKeyForSender,
  expiryCutoff,
  nowSeconds,
  randomFileId,
  roundFileTime,
} from './file-ids.ts';
export type { FileIdGenerator } from './file-ids.ts';
export { MAX_RECIPIENTS_PER_REQUEST } from './validation.ts';
export { MemoryFileStore } from './memory/memory-file-store.ts';
export type { MemoryFileStoreOptions } from './memory/memory-file-store.ts';
export { PostgresFileStore } from './postgres/postgres-file-store.ts';
export type { PostgresFileStoreOptions } from './postgres/postgres-file-store.ts';
export { POSTGRES_FILE_STORE_DEFAULTS } from './postgres/postgres-file-store.config.ts';
export type { PostgresFileStoreConfig } from './postgres/postgres-file-store.config.ts';
export { MIGRATIONS_DIR, XFTP_STORE_SCHEMA, migrateFileStore } from './postgres/migrate.ts';
export { FsBlobStore, FS_BLOB_STORE_DEFAULTS } from './blob/fs-blob-store.ts';
export type { FsBlobStoreOptions } from './blob/fs-blob-store.ts';
export { MemoryBlobStore } from './blob/memory-blob-store.ts';
