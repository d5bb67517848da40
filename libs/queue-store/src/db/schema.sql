CREATE SCHEMA queue_store;

CREATE FUNCTION queue_store.del_peek_msg(p_recipient_id bytea, p_shards int4multirange, p_msg_id bytea, p_peek boolean) RETURNS TABLE(r_role text, r_msg_id bytea, r_msg_ts bigint, r_msg_quota boolean, r_msg_ntf_flag boolean, r_msg_body bytea)
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION queue_store.expire_msgs(p_recipient_id bytea, p_shards int4multirange, p_old_ts bigint, p_skip_locked boolean) RETURNS integer
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION queue_store.write_msg(p_recipient_id bytea, p_shards int4multirange, p_msg_id bytea, p_msg_ts bigint, p_ntf_flag boolean, p_body bytea, p_quota integer, OUT outcome text, OUT was_empty boolean) RETURNS record
    LANGUAGE plpgsql
    AS $$
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

CREATE TABLE queue_store.link_index (
    link_id bytea NOT NULL,
    vshard smallint NOT NULL,
    CONSTRAINT link_index_vshard_check CHECK ((vshard >= 0))
);

CREATE TABLE queue_store.messages (
    recipient_id bytea NOT NULL,
    seq bigint NOT NULL,
    msg_id bytea NOT NULL,
    msg_ts bigint NOT NULL,
    msg_quota boolean NOT NULL,
    msg_ntf_flag boolean NOT NULL,
    msg_body bytea NOT NULL
);
ALTER TABLE ONLY queue_store.messages ALTER COLUMN msg_body SET STORAGE EXTERNAL;

ALTER TABLE queue_store.messages ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME queue_store.messages_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE queue_store.migrations (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    run_on timestamp without time zone NOT NULL
);

CREATE SEQUENCE queue_store.migrations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE queue_store.migrations_id_seq OWNED BY queue_store.migrations.id;

CREATE TABLE queue_store.pending_ntfs (
    notifier_id bytea NOT NULL,
    seq bigint NOT NULL,
    vshard smallint NOT NULL,
    msg_id bytea NOT NULL,
    msg_ts bigint NOT NULL,
    nonce bytea NOT NULL,
    enc_meta bytea NOT NULL
);

ALTER TABLE queue_store.pending_ntfs ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME queue_store.pending_ntfs_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE queue_store.queues (
    recipient_id bytea NOT NULL,
    vshard smallint NOT NULL,
    recipient_keys bytea[] NOT NULL,
    rcv_dh_secret bytea NOT NULL,
    sender_id bytea NOT NULL,
    sender_key bytea,
    queue_mode text,
    link_id bytea,
    link_fixed_data bytea,
    link_user_data bytea,
    notifier_id bytea,
    notifier_key bytea,
    rcv_ntf_dh_secret bytea,
    ntf_service_id bytea,
    status text NOT NULL,
    block_reason text,
    block_notice jsonb,
    updated_at bigint NOT NULL,
    rcv_service_id bytea,
    msg_can_write boolean DEFAULT true NOT NULL,
    msg_queue_size integer DEFAULT 0 NOT NULL,
    msg_queue_expire boolean DEFAULT false NOT NULL,
    CONSTRAINT queues_block_info CHECK ((((status = 'blocked'::text) = (block_reason IS NOT NULL)) AND ((block_notice IS NULL) OR (status = 'blocked'::text)))),
    CONSTRAINT queues_block_reason_check CHECK ((block_reason = ANY (ARRAY['spam'::text, 'content'::text]))),
    CONSTRAINT queues_link_complete CHECK ((((link_id IS NULL) = (link_fixed_data IS NULL)) AND ((link_id IS NULL) = (link_user_data IS NULL)))),
    CONSTRAINT queues_msg_queue_size_check CHECK ((msg_queue_size >= 0)),
    CONSTRAINT queues_notifier_complete CHECK ((((notifier_id IS NULL) = (notifier_key IS NULL)) AND ((notifier_id IS NULL) = (rcv_ntf_dh_secret IS NULL)) AND ((ntf_service_id IS NULL) OR (notifier_id IS NOT NULL)))),
    CONSTRAINT queues_queue_mode_check CHECK ((queue_mode = ANY (ARRAY['M'::text, 'C'::text]))),
    CONSTRAINT queues_recipient_keys_check CHECK ((cardinality(recipient_keys) > 0)),
    CONSTRAINT queues_status_check CHECK ((status = ANY (ARRAY['active'::text, 'off'::text, 'blocked'::text]))),
    CONSTRAINT queues_vshard_check CHECK ((vshard >= 0))
)
WITH (fillfactor='80');

ALTER TABLE ONLY queue_store.migrations ALTER COLUMN id SET DEFAULT nextval('queue_store.migrations_id_seq'::regclass);

ALTER TABLE ONLY queue_store.link_index
    ADD CONSTRAINT link_index_pkey PRIMARY KEY (link_id);

ALTER TABLE ONLY queue_store.messages
    ADD CONSTRAINT messages_pkey PRIMARY KEY (recipient_id, seq);

ALTER TABLE ONLY queue_store.migrations
    ADD CONSTRAINT migrations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY queue_store.pending_ntfs
    ADD CONSTRAINT pending_ntfs_pkey PRIMARY KEY (notifier_id, seq);

ALTER TABLE ONLY queue_store.queues
    ADD CONSTRAINT queues_pkey PRIMARY KEY (recipient_id);

CREATE INDEX pending_ntfs_expire_idx ON queue_store.pending_ntfs USING btree (vshard, msg_ts);

CREATE UNIQUE INDEX queues_link_id_key ON queue_store.queues USING btree (link_id);

CREATE UNIQUE INDEX queues_notifier_id_key ON queue_store.queues USING btree (notifier_id);

CREATE INDEX queues_ntf_service_idx ON queue_store.queues USING btree (ntf_service_id) WHERE (ntf_service_id IS NOT NULL);

CREATE INDEX queues_rcv_service_idx ON queue_store.queues USING btree (rcv_service_id) WHERE (rcv_service_id IS NOT NULL);

CREATE UNIQUE INDEX queues_sender_id_key ON queue_store.queues USING btree (sender_id);

CREATE INDEX queues_vshard_idx ON queue_store.queues USING btree (vshard, recipient_id);

ALTER TABLE ONLY queue_store.messages
    ADD CONSTRAINT messages_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES queue_store.queues(recipient_id) ON DELETE CASCADE;
