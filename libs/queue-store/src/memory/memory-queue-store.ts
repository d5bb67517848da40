// In-memory QueueStore: the fake for service unit tests, with the same semantics as the Postgres
// store (both pass test/queue-store.contract.ts). Not durable; no group commit.
import { Buffer } from 'node:buffer';
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

interface MemQueue {
  rec: QueueRec;
  msgs: StoredMessage[];
  canWrite: boolean;
}

/** Options of the in-memory store. */
export interface MemoryQueueStoreOptions {
  /** Owned vshards; default all. */
  readonly vshards?: Iterable<number>;
  readonly vshardCount?: number;
}

const hex = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const copy = (b: Uint8Array): Uint8Array => new Uint8Array(b);
const eq = (a: Uint8Array, b: Uint8Array): boolean => hex(a) === hex(b);

export class MemoryQueueStore implements QueueStore {
  readonly #owned: VShardSet;
  readonly #byRecipient = new Map<string, MemQueue>();
  readonly #bySender = new Map<string, string>();
  readonly #byNotifier = new Map<string, string>();
  readonly #byLink = new Map<string, string>();
  readonly #ntfs = new Map<string, PendingNtf[]>();

  constructor(opts: MemoryQueueStoreOptions = {}) {
    const count = opts.vshardCount ?? DEFAULT_VSHARD_COUNT;
    this.#owned =
      opts.vshards === undefined ? VShardSet.all(count) : new VShardSet(opts.vshards, count);
  }

  get vshards(): VShardSet {
    return this.#owned;
  }

  /** Nothing is shared between in-memory instances: a no-op. */
  async claimVShards(): Promise<void> {}

