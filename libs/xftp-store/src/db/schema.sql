CREATE SCHEMA xftp_store;

CREATE TABLE xftp_store.files (
    sender_id bytea NOT NULL,
    sender_key bytea NOT NULL,
    file_size bigint NOT NULL,
    file_digest bytea NOT NULL,
    created_at bigint NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    block_reason text,
    block_notice jsonb,
    body text DEFAULT 'none'::text NOT NULL,
    CONSTRAINT files_block_info CHECK ((((status = 'blocked'::text) = (block_reason IS NOT NULL)) AND ((block_notice IS NULL) OR (status = 'blocked'::text)))),
    CONSTRAINT files_block_reason_check CHECK ((block_reason = ANY (ARRAY['spam'::text, 'content'::text]))),
    CONSTRAINT files_body_check CHECK ((body = ANY (ARRAY['none'::text, 'reserved'::text, 'stored'::text]))),
    CONSTRAINT files_created_at_check CHECK (((created_at % (3600)::bigint) = 0)),
    CONSTRAINT files_file_size_check CHECK (((file_size > 0) AND (file_size <= '4294967295'::bigint))),
    CONSTRAINT files_status_check CHECK ((status = ANY (ARRAY['active'::text, 'off'::text, 'blocked'::text])))
);

CREATE TABLE xftp_store.migrations (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    run_on timestamp without time zone NOT NULL
);

CREATE SEQUENCE xftp_store.migrations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE xftp_store.migrations_id_seq OWNED BY xftp_store.migrations.id;

CREATE TABLE xftp_store.recipients (
    recipient_id bytea NOT NULL,
    sender_id bytea NOT NULL,
    recipient_key bytea NOT NULL
);

CREATE TABLE xftp_store.storage_usage (
    id smallint NOT NULL,
    used_bytes bigint NOT NULL,
    CONSTRAINT storage_usage_id_check CHECK ((id = 1)),
    CONSTRAINT storage_usage_used_bytes_check CHECK ((used_bytes >= 0))
);

ALTER TABLE ONLY xftp_store.migrations ALTER COLUMN id SET DEFAULT nextval('xftp_store.migrations_id_seq'::regclass);

ALTER TABLE ONLY xftp_store.files
    ADD CONSTRAINT files_pkey PRIMARY KEY (sender_id);

ALTER TABLE ONLY xftp_store.migrations
    ADD CONSTRAINT migrations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY xftp_store.recipients
    ADD CONSTRAINT recipients_pkey PRIMARY KEY (recipient_id);

ALTER TABLE ONLY xftp_store.storage_usage
    ADD CONSTRAINT storage_usage_pkey PRIMARY KEY (id);

CREATE INDEX files_created_at_idx ON xftp_store.files USING btree (created_at);

CREATE INDEX recipients_sender_id_idx ON xftp_store.recipients USING btree (sender_id);

ALTER TABLE ONLY xftp_store.recipients
    ADD CONSTRAINT recipients_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES xftp_store.files(sender_id) ON DELETE CASCADE;
