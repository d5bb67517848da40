// Typed options of the Postgres queue store. Env parsing and validation belong to the app config
// (house style §7); this is the plain object the app hands over.

/** Options of `PostgresQueueStore`. */
export interface PostgresQueueStoreConfig {
  /** libpq connection URL, e.g. `postgres://user@host:5432/db`. */
  readonly connectionString: string;
  /** Maximum pool connections (reads run in parallel; group-commit batches use one at a time). Default 10. */
  readonly poolSize?: number;
  /** Batch concurrent mutations into one transaction. Default true; false = one autocommit statement per operation. */
  readonly groupCommit?: boolean;
  /**
   * Independent group-commit lanes (each one batch in flight on its own connection). Operations on
   * one queue (or one notifier) always use the same lane, so they stay in issue order. Default 4.
   */
  readonly groupCommitLanes?: number;
  /** Most operations per group-commit transaction. Default 256. */
  readonly maxBatchSize?: number;
  /** vshards this instance owns; default all `0 … vshardCount-1`. */
  readonly vshards?: Iterable<number>;
  /** Number of vshards in the cluster. Default 1024. */
  readonly vshardCount?: number;
  /** Called with errors of idle pooled connections (e.g. a backend terminated by the server). Default: `process.emitWarning`. */
  readonly onPoolError?: (err: Error) => void;
}

/** Defaults of the optional fields. */
export const POSTGRES_QUEUE_STORE_DEFAULTS = {
  poolSize: 10,
  groupCommit: true,
  maxBatchSize: 256,
  groupCommitLanes: 4,
} as const;
