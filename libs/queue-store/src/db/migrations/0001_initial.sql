-- Up Migration
-- Queue store schema (spec §10). Written from the semantics of upstream
-- Server/QueueStore/Postgres/server_schema.sql, not copied from it. Differences, on purpose:
-- * `vshard` on every queue row (and on pending notifications) scopes each store instance to the
--   virtual shards it owns (src/sharding.ts); `link_index` routes client-chosen link IDs.
-- * Hard delete: DEL removes the row (messages cascade). Upstream keeps a `deleted_at` tombstone
--   for 21 days, which every lookup must then filter. IDs of a deleted queue are random 24-byte
--   values (client-chosen sender IDs are a SHA3-384 prefix of a corrId), so reuse is not a concern.
-- * Messages use a composite primary key (recipient_id, seq): one index serves FIFO order, head
--   lookup and deletion; bodies (client-encrypted, incompressible) are stored out of line without
--   compression.
-- * Pending notifications are persisted here (upstream keeps them in memory, §10.4).

CREATE TABLE queue_store.queues (
  recipient_id bytea PRIMARY KEY,
  vshard smallint NOT NULL CHECK (vshard >= 0),
  recipient_keys bytea[] NOT NULL CHECK (cardinality(recipient_keys) > 0),
  rcv_dh_secret bytea NOT NULL,
  sender_id bytea NOT NULL,
  sender_key bytea,
  queue_mode text CHECK (queue_mode IN ('M', 'C')),
  link_id bytea,
  link_fixed_data bytea,
  link_user_data bytea,
  notifier_id bytea,
  notifier_key bytea,
  rcv_ntf_dh_secret bytea,
  ntf_service_id bytea,
  status text NOT NULL CHECK (status IN ('active', 'off', 'blocked')),
  block_reason text CHECK (block_reason IN ('spam', 'content')),
  block_notice jsonb,
  updated_at bigint NOT NULL,
  rcv_service_id bytea,
  -- Message counters (spec §8.4): the quota rule and emptiness checks read only this row.
  msg_can_write boolean NOT NULL DEFAULT true,
  msg_queue_size integer NOT NULL DEFAULT 0 CHECK (msg_queue_size >= 0),
  -- The queue may hold expirable (non-marker) messages; the background pass visits only these.
  msg_queue_expire boolean NOT NULL DEFAULT false,
  CONSTRAINT queues_link_complete CHECK (
    (link_id IS NULL) = (link_fixed_data IS NULL) AND (link_id IS NULL) = (link_user_data IS NULL)),
  CONSTRAINT queues_notifier_complete CHECK (
    (notifier_id IS NULL) = (notifier_key IS NULL) AND (notifier_id IS NULL) = (rcv_ntf_dh_secret IS NULL)
    AND (ntf_service_id IS NULL OR notifier_id IS NOT NULL)),
  CONSTRAINT queues_block_info CHECK (
    (status = 'blocked') = (block_reason IS NOT NULL) AND (block_notice IS NULL OR status = 'blocked'))
) WITH (fillfactor = 80);
-- fillfactor and the index set keep counter updates (every write and ACK) HOT: no index covers or
-- filters on msg_* columns, so updating them adds no index entries.

CREATE UNIQUE INDEX queues_sender_id_key ON queue_store.queues (sender_id);
CREATE UNIQUE INDEX queues_notifier_id_key ON queue_store.queues (notifier_id);
CREATE UNIQUE INDEX queues_link_id_key ON queue_store.queues (link_id);
-- The background expiry pass walks one vshard in recipient-ID order and filters on msg_queue_expire.
CREATE INDEX queues_vshard_idx ON queue_store.queues (vshard, recipient_id);
CREATE INDEX queues_rcv_service_idx ON queue_store.queues (rcv_service_id) WHERE rcv_service_id IS NOT NULL;
CREATE INDEX queues_ntf_service_idx ON queue_store.queues (ntf_service_id) WHERE ntf_service_id IS NOT NULL;

-- Routing index for link IDs (spec §11.3): its key is global, so it also enforces link-ID
-- uniqueness across vshards.
CREATE TABLE queue_store.link_index (
  link_id bytea PRIMARY KEY,
  vshard smallint NOT NULL CHECK (vshard >= 0)
);

