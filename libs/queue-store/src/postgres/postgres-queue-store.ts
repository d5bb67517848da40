// QueueStore on PostgreSQL 15 through a `pg` Pool with named prepared statements. Every mutation is
// one statement (or one call of a function from db/migrations), so it is atomic on its own and can
// share a group-commit transaction (group-commit.ts) with others. Reads go straight to the pool.
import pg from 'pg';
import type { PoolClient, QueryConfig, QueryResultRow } from 'pg';
import type {
  BulkExpireOptions,
  DelPeekResult,
  NewMessage,
  NtfCreds,
  PendingNtf,
  QueueLinkData,
  QueueRec,
  QueueStatus,
  QueueStore,
  StoreError,
  StoreResult,
  StoredMessage,
  WriteMsgResult,
} from '../ports/queue-store.port.ts';
import { DEFAULT_VSHARD_COUNT, VShardSet } from '../sharding.ts';
import { GroupCommitter, sqlState } from './group-commit.ts';
import type { GroupCommitStats } from './group-commit.ts';
import { POSTGRES_QUEUE_STORE_DEFAULTS } from './postgres-queue-store.config.ts';
import type { PostgresQueueStoreConfig } from './postgres-queue-store.config.ts';
import {
  queueRecToParams,
  rowToMsg,
  rowToNtf,
  rowToQueueRec,
  statusToColumns,
  u8,
} from './rows.ts';
import type { MsgRow, NtfRow, QueueRow } from './rows.ts';
import { SQL } from './statements.ts';
import { PostgresVShardClaim } from './vshard-claim.ts';

const UNIQUE_VIOLATION = '23505';
const INT8_OID = 20;
const DEFAULT_EXPIRE_BATCH = 100;
const DEFAULT_NTF_TAKE = 1000;

/** int8 as bigint for this pool only (message and notification timestamps are Int64, spec §10.2). */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string) => BigInt(v)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

const duplicateOr =
  <T>(dup: T) =>
  (err: unknown): T => {
    if (sqlState(err) === UNIQUE_VIOLATION) return dup;
    throw err;
  };

export class PostgresQueueStore implements QueueStore {
  readonly #pool: pg.Pool;
  readonly #owned: VShardSet;
  readonly #shards: string;
  readonly #gc: GroupCommitter;
  readonly #connectionString: string;
  #claim: PostgresVShardClaim | undefined;

