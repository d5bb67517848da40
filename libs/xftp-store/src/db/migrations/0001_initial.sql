-- Up Migration
-- XFTP file store (spec §11.1). Written from the semantics of upstream
-- FileTransfer/Server/Store/Postgres/Migrations.hs (`files`, `recipients`), not copied from it.
-- Names are unqualified: node-pg-migrate sets search_path to the schema chosen at migration time,
-- so one database can hold several independent stores (one per schema).
-- Differences, on purpose:
-- * `body` replaces upstream's `file_path`: the blob key is derived from the sender ID
--   (src/file-ids.ts: blobKeyForSender), and the `reserved` state ties an in-flight upload's quota
--   reservation to its record, so a gateway that dies mid-upload leaks it only until the record is
--   deleted or expires (upstream keeps reservations in process memory and recounts at start).
-- * `storage_usage` holds the quota total (upstream `usedStorage`, a TVar summed over all records at
--   start). Invariant at every commit: used_bytes = sum(file_size) over files with body <> 'none'.
--   Every statement that changes a body state locks the file row first and then updates this row in
--   the same statement, so the quota check is one conditional UPDATE and nothing sums the table.
--   The row lock serialises only those statements (reserve, commit-after-release, delete, block,
--   expiry), each a single short autocommit statement; FNEW, FADD, lookups and the common FPUT
--   commit (already reserved) do not touch it.
-- * Blocking info is typed columns (reason, notice) instead of upstream's text status encoding.
-- * file_size is bigint: a Word32 does not fit PostgreSQL's signed integer.

CREATE TABLE files (
  sender_id bytea PRIMARY KEY,
  sender_key bytea NOT NULL,
  file_size bigint NOT NULL CHECK (file_size > 0 AND file_size <= 4294967295),
  file_digest bytea NOT NULL,
  created_at bigint NOT NULL CHECK (created_at % 3600 = 0),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'off', 'blocked')),
  block_reason text CHECK (block_reason IN ('spam', 'content')),
  block_notice jsonb,
  body text NOT NULL DEFAULT 'none' CHECK (body IN ('none', 'reserved', 'stored')),
  CONSTRAINT files_block_info CHECK (
    (status = 'blocked') = (block_reason IS NOT NULL) AND (block_notice IS NULL OR status = 'blocked'))
);

-- The expiry sweep takes the oldest records first.
CREATE INDEX files_created_at_idx ON files (created_at);

CREATE TABLE recipients (
  recipient_id bytea PRIMARY KEY,
  sender_id bytea NOT NULL REFERENCES files (sender_id) ON DELETE CASCADE,
  recipient_key bytea NOT NULL
);

-- Serves the cascade when a file is deleted or expires.
CREATE INDEX recipients_sender_id_idx ON recipients (sender_id);

CREATE TABLE storage_usage (
  id smallint PRIMARY KEY CHECK (id = 1),
  used_bytes bigint NOT NULL CHECK (used_bytes >= 0)
);

INSERT INTO storage_usage (id, used_bytes) VALUES (1, 0);

-- Down Migration
DROP TABLE recipients;
DROP TABLE files;
DROP TABLE storage_usage;
