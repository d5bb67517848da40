// Group commit: concurrent mutations share one transaction and one commit. While a batch
// transaction is in flight the next batch collects; each operation's promise settles only after
// COMMIT (synchronous_commit stays on, so settled = durable). Every operation is a single
// statement, so when one of them throws, the batch is rolled back and its operations are re-run
// one by one in autocommit mode: the failing one fails alone, the others succeed.
// Operations are keyed (by recipient or notifier ID) onto a few lanes; each lane has at most one
// batch in flight, so operations on one queue stay in issue order while lanes overlap their
// round trips on separate connections.
import type { Pool, PoolClient } from 'pg';

/** One mutation: a single SQL statement (or function call) and the mapping of its result. */
export type Mutation<T> = (client: PoolClient) => Promise<T>;

/** Maps a PostgreSQL error to an expected outcome (e.g. unique violation → DUPLICATE) or rethrows. */
export type ErrorMapper<T> = (err: unknown) => T;

interface Pending {
  run: Mutation<unknown>;
  mapError: ErrorMapper<unknown> | undefined;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** Counters of the committer, for metrics and tests. */
export interface GroupCommitStats {
  /** Mutations submitted. */
  operations: number;
  /** Transactions committed or attempted for batches (one per batch, plus one per re-run operation). */
  transactions: number;
  /** Batches rolled back and re-run one by one because an operation threw. */
  fallbacks: number;
  /** Largest batch so far. */
  maxBatch: number;
}

export class GroupCommitter {
  readonly stats: GroupCommitStats = { operations: 0, transactions: 0, fallbacks: 0, maxBatch: 0 };
  readonly #pool: Pool;
  readonly #maxBatch: number;
  readonly #enabled: boolean;
  readonly #lanes: { queue: Pending[]; running: Promise<void> | undefined }[];

  constructor(pool: Pool, opts: { enabled: boolean; maxBatchSize: number; lanes: number }) {
    if (!Number.isInteger(opts.maxBatchSize) || opts.maxBatchSize < 1)
      throw new RangeError('maxBatchSize must be >= 1');
    if (!Number.isInteger(opts.lanes) || opts.lanes < 1) throw new RangeError('lanes must be >= 1');
    this.#pool = pool;
    this.#enabled = opts.enabled;
    this.#maxBatch = opts.maxBatchSize;
    this.#lanes = Array.from({ length: opts.lanes }, () => ({ queue: [], running: undefined }));
  }

  /**
   * Runs `run` in the next batch of the lane of `key` (the recipient or notifier ID whose order
   * matters); resolves with its result after the batch commits.
   */
  submit<T>(key: Uint8Array, run: Mutation<T>, mapError?: ErrorMapper<T>): Promise<T> {
    this.stats.operations++;
    if (!this.#enabled) return this.#runAlone(run, mapError);
    const lane = this.#lanes[laneOf(key, this.#lanes.length)]!;
    return new Promise<T>((resolve, reject) => {
      lane.queue.push({ run, mapError, resolve: resolve as (v: unknown) => void, reject });
      // Start on a microtask so that operations issued in the same tick share the first batch.
      lane.running ??= Promise.resolve().then(() => this.#drain(lane));
    });
  }

  /** Resolves when everything submitted so far has settled. */
  async idle(): Promise<void> {
    for (const lane of this.#lanes) while (lane.running) await lane.running;
  }

  async #drain(lane: { queue: Pending[]; running: Promise<void> | undefined }): Promise<void> {
    try {
      while (lane.queue.length > 0) {
        const batch = lane.queue.splice(0, this.#maxBatch);
        this.stats.maxBatch = Math.max(this.stats.maxBatch, batch.length);
        await this.#runBatch(batch);
      }
    } finally {
      lane.running = undefined;
    }
  }

  async #runBatch(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const [p] = batch as [Pending];
      await this.#runAlone(p.run, p.mapError).then(p.resolve, p.reject);
      return;
    }
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const results: unknown[] = [];
    let failed = false;
    let broken: unknown;
    this.stats.transactions++;
    try {
      await client.query('BEGIN');
      for (const p of batch) results.push(await p.run(client));
    } catch {
      failed = true;
    }
    if (failed) {
      try {
        await client.query('ROLLBACK');
      } catch (err) {
        broken = err;
      }
      client.release(broken instanceof Error ? broken : undefined);
      this.stats.fallbacks++;
      for (const p of batch) await this.#runAlone(p.run, p.mapError).then(p.resolve, p.reject);
      return;
    }
    try {
      await client.query('COMMIT');
    } catch (err) {
      // The outcome is unknown (e.g. the connection died during COMMIT): every operation fails.
      client.release(err instanceof Error ? err : undefined);
      for (const p of batch) p.reject(err);
      return;
    }
    client.release();
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  async #runAlone<T>(run: Mutation<T>, mapError: ErrorMapper<T> | undefined): Promise<T> {
    this.stats.transactions++;
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      return await run(client);
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      if (mapError) return mapError(err);
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

/** PostgreSQL error with a SQLSTATE. */
export function sqlState(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

// IDs are random (or keyed-hash derived), so their last bytes spread evenly over the lanes.
function laneOf(key: Uint8Array, lanes: number): number {
  const n = key.length;
  return n === 0 ? 0 : (((key[n - 1] ?? 0) << 8) | (key[n - 2] ?? 0)) % lanes;
}

function isConnectionError(err: unknown): boolean {
  const code = sqlState(err);
  return code === undefined || code.startsWith('08') || code.startsWith('57P');
}