  async createQueue(rec: QueueRec): Promise<StoreResult<object, 'DUPLICATE'>> {
    if (!this.#owned.has(rec.vshard))
      throw new RangeError(`vshard ${rec.vshard} is not owned by this store`);
    if (rec.recipientKeys.length === 0) throw new RangeError('recipientKeys must not be empty');
    const rId = hex(rec.recipientId);
    if (
      this.#byRecipient.has(rId) ||
      this.#bySender.has(hex(rec.senderId)) ||
      (rec.notifier && this.#byNotifier.has(hex(rec.notifier.notifierId))) ||
      (rec.link && this.#byLink.has(hex(rec.link.linkId)))
    ) {
      return { ok: false, error: 'DUPLICATE' };
    }
    this.#byRecipient.set(rId, { rec: cloneRec(rec), msgs: [], canWrite: true });
    this.#bySender.set(hex(rec.senderId), rId);
    if (rec.notifier) this.#byNotifier.set(hex(rec.notifier.notifierId), rId);
    if (rec.link) this.#byLink.set(hex(rec.link.linkId), rId);
    return { ok: true };
  }

  async getQueueByRecipientId(recipientId: Uint8Array): Promise<QueueRec | undefined> {
    const q = this.#q(recipientId);
    return q && cloneRec(q.rec);
  }

  async getQueueBySenderId(senderId: Uint8Array): Promise<QueueRec | undefined> {
    return this.#via(this.#bySender, senderId);
  }

  async getQueueByNotifierId(notifierId: Uint8Array): Promise<QueueRec | undefined> {
    return this.#via(this.#byNotifier, notifierId);
  }

  async getQueueByLinkId(linkId: Uint8Array): Promise<QueueRec | undefined> {
    return this.#via(this.#byLink, linkId);
  }

  async getLinkShard(linkId: Uint8Array): Promise<number | undefined> {
    const rId = this.#byLink.get(hex(linkId));
    return rId === undefined ? undefined : this.#byRecipient.get(rId)?.rec.vshard;
  }

  async secureQueue(
    recipientId: Uint8Array,
    senderKey: Uint8Array,
  ): Promise<StoreResult<object, 'NOT_FOUND' | 'AUTH'>> {
    const q = this.#q(recipientId);
    if (!q) return notFound;
    if (q.rec.senderKey && !eq(q.rec.senderKey, senderKey)) return { ok: false, error: 'AUTH' };
    q.rec = { ...q.rec, senderKey: copy(senderKey) };
    return { ok: true };
  }

  async updateRecipientKeys(
    recipientId: Uint8Array,
    keys: readonly [Uint8Array, ...Uint8Array[]],
  ): Promise<StoreResult<object, 'NOT_FOUND'>> {
    if (keys.length === 0) throw new RangeError('recipientKeys must not be empty');
    const q = this.#q(recipientId);
    if (!q) return notFound;
    q.rec = { ...q.rec, recipientKeys: keys.map(copy) as unknown as QueueRec['recipientKeys'] };
    return { ok: true };
  }

  async setQueueStatus(
    recipientId: Uint8Array,
    status: QueueStatus,
  ): Promise<StoreResult<object, 'NOT_FOUND'>> {
    const q = this.#q(recipientId);
    if (!q) return notFound;
    q.rec = { ...q.rec, status: structuredClone(status) };
    return { ok: true };
  }

  async deleteQueue(
    recipientId: Uint8Array,
  ): Promise<StoreResult<{ queue: QueueRec }, 'NOT_FOUND'>> {
    const q = this.#q(recipientId);
    if (!q) return notFound;
    const { rec } = q;
    this.#byRecipient.delete(hex(rec.recipientId));
    this.#bySender.delete(hex(rec.senderId));
    if (rec.notifier) this.#dropNotifier(rec.notifier.notifierId);
    if (rec.link) this.#byLink.delete(hex(rec.link.linkId));
    return { ok: true, queue: cloneRec(rec) };
  }

  async addNotifier(
    recipientId: Uint8Array,
    creds: NtfCreds,
  ): Promise<StoreResult<{ previousNotifierId?: Uint8Array }, 'NOT_FOUND' | 'DUPLICATE'>> {
    const q = this.#q(recipientId);
    if (!q) return notFound;
    if (this.#byNotifier.has(hex(creds.notifierId))) return { ok: false, error: 'DUPLICATE' };
    const prev = q.rec.notifier?.notifierId;
    if (prev) this.#dropNotifier(prev);
    const { ntfServiceId: _drop, ...rest } = creds;
    q.rec = { ...q.rec, notifier: cloneNtf(rest) };
    this.#byNotifier.set(hex(creds.notifierId), hex(recipientId));
    return prev ? { ok: true, previousNotifierId: copy(prev) } : { ok: true };
  }

  async deleteNotifier(
    recipientId: Uint8Array,
  ): Promise<StoreResult<{ previousNotifierId?: Uint8Array }, 'NOT_FOUND'>> {
    const q = this.#q(recipientId);
    if (!q) return notFound;
    const prev = q.rec.notifier?.notifierId;
    if (!prev) return { ok: true };
    this.#dropNotifier(prev);
    const { notifier: _n, ...rest } = q.rec;
    q.rec = rest;
    return { ok: true, previousNotifierId: copy(prev) };
  }

  async setQueueLink(
    recipientId: Uint8Array,
    link: QueueLinkData,
  ): Promise<StoreResult<object, StoreError>> {
    const q = this.#q(recipientId);
    if (!q) return notFound;
    const cur = q.rec.link;
    if (cur) {
      if (!eq(cur.linkId, link.linkId) || !eq(cur.fixedData, link.fixedData))
        return { ok: false, error: 'AUTH' };
    } else if (this.#byLink.has(hex(link.linkId))) {
      return { ok: false, error: 'DUPLICATE' };
    }
    q.rec = { ...q.rec, link: cloneLink(link) };
    this.#byLink.set(hex(link.linkId), hex(recipientId));
    return { ok: true };
  }

  async deleteQueueLink(
    recipientId: Uint8Array,
  ): Promise<StoreResult<{ deleted: boolean }, 'NOT_FOUND'>> {
    const q = this.#q(recipientId);
    if (!q) return notFound;
    if (!q.rec.link) return { ok: true, deleted: false };
    this.#byLink.delete(hex(q.rec.link.linkId));
    const { link: _l, ...rest } = q.rec;
    q.rec = rest;
    return { ok: true, deleted: true };
  }

  async touchQueue(
    recipientId: Uint8Array,
    day: number,
  ): Promise<StoreResult<{ updated: boolean }, 'NOT_FOUND'>> {
    const q = this.#q(recipientId);
    if (!q) return notFound;
    if (q.rec.updatedAt === day) return { ok: true, updated: false };
    q.rec = { ...q.rec, updatedAt: day };
    return { ok: true, updated: true };
  }

  async getQueueSize(recipientId: Uint8Array): Promise<number | undefined> {
    return this.#q(recipientId)?.msgs.length;
  }

  async writeMsg(recipientId: Uint8Array, msg: NewMessage, quota: number): Promise<WriteMsgResult> {
    const q = this.#q(recipientId);
    if (!q) return { kind: 'no-queue', wasEmpty: false };
    const size = q.msgs.length;
    if (!q.canWrite && size > 0) return { kind: 'quota-exceeded', wasEmpty: false };
    const wasEmpty = size === 0;
    if (size < quota) {
      q.canWrite = true;
      q.msgs.push({
        msgId: copy(msg.msgId),
        ts: msg.ts,
        ntfFlag: msg.ntfFlag,
        body: copy(msg.body),
        isQuota: false,
      });
      return { kind: 'written', wasEmpty };
    }
    q.canWrite = false;
    q.msgs.push({
      msgId: copy(msg.msgId),
      ts: msg.ts,
      ntfFlag: false,
      body: new Uint8Array(0),
      isQuota: true,
    });
    return { kind: 'quota-marker-written', wasEmpty };
  }

  async peekMsg(recipientId: Uint8Array): Promise<StoredMessage | undefined> {
    const head = this.#q(recipientId)?.msgs[0];
    return head && cloneMsg(head);
  }

  async tryDelMsg(recipientId: Uint8Array, msgId: Uint8Array): Promise<StoredMessage | undefined> {
    return (await this.tryDelPeekMsg(recipientId, msgId)).deleted;
  }

  async tryDelPeekMsg(recipientId: Uint8Array, msgId: Uint8Array): Promise<DelPeekResult> {
    const q = this.#q(recipientId);
    if (!q) return {};
    const head = q.msgs[0];
    if (!head) return {};
    if (!eq(head.msgId, msgId)) return { head: cloneMsg(head) };
    q.msgs.shift();
    if (q.msgs.length === 0) q.canWrite = true;
    const next = q.msgs[0];
    return next ? { deleted: cloneMsg(head), head: cloneMsg(next) } : { deleted: cloneMsg(head) };
  }

  async expireMsgs(recipientId: Uint8Array, olderThanTs: bigint): Promise<number> {
    const q = this.#q(recipientId);
    return q ? this.#expire(q, olderThanTs) : 0;
  }

  async expireAllMsgs(olderThanTs: bigint, opts: BulkExpireOptions = {}): Promise<number> {
    const shards = new Set(this.#owned.pick(opts.vshards));
    let n = 0;
    for (const q of this.#byRecipient.values())
      if (shards.has(q.rec.vshard)) n += this.#expire(q, olderThanTs);
    return n;
  }

  async addPendingNtf(
    notifierId: Uint8Array,
    ntf: PendingNtf,
  ): Promise<StoreResult<object, 'NOT_FOUND'>> {
    const rId = this.#byNotifier.get(hex(notifierId));
    if (rId === undefined || !this.#owned.has(this.#byRecipient.get(rId)!.rec.vshard))
      return notFound;
    const list = this.#ntfs.get(hex(notifierId)) ?? [];
    list.push(cloneNtfMsg(ntf));
    this.#ntfs.set(hex(notifierId), list);
    return { ok: true };
  }

  async takePendingNtfs(notifierId: Uint8Array, limit = 1000): Promise<PendingNtf[]> {
    const list = this.#ntfs.get(hex(notifierId));
    if (!list) return [];
    const taken = list.splice(0, limit);
    if (list.length === 0) this.#ntfs.delete(hex(notifierId));
    return taken;
  }

  async expirePendingNtfs(olderThanTs: bigint, opts: BulkExpireOptions = {}): Promise<number> {
    const shards = new Set(this.#owned.pick(opts.vshards));
    let n = 0;
    for (const [nId, list] of this.#ntfs) {
      const rId = this.#byNotifier.get(nId);
      const vshard = rId === undefined ? undefined : this.#byRecipient.get(rId)?.rec.vshard;
      if (vshard === undefined || !shards.has(vshard)) continue;
      const keep = list.filter((x) => x.ts >= olderThanTs);
      n += list.length - keep.length;
      if (keep.length === 0) this.#ntfs.delete(nId);
      else this.#ntfs.set(nId, keep);
    }
    return n;
  }

  async close(): Promise<void> {}

  #q(recipientId: Uint8Array): MemQueue | undefined {
    const q = this.#byRecipient.get(hex(recipientId));
    return q && this.#owned.has(q.rec.vshard) ? q : undefined;
  }

  #via(index: Map<string, string>, id: Uint8Array): QueueRec | undefined {
    const rId = index.get(hex(id));
    const q = rId === undefined ? undefined : this.#byRecipient.get(rId);
    return q && this.#owned.has(q.rec.vshard) ? cloneRec(q.rec) : undefined;
  }

  #dropNotifier(notifierId: Uint8Array): void {
    this.#byNotifier.delete(hex(notifierId));
    this.#ntfs.delete(hex(notifierId));
  }

  // Expiry from the head only, stopping at the first message that is newer or a quota marker
  // (markers are never expired, as in upstream `delete_expired_msgs`).
  #expire(q: MemQueue, olderThanTs: bigint): number {
    let n = 0;
    while (q.msgs[0] && !q.msgs[0].isQuota && q.msgs[0].ts < olderThanTs) {
      q.msgs.shift();
      n++;
    }
    if (q.msgs.length === 0) q.canWrite = true;
    return n;
  }
}

const notFound = { ok: false, error: 'NOT_FOUND' } as const;

function cloneNtf(n: NtfCreds): NtfCreds {
  return {
    notifierId: copy(n.notifierId),
    notifierKey: copy(n.notifierKey),
    rcvNtfDhSecret: copy(n.rcvNtfDhSecret),
    ...(n.ntfServiceId ? { ntfServiceId: copy(n.ntfServiceId) } : {}),
  };
}

function cloneLink(l: QueueLinkData): QueueLinkData {
  return { linkId: copy(l.linkId), fixedData: copy(l.fixedData), userData: copy(l.userData) };
}

function cloneMsg(m: StoredMessage): StoredMessage {
  return {
    msgId: copy(m.msgId),
    ts: m.ts,
    isQuota: m.isQuota,
    ntfFlag: m.ntfFlag,
    body: copy(m.body),
  };
}

function cloneNtfMsg(n: PendingNtf): PendingNtf {
  return { msgId: copy(n.msgId), ts: n.ts, nonce: copy(n.nonce), encMeta: copy(n.encMeta) };
}

function cloneRec(r: QueueRec): QueueRec {
  return {
    recipientId: copy(r.recipientId),
    recipientKeys: r.recipientKeys.map(copy) as unknown as QueueRec['recipientKeys'],
    rcvDhSecret: copy(r.rcvDhSecret),
    senderId: copy(r.senderId),
    ...(r.senderKey ? { senderKey: copy(r.senderKey) } : {}),
    queueMode: r.queueMode,
    ...(r.link ? { link: cloneLink(r.link) } : {}),
    ...(r.notifier ? { notifier: cloneNtf(r.notifier) } : {}),
    status: structuredClone(r.status),
    updatedAt: r.updatedAt,
    ...(r.rcvServiceId ? { rcvServiceId: copy(r.rcvServiceId) } : {}),
    vshard: r.vshard,
  };
}
