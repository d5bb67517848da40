// FileStore on PostgreSQL 15 through a `pg` Pool with named prepared statements (statements.ts).
// Each operation is one autocommit statement (the recount is the only explicit transaction), so
// gateways sharing the database see each other's writes at once; nothing is cached in process.
// Chunk operations are far rarer than SMP messages, so there is no group commit here.
import pg from 'pg';
import type { QueryResultRow } from 'pg';
import type { BlockingInfo } from '@simplex-relay/protocol';
import { ID_ATTEMPTS, randomFileId } from '../file-ids.ts';
import type { FileIdGenerator } from '../file-ids.ts';
import type {
  BodyState,
  ExpireOptions,
  FileRec,
  FileStore,
  FileStoreResult,
  NewFile,
  RemovedBody,
} from '../ports/file-store.port.ts';
import { checkNewFile, checkQuota, checkRecipientKeys, resolveExpiry } from '../validation.ts';
import { XFTP_STORE_SCHEMA, checkSchemaName } from './migrate.ts';
import { POSTGRES_FILE_STORE_DEFAULTS } from './postgres-file-store.config.ts';
import type { PostgresFileStoreConfig } from './postgres-file-store.config.ts';
import { blockingToColumns, int, rowToFileRec, rowToRemoved, u8 } from './rows.ts';
import type { FileRow, RemovedRow } from './rows.ts';
import { fileStoreStatements } from './statements.ts';
import type { FileStoreStatements, Stmt } from './statements.ts';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

const notFound = { ok: false, error: 'NOT_FOUND' } as const;
const internal = { ok: false, error: 'INTERNAL' } as const;

/** SQLSTATE of a driver error, if any. */
const sqlState = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;

/** Options beyond the config object (tests). */
export interface PostgresFileStoreOptions {
  /** Source of new IDs; default `randomFileId` (tests inject collisions). */
  readonly newId?: FileIdGenerator;
}

export class PostgresFileStore implements FileStore {
  readonly #pool: pg.Pool;
  readonly #sql: FileStoreStatements;
  readonly #newId: FileIdGenerator;

