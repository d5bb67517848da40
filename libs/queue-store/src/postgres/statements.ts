// SQL of the Postgres queue store, one named prepared statement each. `$2` is always the owned
// vshards as an int4multirange, so that a store never touches another instance's queues.
const S = 'queue_store';
const OWNED = 'vshard::int4 <@ $2::int4multirange';

/** Columns of a queue record, in the order `rowToQueueRec` reads them. */
export const QUEUE_COLUMNS =
  'recipient_id, vshard, recipient_keys, rcv_dh_secret, sender_id, sender_key, queue_mode, link_id, ' +
  'link_fixed_data, link_user_data, notifier_id, notifier_key, rcv_ntf_dh_secret, ntf_service_id, status, ' +
  'block_reason, block_notice, updated_at, rcv_service_id';

const byColumn = (name: string, column: string) => ({
  name,
  text: `SELECT ${QUEUE_COLUMNS} FROM ${S}.queues WHERE ${column} = $1 AND ${OWNED}`,
});

export const SQL = {
  createQueue: {
    name: 'qs_create_queue',
    text: `WITH ins AS (
        INSERT INTO ${S}.queues (recipient_id, vshard, recipient_keys, rcv_dh_secret, sender_id, sender_key,
          queue_mode, link_id, link_fixed_data, link_user_data, notifier_id, notifier_key, rcv_ntf_dh_secret,
          ntf_service_id, status, block_reason, block_notice, updated_at, rcv_service_id)
        VALUES ($1, $2, $3::bytea[], $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18, $19)
        ON CONFLICT DO NOTHING
        RETURNING link_id, vshard),
      li AS (INSERT INTO ${S}.link_index (link_id, vshard) SELECT link_id, vshard FROM ins WHERE link_id IS NOT NULL)
      SELECT count(*)::int AS inserted FROM ins`,
  },
  byRecipient: byColumn('qs_by_recipient', 'recipient_id'),
  bySender: byColumn('qs_by_sender', 'sender_id'),
  byNotifier: byColumn('qs_by_notifier', 'notifier_id'),
  byLink: byColumn('qs_by_link', 'link_id'),
  linkShard: {
    name: 'qs_link_shard',
    text: `SELECT vshard FROM ${S}.link_index WHERE link_id = $1`,
  },
  secure: {
    name: 'qs_secure',
    text: `WITH q AS (SELECT recipient_id, sender_key FROM ${S}.queues WHERE recipient_id = $1 AND ${OWNED} FOR NO KEY UPDATE),
      u AS (UPDATE ${S}.queues t SET sender_key = $3 FROM q WHERE t.recipient_id = q.recipient_id AND q.sender_key IS NULL)
      SELECT sender_key FROM q`,
  },
  updateKeys: {
    name: 'qs_update_keys',
    text: `UPDATE ${S}.queues SET recipient_keys = $3::bytea[] WHERE recipient_id = $1 AND ${OWNED}`,
  },
  setStatus: {
    name: 'qs_set_status',
    text: `UPDATE ${S}.queues SET status = $3, block_reason = $4, block_notice = $5::jsonb WHERE recipient_id = $1 AND ${OWNED}`,
  },
  deleteQueue: {
    name: 'qs_delete_queue',
    text: `WITH d AS (DELETE FROM ${S}.queues WHERE recipient_id = $1 AND ${OWNED} RETURNING *),
      dn AS (DELETE FROM ${S}.pending_ntfs p USING d WHERE p.notifier_id = d.notifier_id),
      dl AS (DELETE FROM ${S}.link_index l USING d WHERE l.link_id = d.link_id)
      SELECT ${QUEUE_COLUMNS} FROM d`,
  },
  addNotifier: {
    name: 'qs_add_notifier',
    text: `WITH q AS (SELECT recipient_id, notifier_id FROM ${S}.queues WHERE recipient_id = $1 AND ${OWNED} FOR UPDATE),
      dup AS (SELECT EXISTS (SELECT 1 FROM ${S}.queues WHERE notifier_id = $3) AS taken),
      dn AS (DELETE FROM ${S}.pending_ntfs p USING q, dup WHERE p.notifier_id = q.notifier_id AND NOT dup.taken),
      u AS (UPDATE ${S}.queues t SET notifier_id = $3, notifier_key = $4, rcv_ntf_dh_secret = $5, ntf_service_id = NULL
            FROM q, dup WHERE t.recipient_id = q.recipient_id AND NOT dup.taken)
      SELECT q.notifier_id AS previous, dup.taken FROM q, dup`,
  },
  deleteNotifier: {
    name: 'qs_delete_notifier',
    text: `WITH q AS (SELECT recipient_id, notifier_id FROM ${S}.queues WHERE recipient_id = $1 AND ${OWNED} FOR UPDATE),
      dn AS (DELETE FROM ${S}.pending_ntfs p USING q WHERE p.notifier_id = q.notifier_id),
      u AS (UPDATE ${S}.queues t SET notifier_id = NULL, notifier_key = NULL, rcv_ntf_dh_secret = NULL, ntf_service_id = NULL
            FROM q WHERE t.recipient_id = q.recipient_id AND q.notifier_id IS NOT NULL)
      SELECT notifier_id AS previous FROM q`,
  },
  setLink: {
    name: 'qs_set_link',
    text: `WITH q AS (SELECT recipient_id, vshard, link_id, link_fixed_data FROM ${S}.queues WHERE recipient_id = $1 AND ${OWNED} FOR UPDATE),
      chk AS (SELECT recipient_id, vshard, link_id IS NULL AS is_new,
                (link_id IS NULL OR (link_id = $3 AND link_fixed_data = $4)) AS allowed,
                (link_id IS NULL AND EXISTS (SELECT 1 FROM ${S}.link_index WHERE link_id = $3)) AS taken
              FROM q),
      u AS (UPDATE ${S}.queues t SET link_id = $3, link_fixed_data = $4, link_user_data = $5
            FROM chk WHERE t.recipient_id = chk.recipient_id AND chk.allowed AND NOT chk.taken),
      li AS (INSERT INTO ${S}.link_index (link_id, vshard) SELECT $3, vshard FROM chk WHERE allowed AND is_new AND NOT taken)
      SELECT allowed, taken FROM chk`,
  },
  deleteLink: {
    name: 'qs_delete_link',
    text: `WITH q AS (SELECT recipient_id, link_id FROM ${S}.queues WHERE recipient_id = $1 AND ${OWNED} FOR UPDATE),
      u AS (UPDATE ${S}.queues t SET link_id = NULL, link_fixed_data = NULL, link_user_data = NULL
            FROM q WHERE t.recipient_id = q.recipient_id AND q.link_id IS NOT NULL),
      dl AS (DELETE FROM ${S}.link_index l USING q WHERE l.link_id = q.link_id)
      SELECT link_id IS NOT NULL AS had_link FROM q`,
  },
  // No row lock when the day is unchanged (the common case on every recipient command).
  touch: {
    name: 'qs_touch',
    text: `WITH u AS (UPDATE ${S}.queues SET updated_at = $3 WHERE recipient_id = $1 AND ${OWNED} AND updated_at <> $3 RETURNING 1)
      SELECT EXISTS (SELECT 1 FROM u) AS updated,
             EXISTS (SELECT 1 FROM ${S}.queues WHERE recipient_id = $1 AND ${OWNED}) AS found`,
  },
  queueSize: {
    name: 'qs_queue_size',
    text: `SELECT msg_queue_size FROM ${S}.queues WHERE recipient_id = $1 AND ${OWNED}`,
  },
  writeMsg: {
    name: 'qs_write_msg',
    text: `SELECT outcome, was_empty FROM ${S}.write_msg($1, $2::int4multirange, $3, $4, $5, $6, $7)`,
  },
  peekMsg: {
    name: 'qs_peek_msg',
    text: `SELECT msg_id, msg_ts, msg_quota, msg_ntf_flag, msg_body FROM ${S}.messages
      WHERE recipient_id = $1 AND EXISTS (SELECT 1 FROM ${S}.queues WHERE recipient_id = $1 AND ${OWNED})
      ORDER BY seq LIMIT 1`,
  },
  delPeekMsg: {
    name: 'qs_del_peek_msg',
    text: `SELECT r_role, r_msg_id AS msg_id, r_msg_ts AS msg_ts, r_msg_quota AS msg_quota, r_msg_ntf_flag AS msg_ntf_flag,
      r_msg_body AS msg_body FROM ${S}.del_peek_msg($1, $2::int4multirange, $3, $4)`,
  },
  expireMsgs: {
    name: 'qs_expire_msgs',
    text: `SELECT ${S}.expire_msgs($1, $2::int4multirange, $3, false) AS deleted`,
  },
  // One bounded batch of the background pass over one vshard, in recipient-ID order from $3.
  expireMsgsBatch: {
    name: 'qs_expire_msgs_batch',
    text: `SELECT count(*)::int AS queues, (array_agg(recipient_id ORDER BY recipient_id DESC))[1] AS last,
        coalesce(sum(${S}.expire_msgs(recipient_id, $2::int4multirange, $4, true)), 0)::int AS deleted
      FROM (SELECT recipient_id FROM ${S}.queues
            WHERE vshard = $1 AND msg_queue_expire AND recipient_id > $3 ORDER BY recipient_id LIMIT $5) s`,
  },
  addNtf: {
    name: 'qs_add_ntf',
    text: `INSERT INTO ${S}.pending_ntfs (notifier_id, vshard, msg_id, msg_ts, nonce, enc_meta)
      SELECT notifier_id, vshard, $3, $4, $5, $6 FROM ${S}.queues WHERE notifier_id = $1 AND ${OWNED}`,
  },
  takeNtfs: {
    name: 'qs_take_ntfs',
    text: `WITH t AS (SELECT notifier_id, seq FROM ${S}.pending_ntfs WHERE notifier_id = $1 AND ${OWNED}
                      ORDER BY seq LIMIT $3 FOR UPDATE)
      DELETE FROM ${S}.pending_ntfs p USING t WHERE p.notifier_id = t.notifier_id AND p.seq = t.seq
      RETURNING p.seq, p.msg_id, p.msg_ts, p.nonce, p.enc_meta`,
  },
  expireNtfsBatch: {
    name: 'qs_expire_ntfs_batch',
    text: `WITH t AS (SELECT notifier_id, seq FROM ${S}.pending_ntfs WHERE vshard = $1 AND msg_ts < $2 LIMIT $3)
      DELETE FROM ${S}.pending_ntfs p USING t WHERE p.notifier_id = t.notifier_id AND p.seq = t.seq`,
  },
} as const;
