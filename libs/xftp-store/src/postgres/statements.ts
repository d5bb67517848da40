// SQL of the Postgres file store, one named prepared statement each, for the tables of one schema.
// Every mutation is a single statement, atomic in autocommit. Statements that change a body state
// lock the file row (FOR NO KEY UPDATE, or the DELETE's own lock) before they update the
// storage_usage row, so all of them take locks in one order: file rows, then the counter.

/** Columns of a file record, in the order `rowToFileRec` reads them. */
const FILE_COLUMNS =
  'f.sender_id, f.sender_key, f.file_size, f.file_digest, f.created_at, f.status, f.block_reason, f.block_notice, f.body';

/** A named statement. */
export interface Stmt {
  readonly name: string;
  readonly text: string;
}

/** The statements for `schema` (validated by `checkSchemaName`). */
export function fileStoreStatements(schema: string) {
  const S = `"${schema}"`;
  const usage = `${S}.storage_usage`;
  // Recipient IDs and keys as two parallel arrays, one row each.
  const ids = (rids: string, rkeys: string) =>
    `ids AS (SELECT * FROM unnest(${rids}::bytea[], ${rkeys}::bytea[]) AS u(rid, rkey))`;
  const lockFile = (extra = '') =>
    `f AS (SELECT sender_id, file_size, body FROM ${S}.files WHERE sender_id = $1${extra} FOR NO KEY UPDATE)`;
  return {
    // Per-space uniqueness is the primary keys (a collision raises 23505 and the whole statement is
    // undone); a clash with the other ID space makes the statement insert nothing.
    createFile: {
      name: 'xf_create_file',
      text: `WITH ${ids('$6', '$7')},
        clash AS (SELECT EXISTS (SELECT 1 FROM ${S}.recipients WHERE recipient_id = $1)
                      OR EXISTS (SELECT 1 FROM ${S}.files x JOIN ids ON x.sender_id = ids.rid) AS taken),
        f AS (INSERT INTO ${S}.files (sender_id, sender_key, file_size, file_digest, created_at)
              SELECT $1, $2, $3, $4, $5 FROM clash WHERE NOT clash.taken RETURNING sender_id),
        r AS (INSERT INTO ${S}.recipients (recipient_id, sender_id, recipient_key)
              SELECT ids.rid, f.sender_id, ids.rkey FROM f, ids RETURNING 1)
        SELECT NOT taken AS created FROM clash`,
    },
    addRecipients: {
      name: 'xf_add_recipients',
      text: `WITH ${ids('$2', '$3')},
        file AS (SELECT sender_id FROM ${S}.files WHERE sender_id = $1 FOR KEY SHARE),
        clash AS (SELECT EXISTS (SELECT 1 FROM ${S}.files x JOIN ids ON x.sender_id = ids.rid) AS taken),
        r AS (INSERT INTO ${S}.recipients (recipient_id, sender_id, recipient_key)
              SELECT ids.rid, file.sender_id, ids.rkey FROM file, ids, clash WHERE NOT clash.taken RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM file) AS found, (SELECT taken FROM clash) AS taken`,
    },
    bySender: {
      name: 'xf_by_sender',
      text: `SELECT ${FILE_COLUMNS} FROM ${S}.files f WHERE f.sender_id = $1`,
    },
    byRecipient: {
      name: 'xf_by_recipient',
      text: `SELECT ${FILE_COLUMNS}, r.recipient_key FROM ${S}.recipients r
        JOIN ${S}.files f ON f.sender_id = r.sender_id WHERE r.recipient_id = $1`,
    },
    // $2: quota in bytes or NULL. The counter's WHERE is re-checked on the latest row version when
    // it waited for a concurrent update (READ COMMITTED), so two reservations cannot both pass.
    reserve: {
      name: 'xf_reserve',
      text: `WITH ${lockFile(" AND status = 'active'")},
        u AS (UPDATE ${usage} s SET used_bytes = s.used_bytes + f.file_size FROM f
              WHERE s.id = 1 AND f.body = 'none' AND ($2::bigint IS NULL OR s.used_bytes + f.file_size <= $2::bigint)
              RETURNING 1),
        b AS (UPDATE ${S}.files t SET body = 'reserved' FROM f, u WHERE t.sender_id = f.sender_id)
        SELECT f.body AS before, EXISTS (SELECT 1 FROM u) AS counted FROM f`,
    },
    release: {
      name: 'xf_release',
      text: `WITH ${lockFile()},
        u AS (UPDATE ${usage} s SET used_bytes = s.used_bytes - f.file_size FROM f WHERE s.id = 1 AND f.body = 'reserved'),
        b AS (UPDATE ${S}.files t SET body = 'none' FROM f WHERE t.sender_id = f.sender_id AND f.body = 'reserved')
        SELECT f.body AS before FROM f`,
    },
    markStored: {
      name: 'xf_mark_stored',
      text: `WITH ${lockFile(" AND status = 'active'")},
        u AS (UPDATE ${usage} s SET used_bytes = s.used_bytes + f.file_size FROM f WHERE s.id = 1 AND f.body = 'none'),
        b AS (UPDATE ${S}.files t SET body = 'stored' FROM f WHERE t.sender_id = f.sender_id AND f.body <> 'stored')
        SELECT f.body AS before FROM f`,
    },
    // Recipients go by ON DELETE CASCADE.
    deleteFile: {
      name: 'xf_delete_file',
      text: `WITH d AS (DELETE FROM ${S}.files WHERE sender_id = $1 RETURNING sender_id, file_size, body),
        u AS (UPDATE ${usage} s SET used_bytes = s.used_bytes - d.file_size FROM d WHERE s.id = 1 AND d.body <> 'none')
        SELECT sender_id, file_size, body FROM d`,
    },
    deleteRecipient: {
      name: 'xf_delete_recipient',
      text: `DELETE FROM ${S}.recipients WHERE recipient_id = $1`,
    },
    block: {
      name: 'xf_block',
      text: `WITH ${lockFile()},
        u AS (UPDATE ${usage} s SET used_bytes = s.used_bytes - f.file_size FROM f WHERE s.id = 1 AND f.body <> 'none'),
        b AS (UPDATE ${S}.files t SET status = 'blocked', block_reason = $2, block_notice = $3::jsonb, body = 'none'
              FROM f WHERE t.sender_id = f.sender_id)
        SELECT f.sender_id, f.file_size, f.body FROM f`,
    },
    // SKIP LOCKED: gateways sweeping at the same time take disjoint batches, and a record in the
    // middle of another operation waits for the next batch.
    expire: {
      name: 'xf_expire',
      text: `WITH v AS (SELECT sender_id FROM ${S}.files WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED),
        d AS (DELETE FROM ${S}.files x USING v WHERE x.sender_id = v.sender_id
              RETURNING x.sender_id, x.file_size, x.body, x.created_at),
        u AS (UPDATE ${usage} s SET used_bytes = s.used_bytes - c.freed
              FROM (SELECT sum(file_size) AS freed FROM d WHERE body <> 'none') c WHERE s.id = 1 AND c.freed IS NOT NULL)
        SELECT sender_id, file_size, body FROM d ORDER BY created_at, sender_id`,
    },
    usedStorage: {
      name: 'xf_used_storage',
      text: `SELECT used_bytes FROM ${usage} WHERE id = 1`,
    },
    countFiles: {
      name: 'xf_count_files',
      text: `SELECT count(*) AS n FROM ${S}.files`,
    },
    // Recount runs in a transaction after `lockUsage`: holding the counter row, a fresh snapshot sees
    // every committed body change, and uncommitted ones apply their delta on top afterwards.
    lockUsage: {
      name: 'xf_lock_usage',
      text: `SELECT used_bytes FROM ${usage} WHERE id = 1 FOR UPDATE`,
    },
    recount: {
      name: 'xf_recount',
      text: `UPDATE ${usage} SET used_bytes = (SELECT coalesce(sum(file_size), 0) FROM ${S}.files WHERE body <> 'none')
        WHERE id = 1 RETURNING used_bytes`,
    },
  } as const satisfies Record<string, Stmt>;
}

export type FileStoreStatements = ReturnType<typeof fileStoreStatements>;