  constructor(config: PostgresQueueStoreConfig) {
    this.#connectionString = config.connectionString;
    const d = POSTGRES_QUEUE_STORE_DEFAULTS;
    const count = config.vshardCount ?? DEFAULT_VSHARD_COUNT;
    this.#owned =
      config.vshards === undefined ? VShardSet.all(count) : new VShardSet(config.vshards, count);
    this.#shards = this.#owned.multirange;
    this.#pool = new pg.Pool({
      connectionString: config.connectionString,
      max: config.poolSize ?? d.poolSize,
      types,
      application_name: 'queue-store',
    });
    const onError = config.onPoolError ?? ((err: Error) => process.emitWarning(err));
    this.#pool.on('error', onError);
    this.#gc = new GroupCommitter(this.#pool, {
      enabled: config.groupCommit ?? d.groupCommit,
      maxBatchSize: config.maxBatchSize ?? d.maxBatchSize,
      lanes: config.groupCommitLanes ?? d.groupCommitLanes,
    });
  }

  get vshards(): VShardSet {
    return this.#owned;
  }

  async claimVShards(opts: { onLost?: (err: Error) => void } = {}): Promise<void> {
    if (this.#claim) return;
    const onLost = opts.onLost ?? ((err: Error) => process.emitWarning(err));
    this.#claim = await PostgresVShardClaim.acquire(this.#connectionString, this.#owned, onLost);
  }

  /** Group-commit counters (operations, transactions, fallbacks, largest batch). */
  get stats(): Readonly<GroupCommitStats> {
    return this.#gc.stats;
  }

  async createQueue(rec: QueueRec): Promise<StoreResult<object, 'DUPLICATE'>> {
    if (!this.#owned.has(rec.vshard))
      throw new RangeError(`vshard ${rec.vshard} is not owned by this store`);
    if (rec.recipientKeys.length === 0) throw new RangeError('recipientKeys must not be empty');
    const params = queueRecToParams(rec);
    return this.#gc.submit(
      rec.recipientId,
      async (c) => {
        const r = await q<{ inserted: number }>(c, SQL.createQueue, params);
        return r[0]?.inserted === 1 ? { ok: true } : dupErr;
      },
      duplicateOr<StoreResult<object, 'DUPLICATE'>>(dupErr),
    );
  }

  getQueueByRecipientId(recipientId: Uint8Array): Promise<QueueRec | undefined> {
    return this.#getBy(SQL.byRecipient, recipientId);
  }

  getQueueBySenderId(senderId: Uint8Array): Promise<QueueRec | undefined> {
    return this.#getBy(SQL.bySender, senderId);
  }

  getQueueByNotifierId(notifierId: Uint8Array): Promise<QueueRec | undefined> {
    return this.#getBy(SQL.byNotifier, notifierId);
  }

  getQueueByLinkId(linkId: Uint8Array): Promise<QueueRec | undefined> {
    return this.#getBy(SQL.byLink, linkId);
  }

  async getLinkShard(linkId: Uint8Array): Promise<number | undefined> {
    const r = await q<{ vshard: number }>(this.#pool, SQL.linkShard, [linkId]);
    return r[0]?.vshard;
  }

  secureQueue(
    recipientId: Uint8Array,
    senderKey: Uint8Array,
  ): Promise<StoreResult<object, 'NOT_FOUND' | 'AUTH'>> {
    return this.#gc.submit(recipientId, async (c) => {
      const [row] = await q<{ sender_key: Buffer | null }>(c, SQL.secure, [
        recipientId,
        this.#shards,
        senderKey,
      ]);
      if (!row) return notFound;
      if (row.sender_key === null || Buffer.compare(row.sender_key, senderKey) === 0)
        return { ok: true };
      return { ok: false, error: 'AUTH' };
    });
  }

  updateRecipientKeys(
    recipientId: Uint8Array,
    keys: readonly [Uint8Array, ...Uint8Array[]],
  ): Promise<StoreResult<object, 'NOT_FOUND'>> {
    if (keys.length === 0) throw new RangeError('recipientKeys must not be empty');
    return this.#gc.submit(recipientId, async (c) => {
      const r = await c.query({ ...SQL.updateKeys, values: [recipientId, this.#shards, keys] });
      return r.rowCount === 1 ? { ok: true } : notFound;
    });
  }

  setQueueStatus(
    recipientId: Uint8Array,
    status: QueueStatus,
  ): Promise<StoreResult<object, 'NOT_FOUND'>> {
    return this.#gc.submit(recipientId, async (c) => {
      const r = await c.query({
        ...SQL.setStatus,
        values: [recipientId, this.#shards, ...statusToColumns(status)],
      });
      return r.rowCount === 1 ? { ok: true } : notFound;
    });
  }

  deleteQueue(recipientId: Uint8Array): Promise<StoreResult<{ queue: QueueRec }, 'NOT_FOUND'>> {
    return this.#gc.submit(recipientId, async (c) => {
      const [row] = await q<QueueRow>(c, SQL.deleteQueue, [recipientId, this.#shards]);
      return row ? { ok: true, queue: rowToQueueRec(row) } : notFound;
    });
  }

  addNotifier(
    recipientId: Uint8Array,
    creds: NtfCreds,
  ): Promise<StoreResult<{ previousNotifierId?: Uint8Array }, 'NOT_FOUND' | 'DUPLICATE'>> {
    const params = [
      recipientId,
      this.#shards,
      creds.notifierId,
      creds.notifierKey,
      creds.rcvNtfDhSecret,
    ];
    return this.#gc.submit(
      recipientId,
      async (
        c,
      ): Promise<StoreResult<{ previousNotifierId?: Uint8Array }, 'NOT_FOUND' | 'DUPLICATE'>> => {
        const [row] = await q<{ previous: Buffer | null; taken: boolean }>(
          c,
          SQL.addNotifier,
          params,
        );
        if (!row) return notFound;
        if (row.taken) return dupErr;
        return row.previous ? { ok: true, previousNotifierId: u8(row.previous) } : { ok: true };
      },
      duplicateOr(dupErr),
    );
  }

  deleteNotifier(
    recipientId: Uint8Array,
  ): Promise<StoreResult<{ previousNotifierId?: Uint8Array }, 'NOT_FOUND'>> {
    return this.#gc.submit(recipientId, async (c) => {
      const [row] = await q<{ previous: Buffer | null }>(c, SQL.deleteNotifier, [
        recipientId,
        this.#shards,
      ]);
      if (!row) return notFound;
      return row.previous ? { ok: true, previousNotifierId: u8(row.previous) } : { ok: true };
    });
  }

  setQueueLink(
    recipientId: Uint8Array,
    link: QueueLinkData,
  ): Promise<StoreResult<object, StoreError>> {
    const params = [recipientId, this.#shards, link.linkId, link.fixedData, link.userData];
    return this.#gc.submit(
      recipientId,
      async (c): Promise<StoreResult<object, StoreError>> => {
        const [row] = await q<{ allowed: boolean; taken: boolean }>(c, SQL.setLink, params);
        if (!row) return notFound;
        if (!row.allowed) return { ok: false, error: 'AUTH' };
        return row.taken ? dupErr : { ok: true };
      },
      duplicateOr(dupErr),
    );
  }

  deleteQueueLink(
    recipientId: Uint8Array,
  ): Promise<StoreResult<{ deleted: boolean }, 'NOT_FOUND'>> {
    return this.#gc.submit(recipientId, async (c) => {
      const [row] = await q<{ had_link: boolean }>(c, SQL.deleteLink, [recipientId, this.#shards]);
      return row ? { ok: true, deleted: row.had_link } : notFound;
    });
  }

  touchQueue(
    recipientId: Uint8Array,
    day: number,
  ): Promise<StoreResult<{ updated: boolean }, 'NOT_FOUND'>> {
    return this.#gc.submit(recipientId, async (c) => {
      const [row] = await q<{ updated: boolean; found: boolean }>(c, SQL.touch, [
        recipientId,
        this.#shards,
        day,
      ]);
      return row?.found ? { ok: true, updated: row.updated } : notFound;
    });
  }

  async getQueueSize(recipientId: Uint8Array): Promise<number | undefined> {
    const [row] = await q<{ msg_queue_size: number }>(this.#pool, SQL.queueSize, [
      recipientId,
      this.#shards,
    ]);
    return row?.msg_queue_size;
  }

  writeMsg(recipientId: Uint8Array, msg: NewMessage, quota: number): Promise<WriteMsgResult> {
    if (!Number.isInteger(quota) || quota < 1) throw new RangeError(`bad quota: ${quota}`);
    const params = [recipientId, this.#shards, msg.msgId, msg.ts, msg.ntfFlag, msg.body, quota];
    return this.#gc.submit(recipientId, async (c) => {
      const [row] = await q<{ outcome: WriteMsgResult['kind']; was_empty: boolean }>(
        c,
        SQL.writeMsg,
        params,
      );
      if (!row) throw new TypeError('write_msg returned no row');
      return { kind: row.outcome, wasEmpty: row.was_empty } as WriteMsgResult;
    });
  }

  async peekMsg(recipientId: Uint8Array): Promise<StoredMessage | undefined> {
    const [row] = await q<MsgRow>(this.#pool, SQL.peekMsg, [recipientId, this.#shards]);
    return row && rowToMsg(row);
  }

  async tryDelMsg(recipientId: Uint8Array, msgId: Uint8Array): Promise<StoredMessage | undefined> {
    return (await this.#delPeek(recipientId, msgId, false)).deleted;
  }

  tryDelPeekMsg(recipientId: Uint8Array, msgId: Uint8Array): Promise<DelPeekResult> {
    return this.#delPeek(recipientId, msgId, true);
  }

  expireMsgs(recipientId: Uint8Array, olderThanTs: bigint): Promise<number> {
    return this.#gc.submit(recipientId, async (c) => {
      const [row] = await q<{ deleted: number }>(c, SQL.expireMsgs, [
        recipientId,
        this.#shards,
        olderThanTs,
      ]);
      return row?.deleted ?? 0;
    });
  }

  // Background pass: autocommit batches outside group commit; the SQL skips queues locked by
  // in-flight operations, so it never blocks them for long and cannot deadlock with them.
  async expireAllMsgs(olderThanTs: bigint, opts: BulkExpireOptions = {}): Promise<number> {
    const batch = opts.batchSize ?? DEFAULT_EXPIRE_BATCH;
    let total = 0;
    for (const vshard of this.#owned.pick(opts.vshards)) {
      let last: Uint8Array = new Uint8Array(0);
      for (;;) {
        const [row] = await q<{ queues: number; last: Buffer | null; deleted: number }>(
          this.#pool,
          SQL.expireMsgsBatch,
          [vshard, this.#shards, last, olderThanTs, batch],
        );
        total += row?.deleted ?? 0;
        if (!row?.last || row.queues < batch) break;
        last = u8(row.last);
      }
    }
    return total;
  }

  addPendingNtf(
    notifierId: Uint8Array,
    ntf: PendingNtf,
  ): Promise<StoreResult<object, 'NOT_FOUND'>> {
    const params = [notifierId, this.#shards, ntf.msgId, ntf.ts, ntf.nonce, ntf.encMeta];
    return this.#gc.submit(notifierId, async (c) => {
      const r = await c.query({ ...SQL.addNtf, values: params });
      return r.rowCount === 1 ? { ok: true } : notFound;
    });
  }

  takePendingNtfs(notifierId: Uint8Array, limit = DEFAULT_NTF_TAKE): Promise<PendingNtf[]> {
    return this.#gc.submit(notifierId, async (c) => {
      const rows = await q<NtfRow>(c, SQL.takeNtfs, [notifierId, this.#shards, limit]);
      // DELETE … RETURNING has no order of its own.
      rows.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
      return rows.map(rowToNtf);
    });
  }

  async expirePendingNtfs(olderThanTs: bigint, opts: BulkExpireOptions = {}): Promise<number> {
    const batch = opts.batchSize ?? DEFAULT_EXPIRE_BATCH;
    let total = 0;
    for (const vshard of this.#owned.pick(opts.vshards)) {
      for (;;) {
        const r = await this.#pool.query({
          ...SQL.expireNtfsBatch,
          values: [vshard, olderThanTs, batch],
        });
        total += r.rowCount ?? 0;
        if ((r.rowCount ?? 0) < batch) break;
      }
    }
    return total;
  }

  async close(): Promise<void> {
    await this.#gc.idle();
    await this.#pool.end();
    await this.#claim?.release();
    this.#claim = undefined;
  }

  async #getBy(
    stmt: { name: string; text: string },
    id: Uint8Array,
  ): Promise<QueueRec | undefined> {
    const [row] = await q<QueueRow>(this.#pool, stmt, [id, this.#shards]);
    return row && rowToQueueRec(row);
  }

  #delPeek(recipientId: Uint8Array, msgId: Uint8Array, peek: boolean): Promise<DelPeekResult> {
    return this.#gc.submit(recipientId, async (c) => {
      const rows = await q<MsgRow & { r_role: 'deleted' | 'head' }>(c, SQL.delPeekMsg, [
        recipientId,
        this.#shards,
        msgId,
        peek,
      ]);
      const out: { deleted?: StoredMessage; head?: StoredMessage } = {};
      for (const row of rows) out[row.r_role] = rowToMsg(row);
      return out;
    });
  }
}

const notFound = { ok: false, error: 'NOT_FOUND' } as const;
const dupErr = { ok: false, error: 'DUPLICATE' } as const;

async function q<R extends QueryResultRow>(
  c: PoolClient | pg.Pool,
  stmt: Pick<QueryConfig, 'name' | 'text'>,
  values: unknown[],
): Promise<R[]> {
  const r = await c.query<R>({ name: stmt.name, text: stmt.text, values });
  return r.rows;
}
