// The storage port of the queue-store service: queue records (spec §10.1), messages (§10.2) and
// pending notifications (§10.4), with the atomic message operations of upstream
// `Server/QueueStore/Postgres/server_schema.sql` (write_message, try_del_msg, try_del_peek_msg,
// delete_expired_msgs) and `Server/MsgStore/STM.hs: writeMsg`.
//
// IDs, keys, secrets and bodies are opaque bytes here; keys are their DER SPKI encoding.
// Expected outcomes are values (`{ok: false, error}`), never exceptions (house style §6). An
// exception means a bug or an infrastructure failure (database down), never a protocol outcome.
import type { VShardSet } from '../sharding.ts';

/** Queue mode (spec §7.2): messaging `'M'`, contact `'C'`; `null` for legacy queues. */
export type QueueMode = 'M' | 'C';

/** Short-link data (spec §7.9); both blobs are opaque to the server. */
export interface QueueLinkData {
  readonly linkId: Uint8Array;
  readonly fixedData: Uint8Array;
  readonly userData: Uint8Array;
}

/** Notifier credentials (upstream `NtfCreds`). */
export interface NtfCreds {
  readonly notifierId: Uint8Array;
  /** DER SPKI of the notifier's auth key. */
  readonly notifierKey: Uint8Array;
  /** X25519 secret for NMSG encryption (spec §7.8). */
  readonly rcvNtfDhSecret: Uint8Array;
  readonly ntfServiceId?: Uint8Array;
}

/** Why a queue was blocked (upstream `BlockingReason`). */
export type BlockingReason = 'spam' | 'content';

/** Upstream `BlockingInfo`; `notice` is shown to clients that support it (spec §8.8). */
export interface BlockingInfo {
  readonly reason: BlockingReason;
  readonly notice?: { readonly ttl?: number };
}

/** Upstream `ServerEntityStatus`. */
export type QueueStatus =
  | { readonly kind: 'active' }
  | { readonly kind: 'off' }
  | ({ readonly kind: 'blocked' } & BlockingInfo);

/** One queue (upstream `QueueRec`, spec §10.1). */
export interface QueueRec {
  readonly recipientId: Uint8Array;
  /** Non-empty; replaced as a whole by RKEY. */
  readonly recipientKeys: readonly [Uint8Array, ...Uint8Array[]];
  readonly rcvDhSecret: Uint8Array;
  readonly senderId: Uint8Array;
  readonly senderKey?: Uint8Array;
  readonly queueMode: QueueMode | null;
  readonly link?: QueueLinkData;
  readonly notifier?: NtfCreds;
  readonly status: QueueStatus;
  /** UTC day of the last recipient activity, as epoch seconds (a multiple of 86400). */
  readonly updatedAt: number;
  readonly rcvServiceId?: Uint8Array;
  /** Virtual shard the record lives on: `ShardRouter.ofClientId(senderId)` (`@simplex-relay/bus`). */
  readonly vshard: number;
}

/** A message as submitted by SEND (spec §7.4). */
export interface NewMessage {
  /** 24 random bytes, unique per queue; also the MSG nonce. */
  readonly msgId: Uint8Array;
  /** Seconds since the epoch. */
  readonly ts: bigint;
  readonly ntfFlag: boolean;
  readonly body: Uint8Array;
}

/** A stored message; a quota marker has `isQuota`, an empty body and no notification flag (§8.4). */
export interface StoredMessage extends NewMessage {
  readonly isQuota: boolean;
}

/** A pending notification for a notifier (spec §7.8, §10.4). */
export interface PendingNtf {
  readonly msgId: Uint8Array;
  readonly ts: bigint;
  /** 24 bytes. */
  readonly nonce: Uint8Array;
  /** 144 bytes, `crypto_box(rcvNtfDhSecret, nonce, pad(msgMeta))`. */
  readonly encMeta: Uint8Array;
}

/** Expected, non-exceptional failures. `NOT_FOUND` also covers queues on vshards this store does not own. */
export type StoreError = 'NOT_FOUND' | 'DUPLICATE' | 'AUTH';

/** Success carrying fields, or a closed error. */
export type StoreResult<T extends object = object, E extends StoreError = StoreError> =
  ({ readonly ok: true } & T) | { readonly ok: false; readonly error: E };

