// Virtual-shard routing (spec smp.md §11.3, docs/architecture.md "Shards"). A queue lives on
// vshard(senderId) because SEND, the hot path, names the queue by sender ID — and sender IDs (like
// contact link IDs) may be chosen by clients, so their vshard is a keyed hash of the ID.
// Recipient and notifier IDs are always server-generated, so the vshard is written into the ID
// itself: the last two bytes are the vshard XOR a keyed hash of the first 22 bytes, plus random
// high bits — one HMAC to route and to generate, and the ID still looks random to anyone without
// the cluster's shard key. The key also keeps clients from aiming queues at one shard.
import { createHmac, randomBytes } from 'node:crypto';

/** Default number of virtual shards in the cluster (a power of two). */
export const DEFAULT_VSHARD_COUNT = 1024;
/** Length of server-generated IDs (upstream `queueIdBytes`). */
export const SERVER_ID_LENGTH = 24;

const PREFIX = SERVER_ID_LENGTH - 2;

/** Routes IDs to vshards with the cluster's shard key. Every gateway and store uses the same key. */
export class ShardRouter {
  readonly count: number;
  readonly #key: Uint8Array;

  constructor(key: Uint8Array, count = DEFAULT_VSHARD_COUNT) {
    if (key.length < 16) throw new RangeError('shard key must be at least 16 bytes');
    if (!Number.isInteger(count) || count < 1 || count > 0x10000 || (count & (count - 1)) !== 0)
      throw new RangeError('vshard count must be a power of two ≤ 65536');
    this.#key = key;
    this.count = count;
  }

  #mac(domain: number, data: Uint8Array): Buffer {
    return createHmac('sha256', this.#key).update(Uint8Array.of(domain)).update(data).digest();
  }

  /** vshard of a sender ID or link ID (may be client-chosen): keyed hash. */
  ofClientId(id: Uint8Array): number {
    return this.#mac(0x53, id).readUInt32BE(0) & (this.count - 1);
  }

  /**
   * vshard of a server-generated recipient or notifier ID. An ID of another length cannot exist;
   * it routes to vshard 0, where the lookup fails like any unknown ID (`AUTH`).
   */
  ofServerId(id: Uint8Array): number {
    if (id.length !== SERVER_ID_LENGTH) return 0;
    const mask = this.#mac(0x52, id.subarray(0, PREFIX)).readUInt16BE(0);
    const suffix = ((id[PREFIX] as number) << 8) | (id[PREFIX + 1] as number);
    return (suffix ^ mask) & (this.count - 1);
  }

  /** A fresh random server ID that routes to `vshard`. */
  newServerId(vshard: number): Uint8Array {
    if (!Number.isInteger(vshard) || vshard < 0 || vshard >= this.count)
      throw new RangeError(`bad vshard ${vshard}`);
    const id = new Uint8Array(randomBytes(SERVER_ID_LENGTH));
    const mask = this.#mac(0x52, id.subarray(0, PREFIX)).readUInt16BE(0);
    // Keep the random high bits of the suffix, set the low bits to the vshard, then mask.
    const random = ((id[PREFIX] as number) << 8) | (id[PREFIX + 1] as number);
    const suffix = ((random & ~(this.count - 1)) | vshard) ^ mask;
    id[PREFIX] = (suffix >> 8) & 0xff;
    id[PREFIX + 1] = suffix & 0xff;
    return id;
  }
}

/** Expands ranges to the list of vshards. */
export function expandRanges(ranges: readonly { from: number; to: number }[]): number[] {
  const out: number[] = [];
  for (const r of ranges) for (let v = r.from; v <= r.to; v++) out.push(v);
  return out;
}

/** Parses "0-511,600,700-701" into ranges (config form of a store's vshards). */
export function parseRanges(
  s: string,
  count = DEFAULT_VSHARD_COUNT,
): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (const part of s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new RangeError(`bad vshard range "${part}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from > to || to >= count)
      throw new RangeError(`bad vshard range "${part}" (count ${count})`);
    out.push({ from, to });
  }
  return out;
}
