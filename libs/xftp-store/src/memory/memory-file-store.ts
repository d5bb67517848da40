// In-memory FileStore: the fake for server unit tests, with the same semantics as the Postgres
// store (both pass test/file-store.contract.ts). Every operation completes without an await in the
// middle, so each is atomic. Not durable. `sibling()` gives a second instance over the same data,
// standing in for a second gateway on one database.
import { Buffer } from 'node:buffer';
import type { BlockingInfo } from '@simplex-relay/protocol';
import { ID_ATTEMPTS, randomFileId } from '../file-ids.ts';
import type { FileIdGenerator } from '../file-ids.ts';
import type {
  BodyState,
  ExpireOptions,
  FileRec,
  FileStatus,
  FileStore,
  FileStoreResult,
  NewFile,
  RemovedBody,
} from '../ports/file-store.port.ts';
import { checkNewFile, checkQuota, checkRecipientKeys, resolveExpiry } from '../validation.ts';

/** Options of the in-memory store. */
export interface MemoryFileStoreOptions {
  /** Source of new IDs; default `randomFileId` (tests inject collisions). */
  readonly newId?: FileIdGenerator;
}

interface MemFile {
  readonly senderId: Uint8Array;
  readonly senderKey: Uint8Array;
  readonly size: number;
  readonly digest: Uint8Array;
  readonly createdAt: number;
  status: FileStatus;
  body: BodyState;
  readonly recipients: Set<string>;
}

interface MemData {
  readonly files: Map<string, MemFile>;
  /** recipient ID (hex) → sender ID (hex) and key. */
  readonly recipients: Map<string, { readonly sender: string; readonly key: Uint8Array }>;
  usedBytes: number;
}

const hex = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const copy = (b: Uint8Array): Uint8Array => new Uint8Array(b);
const notFound = { ok: false, error: 'NOT_FOUND' } as const;
const internal = { ok: false, error: 'INTERNAL' } as const;

export class MemoryFileStore implements FileStore {
  #d: MemData = { files: new Map(), recipients: new Map(), usedBytes: 0 };
  readonly #newId: FileIdGenerator;

  constructor(opts: MemoryFileStoreOptions = {}) {
    this.#newId = opts.newId ?? randomFileId;
  }

  /** Another instance over the same data (like a second gateway on the same database). */
  sibling(opts: MemoryFileStoreOptions = {}): MemoryFileStore {
    const s = new MemoryFileStore(opts);
    s.#d = this.#d;
    return s;
  }