/** Outcome of `writeMsg` (upstream `write_message`): `quota-marker-written` and `quota-exceeded` both mean ERR QUOTA. */
export type WriteMsgResult =
  | { readonly kind: 'written' | 'quota-marker-written'; readonly wasEmpty: boolean }
  | { readonly kind: 'quota-exceeded'; readonly wasEmpty: false }
  | { readonly kind: 'no-queue'; readonly wasEmpty: false };

/** Outcome of `tryDelPeekMsg`: the deleted head (if its ID matched) and the head after that. */
export interface DelPeekResult {
  readonly deleted?: StoredMessage;
  readonly head?: StoredMessage;
}

/** Options of the background expiry passes. */
export interface BulkExpireOptions {
  /** The vshards to sweep; each must be owned by the store. Defaults to all owned vshards. */
  readonly vshards?: Iterable<number>;
  /** Rows (queues or notifications) handled per statement; bounds lock time. Default 500. */
  readonly batchSize?: number;
}

/**
 * The queue store. Every operation is scoped to the vshards the instance owns: records on other
 * vshards are invisible (`NOT_FOUND` / `undefined`). Mutations resolve only after they are durably
 * committed; concurrent mutations may share one transaction (group commit) but each has its own
 * outcome. Mutations of one queue (by recipient ID) or one notifier's notifications, issued on one
 * instance, are applied in issue order.
 */
export interface QueueStore {
  /** The vshards this instance owns (fixed for its lifetime). */
  readonly vshards: VShardSet;

  /**
   * Takes exclusive ownership of the owned vshards for as long as the store is open, so two
   * instances can never serve the same vshard (Postgres: one session holding an advisory lock per
   * vshard; memory: nothing to share, a no-op). Rejects with `VShardClaimError` naming how many
   * vshards another instance holds; then nothing stays claimed. `onLost` is called if the claim
   * is lost later (the session died): the instance must stop serving. Released by `close()`.
   */
  claimVShards(opts?: { onLost?: (err: Error) => void }): Promise<void>;

  /**
   * Creates a queue. IDs are unique per kind (recipient, sender, notifier, link) across the store;
   * a collision of any of them yields `DUPLICATE` and nothing is stored, so the caller can retry with
   * fresh server-generated IDs, or answer AUTH when the client chose them (spec §7.2).
   * `rec.vshard` must be owned by the store (`RangeError` otherwise: a routing bug).
   */
  createQueue(rec: QueueRec): Promise<StoreResult<object, 'DUPLICATE'>>;

  /** Looks a queue up by its recipient ID. */
  getQueueByRecipientId(recipientId: Uint8Array): Promise<QueueRec | undefined>;
  /** Looks a queue up by its sender ID. */
  getQueueBySenderId(senderId: Uint8Array): Promise<QueueRec | undefined>;
  /** Looks a queue up by its notifier ID. */
  getQueueByNotifierId(notifierId: Uint8Array): Promise<QueueRec | undefined>;
  /** Looks a queue up by its short-link ID. */
  getQueueByLinkId(linkId: Uint8Array): Promise<QueueRec | undefined>;
  /**
   * The routing index for client-chosen link IDs: the vshard of the queue holding `linkId`, or
   * `undefined`. Not scoped: it answers for any vshard (client-chosen link IDs hash anywhere).
   */
  getLinkShard(linkId: Uint8Array): Promise<number | undefined>;

  /** Sets the sender key (KEY/SKEY/LKEY): no key yet or the same key → ok; a different key → `AUTH`. */
  secureQueue(
    recipientId: Uint8Array,
    senderKey: Uint8Array,
  ): Promise<StoreResult<object, 'NOT_FOUND' | 'AUTH'>>;
  /** Replaces the recipient keys (RKEY). The caller checks the queue mode (spec §7.3). */
  updateRecipientKeys(
    recipientId: Uint8Array,
    keys: readonly [Uint8Array, ...Uint8Array[]],
  ): Promise<StoreResult<object, 'NOT_FOUND'>>;
  /** Sets the status: `off` (OFF), `blocked` (admin block), `active` (unblock). */
  setQueueStatus(
    recipientId: Uint8Array,
    status: QueueStatus,
  ): Promise<StoreResult<object, 'NOT_FOUND'>>;
  /**
   * Deletes the queue with its messages, notifier, pending notifications and link routing entry;
   * returns the deleted record (the caller sends DELD to the notifier subscriber). Hard delete: see
   * the schema notes in `db/migrations/0001_initial.sql`.
   */
  deleteQueue(recipientId: Uint8Array): Promise<StoreResult<{ queue: QueueRec }, 'NOT_FOUND'>>;