  constructor(config: PostgresFileStoreConfig, opts: PostgresFileStoreOptions = {}) {
    const schema = checkSchemaName(config.schema ?? XFTP_STORE_SCHEMA);
    this.#sql = fileStoreStatements(schema);
    this.#newId = opts.newId ?? randomFileId;
    this.#pool = new pg.Pool({
      connectionString: config.connectionString,
      max: config.poolSize ?? POSTGRES_FILE_STORE_DEFAULTS.poolSize,
      application_name: 'xftp-store',
    });
    const onError = config.onPoolError ?? ((err: Error) => process.emitWarning(err));
    this.#pool.on('error', onError);
  }

  async createFile(
    file: NewFile,
  ): Promise<FileStoreResult<{ senderId: Uint8Array; recipientIds: Uint8Array[] }, 'INTERNAL'>> {
    const createdAt = checkNewFile(file);
    for (let i = 0; i < ID_ATTEMPTS; i++) {
      const senderId = this.#newId();
      const recipientIds = file.recipientKeys.map(() => this.#newId());
      if (!distinct([senderId, ...recipientIds])) continue;
      const values = [
        senderId,
        file.senderKey,
        file.size,
        file.digest,
        createdAt,
        recipientIds,
        file.recipientKeys,
      ];
      const created = await this.#q<{ created: boolean }>(this.#sql.createFile, values).then(
        (rows) => rows[0]?.created === true,
        onUnique(false),
      );
      if (created)
        return { ok: true, senderId: copy(senderId), recipientIds: recipientIds.map(copy) };
    }
    return internal;
  }

  async addRecipients(
    senderId: Uint8Array,
    recipientKeys: readonly [Uint8Array, ...Uint8Array[]],
  ): Promise<FileStoreResult<{ recipientIds: Uint8Array[] }, 'NOT_FOUND' | 'INTERNAL'>> {
    checkRecipientKeys(recipientKeys);
    for (let i = 0; i < ID_ATTEMPTS; i++) {
      const recipientIds = recipientKeys.map(() => this.#newId());
      if (!distinct(recipientIds)) continue;
      let row: { found: boolean; taken: boolean } | undefined;
      try {
        [row] = await this.#q<{ found: boolean; taken: boolean }>(this.#sql.addRecipients, [
          senderId,
          recipientIds,
          recipientKeys,
        ]);
      } catch (err) {
        // The file was deleted between the lookup and the insert.
        if (sqlState(err) === FOREIGN_KEY_VIOLATION) return notFound;
        if (sqlState(err) === UNIQUE_VIOLATION) continue;
        throw err;
      }
      if (!row?.found) return notFound;
      if (!row.taken) return { ok: true, recipientIds: recipientIds.map(copy) };
    }
    return internal;
  }

  async getFileBySender(senderId: Uint8Array): Promise<FileRec | undefined> {
    const [row] = await this.#q<FileRow>(this.#sql.bySender, [senderId]);
    return row && rowToFileRec(row);
  }

  async getFileByRecipient(
    recipientId: Uint8Array,
  ): Promise<{ file: FileRec; recipientKey: Uint8Array } | undefined> {
    const [row] = await this.#q<FileRow & { recipient_key: Buffer }>(this.#sql.byRecipient, [
      recipientId,
    ]);
    return row && { file: rowToFileRec(row), recipientKey: u8(row.recipient_key) };
  }

  async reserveStorage(
    senderId: Uint8Array,
    quota: number | undefined,
  ): Promise<FileStoreResult<object, 'NOT_FOUND' | 'QUOTA'>> {
    checkQuota(quota);
    const [row] = await this.#q<{ before: BodyState; counted: boolean }>(this.#sql.reserve, [
      senderId,
      quota ?? null,
    ]);
    if (!row) return notFound;
    return row.before !== 'none' || row.counted ? { ok: true } : { ok: false, error: 'QUOTA' };
  }

  async releaseStorage(senderId: Uint8Array): Promise<FileStoreResult<object, 'NOT_FOUND'>> {
    const [row] = await this.#q<{ before: BodyState }>(this.#sql.release, [senderId]);
    return row ? { ok: true } : notFound;
  }

  async markStored(
    senderId: Uint8Array,
  ): Promise<FileStoreResult<{ alreadyStored: boolean }, 'NOT_FOUND'>> {
    const [row] = await this.#q<{ before: BodyState }>(this.#sql.markStored, [senderId]);
    return row ? { ok: true, alreadyStored: row.before === 'stored' } : notFound;
  }

  async deleteFile(senderId: Uint8Array): Promise<FileStoreResult<RemovedBody, 'NOT_FOUND'>> {
    const [row] = await this.#q<RemovedRow>(this.#sql.deleteFile, [senderId]);
    return row ? { ok: true, ...rowToRemoved(row) } : notFound;
  }

  async deleteRecipient(recipientId: Uint8Array): Promise<FileStoreResult<object, 'NOT_FOUND'>> {
    const r = await this.#pool.query({ ...this.#sql.deleteRecipient, values: [recipientId] });
    return r.rowCount === 1 ? { ok: true } : notFound;
  }

  async blockFile(
    senderId: Uint8Array,
    info: BlockingInfo,
  ): Promise<FileStoreResult<RemovedBody, 'NOT_FOUND'>> {
    const [row] = await this.#q<RemovedRow>(this.#sql.block, [
      senderId,
      ...blockingToColumns(info),
    ]);
    return row ? { ok: true, ...rowToRemoved(row) } : notFound;
  }

  async expireFiles(opts: ExpireOptions = {}): Promise<RemovedBody[]> {
    const { cutoff, limit } = resolveExpiry(opts);
    const rows = await this.#q<RemovedRow>(this.#sql.expire, [cutoff, limit]);
    return rows.map(rowToRemoved);
  }

  async getUsedStorage(): Promise<number> {
    const [row] = await this.#q<{ used_bytes: string }>(this.#sql.usedStorage, []);
    if (!row) throw new TypeError('storage_usage row missing (store not migrated?)');
    return int(row.used_bytes);
  }

  async countFiles(): Promise<number> {
    const [row] = await this.#q<{ n: string }>(this.#sql.countFiles, []);
    return int(row?.n ?? 0);
  }

  async recountUsedStorage(): Promise<number> {
    const c = await this.#pool.connect();
    try {
      await c.query('BEGIN');
      await c.query({ ...this.#sql.lockUsage, values: [] });
      const r = await c.query<{ used_bytes: string }>({ ...this.#sql.recount, values: [] });
      await c.query('COMMIT');
      const row = r.rows[0];
      if (!row) throw new TypeError('storage_usage row missing (store not migrated?)');
      return int(row.used_bytes);
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #q<R extends QueryResultRow>(stmt: Stmt, values: unknown[]): Promise<R[]> {
    const r = await this.#pool.query<R>({ name: stmt.name, text: stmt.text, values });
    return r.rows;
  }
}

const copy = (b: Uint8Array): Uint8Array => new Uint8Array(b);

/** Whether the generated IDs differ from each other (a repeat would collide inside one statement). */
function distinct(ids: Uint8Array[]): boolean {
  return new Set(ids.map((b) => Buffer.from(b).toString('hex'))).size === ids.length;
}

/** A unique violation means an ID was taken: retry with fresh IDs. */
const onUnique =
  <T>(value: T) =>
  (err: unknown): T => {
    if (sqlState(err) === UNIQUE_VIOLATION) return value;
    throw err;
  };