  async createFile(
    file: NewFile,
  ): Promise<FileStoreResult<{ senderId: Uint8Array; recipientIds: Uint8Array[] }, 'INTERNAL'>> {
    const createdAt = checkNewFile(file);
    for (let i = 0; i < ID_ATTEMPTS; i++) {
      const senderId = this.#newId();
      const recipientIds = file.recipientKeys.map(() => this.#newId());
      const sId = hex(senderId);
      if (!this.#idsFree([sId], recipientIds.map(hex))) continue;
      const f: MemFile = {
        senderId: copy(senderId),
        senderKey: copy(file.senderKey),
        size: file.size,
        digest: copy(file.digest),
        createdAt,
        status: { kind: 'active' },
        body: 'none',
        recipients: new Set(),
      };
      this.#d.files.set(sId, f);
      this.#addRecipients(f, recipientIds, file.recipientKeys);
      return { ok: true, senderId: copy(senderId), recipientIds: recipientIds.map(copy) };
    }
    return internal;
  }

  async addRecipients(
    senderId: Uint8Array,
    recipientKeys: readonly [Uint8Array, ...Uint8Array[]],
  ): Promise<FileStoreResult<{ recipientIds: Uint8Array[] }, 'NOT_FOUND' | 'INTERNAL'>> {
    checkRecipientKeys(recipientKeys);
    const f = this.#d.files.get(hex(senderId));
    if (!f) return notFound;
    for (let i = 0; i < ID_ATTEMPTS; i++) {
      const recipientIds = recipientKeys.map(() => this.#newId());
      if (!this.#idsFree([], recipientIds.map(hex))) continue;
      this.#addRecipients(f, recipientIds, recipientKeys);
      return { ok: true, recipientIds: recipientIds.map(copy) };
    }
    return internal;
  }

  async getFileBySender(senderId: Uint8Array): Promise<FileRec | undefined> {
    const f = this.#d.files.get(hex(senderId));
    return f && toRec(f);
  }

  async getFileByRecipient(
    recipientId: Uint8Array,
  ): Promise<{ file: FileRec; recipientKey: Uint8Array } | undefined> {
    const r = this.#d.recipients.get(hex(recipientId));
    const f = r && this.#d.files.get(r.sender);
    return r && f && { file: toRec(f), recipientKey: copy(r.key) };
  }

  async reserveStorage(
    senderId: Uint8Array,
    quota: number | undefined,
  ): Promise<FileStoreResult<object, 'NOT_FOUND' | 'QUOTA'>> {
    checkQuota(quota);
    const f = this.#d.files.get(hex(senderId));
    if (!f || f.status.kind !== 'active') return notFound;
    if (f.body !== 'none') return { ok: true };
    if (quota !== undefined && this.#d.usedBytes + f.size > quota)
      return { ok: false, error: 'QUOTA' };
    f.body = 'reserved';
    this.#d.usedBytes += f.size;
    return { ok: true };
  }

  async releaseStorage(senderId: Uint8Array): Promise<FileStoreResult<object, 'NOT_FOUND'>> {
    const f = this.#d.files.get(hex(senderId));
    if (!f) return notFound;
    if (f.body === 'reserved') {
      f.body = 'none';
      this.#d.usedBytes -= f.size;
    }
    return { ok: true };
  }

  async markStored(
    senderId: Uint8Array,
  ): Promise<FileStoreResult<{ alreadyStored: boolean }, 'NOT_FOUND'>> {
    const f = this.#d.files.get(hex(senderId));
    if (!f || f.status.kind !== 'active') return notFound;
    const before = f.body;
    if (before === 'none') this.#d.usedBytes += f.size;
    f.body = 'stored';
    return { ok: true, alreadyStored: before === 'stored' };
  }

  async deleteFile(senderId: Uint8Array): Promise<FileStoreResult<RemovedBody, 'NOT_FOUND'>> {
    const f = this.#d.files.get(hex(senderId));
    if (!f) return notFound;
    return { ok: true, ...this.#remove(f) };
  }

  async deleteRecipient(recipientId: Uint8Array): Promise<FileStoreResult<object, 'NOT_FOUND'>> {
    const rId = hex(recipientId);
    const r = this.#d.recipients.get(rId);
    if (!r) return notFound;
    this.#d.recipients.delete(rId);
    this.#d.files.get(r.sender)?.recipients.delete(rId);
    return { ok: true };
  }

  async blockFile(
    senderId: Uint8Array,
    info: BlockingInfo,
  ): Promise<FileStoreResult<RemovedBody, 'NOT_FOUND'>> {
    const f = this.#d.files.get(hex(senderId));
    if (!f) return notFound;
    const body = f.body;
    if (body !== 'none') this.#d.usedBytes -= f.size;
    f.body = 'none';
    f.status = { kind: 'blocked', info: cloneInfo(info) };
    return { ok: true, senderId: copy(f.senderId), size: f.size, body };
  }

  async expireFiles(opts: ExpireOptions = {}): Promise<RemovedBody[]> {
    const { cutoff, limit } = resolveExpiry(opts);
    const old = [...this.#d.files.values()]
      .filter((f) => f.createdAt < cutoff)
      .sort((a, b) => a.createdAt - b.createdAt)
      .slice(0, limit);
    return old.map((f) => this.#remove(f));
  }

  async getUsedStorage(): Promise<number> {
    return this.#d.usedBytes;
  }

  async countFiles(): Promise<number> {
    return this.#d.files.size;
  }

  async recountUsedStorage(): Promise<number> {
    let used = 0;
    for (const f of this.#d.files.values()) if (f.body !== 'none') used += f.size;
    this.#d.usedBytes = used;
    return used;
  }

  async close(): Promise<void> {}

  /** Whether none of the IDs is taken in either space, and they are distinct from each other. */
  #idsFree(senderIds: string[], recipientIds: string[]): boolean {
    const all = [...senderIds, ...recipientIds];
    if (new Set(all).size !== all.length) return false;
    return all.every((id) => !this.#d.files.has(id) && !this.#d.recipients.has(id));
  }

  #addRecipients(f: MemFile, ids: Uint8Array[], keys: readonly Uint8Array[]): void {
    const sender = hex(f.senderId);
    ids.forEach((id, i) => {
      const rId = hex(id);
      this.#d.recipients.set(rId, { sender, key: copy(keys[i]!) });
      f.recipients.add(rId);
    });
  }

  #remove(f: MemFile): RemovedBody {
    this.#d.files.delete(hex(f.senderId));
    for (const rId of f.recipients) this.#d.recipients.delete(rId);
    if (f.body !== 'none') this.#d.usedBytes -= f.size;
    return { senderId: copy(f.senderId), size: f.size, body: f.body };
  }
}

const cloneInfo = (info: BlockingInfo): BlockingInfo =>
  info.notice === undefined
    ? { reason: info.reason }
    : {
        reason: info.reason,
        notice: info.notice.ttl === undefined ? {} : { ttl: info.notice.ttl },
      };

function toRec(f: MemFile): FileRec {
  return {
    senderId: copy(f.senderId),
    senderKey: copy(f.senderKey),
    size: f.size,
    digest: copy(f.digest),
    createdAt: f.createdAt,
    status:
      f.status.kind === 'blocked' ? { kind: 'blocked', info: cloneInfo(f.status.info) } : f.status,
    body: f.body,
  };
}
