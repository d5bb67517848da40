// Public API of @simplex-relay/queue-store.
export type {
  BlockingInfo,
  BlockingReason,
  BulkExpireOptions,
  DelPeekResult,
  NewMessage,
  NtfCreds,
  PendingNtf,
  QueueLinkData,
  QueueMode,
  QueueRec,
  QueueStatus,
  QueueStore,
  StoreError,
  StoreResult,
  StoredMessage,
  WriteMsgResult,
} from './ports/queue-store.port.ts';
export { DEFAULT_VSHARD_COUNT, ENTITY_ID_LENGTH, VShardClaimError, VShardSet } from './sharding.ts';
export { MemoryQueueStore } from './memory/memory-queue-store.ts';
export type { MemoryQueueStoreOptions } from './memory/memory-queue-store.ts';
export { PostgresQueueStore } from './postgres/postgres-queue-store.ts';
export { POSTGRES_QUEUE_STORE_DEFAULTS } from './postgres/postgres-queue-store.config.ts';
export type { PostgresQueueStoreConfig } from './postgres/postgres-queue-store.config.ts';
export type { GroupCommitStats } from './postgres/group-commit.ts';
export { MIGRATIONS_DIR, QUEUE_STORE_SCHEMA, migrateQueueStore } from './postgres/migrate.ts';