CREATE TABLE queue_store.messages (
  recipient_id bytea NOT NULL REFERENCES queue_store.queues (recipient_id) ON DELETE CASCADE,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  msg_id bytea NOT NULL,
  msg_ts bigint NOT NULL,
  msg_quota boolean NOT NULL,
  msg_ntf_flag boolean NOT NULL,
  msg_body bytea NOT NULL,
  PRIMARY KEY (recipient_id, seq)
);
ALTER TABLE queue_store.messages ALTER COLUMN msg_body SET STORAGE EXTERNAL;

-- No foreign key to queues.notifier_id: the notifier ID changes on NKEY and the rows are removed
-- explicitly with it; a notification racing a notifier removal is dropped by the 24 h expiry.
CREATE TABLE queue_store.pending_ntfs (
  notifier_id bytea NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  vshard smallint NOT NULL,
  msg_id bytea NOT NULL,
  msg_ts bigint NOT NULL,
  nonce bytea NOT NULL,
  enc_meta bytea NOT NULL,
  PRIMARY KEY (notifier_id, seq)
);
CREATE INDEX pending_ntfs_expire_idx ON queue_store.pending_ntfs (vshard, msg_ts);

-- Appends a message under the quota rule (spec §8.4): a queue that is writable or empty takes a
-- message while size < quota, else a quota marker (same ID and ts, no body, no notification) and
-- stops accepting writes until drained. The queue row lock serialises writers of one queue.
CREATE FUNCTION queue_store.write_msg(
  p_recipient_id bytea, p_shards int4multirange, p_msg_id bytea, p_msg_ts bigint,
  p_ntf_flag boolean, p_body bytea, p_quota integer,
  OUT outcome text, OUT was_empty boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v_size integer;
  v_can_write boolean;
  v_marker boolean;
BEGIN
  SELECT q.msg_queue_size, q.msg_can_write INTO v_size, v_can_write
  FROM queue_store.queues q
  WHERE q.recipient_id = p_recipient_id AND q.vshard::int4 <@ p_shards
  FOR NO KEY UPDATE;
  was_empty := false;
  IF NOT FOUND THEN
    outcome := 'no-queue';
    RETURN;
  END IF;
  IF v_size > 0 AND NOT v_can_write THEN
    outcome := 'quota-exceeded';
    RETURN;
  END IF;
  was_empty := v_size = 0;
  v_marker := v_size >= p_quota;
  INSERT INTO queue_store.messages (recipient_id, msg_id, msg_ts, msg_quota, msg_ntf_flag, msg_body)
  VALUES (p_recipient_id, p_msg_id, p_msg_ts, v_marker, p_ntf_flag AND NOT v_marker,
          CASE WHEN v_marker THEN '\x'::bytea ELSE p_body END);
  UPDATE queue_store.queues
  SET msg_queue_size = msg_queue_size + 1,
      msg_can_write = NOT v_marker,
      msg_queue_expire = msg_queue_expire OR NOT v_marker
  WHERE recipient_id = p_recipient_id;
  outcome := CASE WHEN v_marker THEN 'quota-marker-written' ELSE 'written' END;
END;
$$;

-- ACK: deletes the head iff its ID is p_msg_id, then (with p_peek) returns the new head. Rows are
-- tagged 'deleted' / 'head'. With a wrong ID nothing is deleted and the current head is returned.
-- A queue whose counter says non-empty but has no rows is repaired (counters drifting would block
-- writes for good).
CREATE FUNCTION queue_store.del_peek_msg(p_recipient_id bytea, p_shards int4multirange, p_msg_id bytea, p_peek boolean)
RETURNS TABLE (r_role text, r_msg_id bytea, r_msg_ts bigint, r_msg_quota boolean, r_msg_ntf_flag boolean, r_msg_body bytea)
LANGUAGE plpgsql AS $$
DECLARE
  v_size integer;
  v_head record;
  v_next record;
BEGIN
  SELECT q.msg_queue_size INTO v_size
  FROM queue_store.queues q
  WHERE q.recipient_id = p_recipient_id AND q.vshard::int4 <@ p_shards
  FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT m.seq, m.msg_id, m.msg_ts, m.msg_quota, m.msg_ntf_flag, m.msg_body INTO v_head
  FROM queue_store.messages m WHERE m.recipient_id = p_recipient_id ORDER BY m.seq LIMIT 1;
  IF NOT FOUND THEN
    IF v_size <> 0 THEN
      UPDATE queue_store.queues SET msg_queue_size = 0, msg_can_write = true, msg_queue_expire = false
      WHERE recipient_id = p_recipient_id;
    END IF;
    RETURN;
  END IF;
  IF v_head.msg_id <> p_msg_id THEN
    IF p_peek THEN
      RETURN QUERY VALUES ('head', v_head.msg_id, v_head.msg_ts, v_head.msg_quota, v_head.msg_ntf_flag, v_head.msg_body);
    END IF;
    RETURN;
  END IF;
  DELETE FROM queue_store.messages WHERE recipient_id = p_recipient_id AND seq = v_head.seq;
  UPDATE queue_store.queues
  SET msg_queue_size = GREATEST(msg_queue_size - 1, 0),
      msg_can_write = msg_can_write OR msg_queue_size <= 1,
      msg_queue_expire = msg_queue_expire AND msg_queue_size > 1
  WHERE recipient_id = p_recipient_id;
  RETURN QUERY VALUES ('deleted', v_head.msg_id, v_head.msg_ts, v_head.msg_quota, v_head.msg_ntf_flag, v_head.msg_body);
  IF p_peek THEN
    SELECT m.msg_id, m.msg_ts, m.msg_quota, m.msg_ntf_flag, m.msg_body INTO v_next
    FROM queue_store.messages m WHERE m.recipient_id = p_recipient_id ORDER BY m.seq LIMIT 1;
    IF FOUND THEN
      RETURN QUERY VALUES ('head', v_next.msg_id, v_next.msg_ts, v_next.msg_quota, v_next.msg_ntf_flag, v_next.msg_body);
    END IF;
  END IF;
END;
$$;

-- Expiry of one queue (spec §8.6): deletes from the head up to the first message that is newer
-- than p_old_ts or a quota marker (markers are never expired). With p_skip_locked (background
-- pass) a queue locked by a concurrent operation is skipped rather than waited for, so the pass
-- cannot deadlock with a group-commit transaction.
CREATE FUNCTION queue_store.expire_msgs(p_recipient_id bytea, p_shards int4multirange, p_old_ts bigint, p_skip_locked boolean)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_size integer;
  v_keep_seq bigint;
  v_keep_quota boolean;
  v_deleted integer;
BEGIN
  IF p_skip_locked THEN
    SELECT q.msg_queue_size INTO v_size FROM queue_store.queues q
    WHERE q.recipient_id = p_recipient_id AND q.vshard::int4 <@ p_shards
    FOR NO KEY UPDATE SKIP LOCKED;
  ELSE
    SELECT q.msg_queue_size INTO v_size FROM queue_store.queues q
    WHERE q.recipient_id = p_recipient_id AND q.vshard::int4 <@ p_shards
    FOR NO KEY UPDATE;
  END IF;
  IF NOT FOUND OR v_size = 0 THEN
    RETURN 0;
  END IF;
  SELECT m.seq, m.msg_quota INTO v_keep_seq, v_keep_quota
  FROM queue_store.messages m
  WHERE m.recipient_id = p_recipient_id AND (m.msg_ts >= p_old_ts OR m.msg_quota)
  ORDER BY m.seq LIMIT 1;
  DELETE FROM queue_store.messages m
  WHERE m.recipient_id = p_recipient_id AND (v_keep_seq IS NULL OR m.seq < v_keep_seq);
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  UPDATE queue_store.queues
  SET msg_queue_size = GREATEST(msg_queue_size - v_deleted, 0),
      msg_can_write = msg_can_write OR msg_queue_size <= v_deleted,
      msg_queue_expire = v_keep_seq IS NOT NULL AND NOT v_keep_quota
  WHERE recipient_id = p_recipient_id
    AND (v_deleted > 0 OR msg_queue_expire <> (v_keep_seq IS NOT NULL AND NOT v_keep_quota));
  RETURN v_deleted;
END;
$$;

-- Down Migration
DROP FUNCTION queue_store.expire_msgs(bytea, int4multirange, bigint, boolean);
DROP FUNCTION queue_store.del_peek_msg(bytea, int4multirange, bytea, boolean);
DROP FUNCTION queue_store.write_msg(bytea, int4multirange, bytea, bigint, boolean, bytea, integer);
DROP TABLE queue_store.pending_ntfs;
DROP TABLE queue_store.messages;
DROP TABLE queue_store.link_index;
DROP TABLE queue_store.queues;