  /**
   * Adds or replaces the notifier (NKEY). Returns the previous notifier ID when one was replaced;
   * its pending notifications are dropped. `DUPLICATE` if the notifier ID is taken.
   */
  addNotifier(
    recipientId: Uint8Array,
    creds: NtfCreds,
  ): Promise<StoreResult<{ previousNotifierId?: Uint8Array }, 'NOT_FOUND' | 'DUPLICATE'>>;
  /** Removes the notifier and its pending notifications (NDEL); ok also without a notifier. */
  deleteNotifier(
    recipientId: Uint8Array,
  ): Promise<StoreResult<{ previousNotifierId?: Uint8Array }, 'NOT_FOUND'>>;

  /**
   * Sets link data (LSET, NEW with link). Enforced here atomically (spec §7.9): a queue holding
   * another link ID → `AUTH`; the same link ID with different fixed data → `AUTH` (only user data
   * may change); a link ID taken by another queue → `DUPLICATE`. The caller checks the queue mode /
   * sender-key rule before calling.
   */
  setQueueLink(
    recipientId: Uint8Array,
    link: QueueLinkData,
  ): Promise<StoreResult<object, StoreError>>;
  /** Deletes link data (LDEL, or when a secured invitation queue gets its first SEND). */
  deleteQueueLink(recipientId: Uint8Array): Promise<StoreResult<{ deleted: boolean }, 'NOT_FOUND'>>;

  /** Refreshes `updatedAt` to `day` (epoch seconds of a UTC day); writes only if it changed. */
  touchQueue(
    recipientId: Uint8Array,
    day: number,
  ): Promise<StoreResult<{ updated: boolean }, 'NOT_FOUND'>>;

  /** Number of stored messages including a quota marker (QUE `qiSize`); O(1). */
  getQueueSize(recipientId: Uint8Array): Promise<number | undefined>;

  /**
   * Appends a message under the quota rule of spec §8.4 (upstream `writeMsg`/`write_message`): if
   * the queue is writable or empty, a message is appended while size < quota, else a quota marker
   * (same ID and ts, no body) is appended and the queue stops accepting writes until it is drained;
   * otherwise nothing is stored. `wasEmpty` tells the caller to push the message to the subscriber.
   */
  writeMsg(recipientId: Uint8Array, msg: NewMessage, quota: number): Promise<WriteMsgResult>;
  /** The head message, if any. */
  peekMsg(recipientId: Uint8Array): Promise<StoredMessage | undefined>;
  /** Deletes the head iff its ID is `msgId` (ACK); returns the deleted message. */
  tryDelMsg(recipientId: Uint8Array, msgId: Uint8Array): Promise<StoredMessage | undefined>;
  /** Like `tryDelMsg`, then peeks the new head (ACK in SUB mode). With a wrong ID nothing is deleted and `head` is the current head. */
  tryDelPeekMsg(recipientId: Uint8Array, msgId: Uint8Array): Promise<DelPeekResult>;
  /**
   * Deletes messages older than `olderThanTs` from the head of one queue (expire on SEND, §8.6),
   * stopping at the first newer message; quota markers are never expired. Returns the count.
   */
  expireMsgs(recipientId: Uint8Array, olderThanTs: bigint): Promise<number>;
  /**
   * The background expiry pass over the given vshards, in bounded batches; queues locked by a
   * concurrent operation are skipped until the next pass. Returns the number of deleted messages.
   */
  expireAllMsgs(olderThanTs: bigint, opts?: BulkExpireOptions): Promise<number>;

  /** Stores a notification for `notifierId`; `NOT_FOUND` if no queue has that notifier. */
  addPendingNtf(notifierId: Uint8Array, ntf: PendingNtf): Promise<StoreResult<object, 'NOT_FOUND'>>;
  /** Removes and returns up to `limit` pending notifications of `notifierId`, in send order. */
  takePendingNtfs(notifierId: Uint8Array, limit?: number): Promise<PendingNtf[]>;
  /** Deletes pending notifications with `ts < olderThanTs` (24 h by default, §8.6); returns the count. */
  expirePendingNtfs(olderThanTs: bigint, opts?: BulkExpireOptions): Promise<number>;

  /** Releases resources; pending mutations settle first. */
  close(): Promise<void>;
}
