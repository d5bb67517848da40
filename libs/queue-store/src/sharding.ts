// Virtual shards (spec §11.3). The cluster has a fixed number of vshards (default 1024); each
// queue-store instance owns a set of them.
//
// Placement scheme: a queue lives on vshard(senderId), because SEND (by sender ID) is the hot
// path. Recipient and notifier IDs are server-generated with `generateIdInShard` so that they hash
// to the same vshard, and a client-chosen sender ID simply decides the shard. A gateway can thus
// route recipient, sender and notifier commands by hashing the entity ID, and per-kind uniqueness
// only has to hold within a vshard. Client-chosen link IDs (contact queues) hash anywhere, so a
// small routing index `link_index(link_id → vshard)` maps them; server-generated link IDs of
// messaging queues are generated in the queue's shard too.
//
// The hash is keyed (HMAC-SHA256 with a cluster secret) so clients cannot aim many queues at one
// shard by choosing IDs.
import { createHmac, randomBytes } from 'node:crypto';

/** Default number of virtual shards in the cluster. */
export const DEFAULT_VSHARD_COUNT = 1024;

/** Length of server-generated entity IDs (spec §7.2). */
export const ENTITY_ID_LENGTH = 24;

/** The vshard of an entity ID: HMAC-SHA256(secret, id), first 4 bytes big-endian, mod `count`. */
export function vshardOf(id: Uint8Array, secret: Uint8Array, count = DEFAULT_VSHARD_COUNT): number {
  assertCount(count);
  const mac = createHmac('sha256', secret).update(id).digest();
  return mac.readUInt32BE(0) % count;
}

/**
 * A random 24-byte ID that hashes to `vshard`, by rejection sampling: `count` HMACs on average
 * (about 5–9 ms of CPU for 1024 on this 2-core machine, bench/write.bench.ts). Only for server-generated IDs.
 */
export function generateIdInShard(
  vshard: number,
  secret: Uint8Array,
  count = DEFAULT_VSHARD_COUNT,
): Uint8Array {
  assertCount(count);
  if (!Number.isInteger(vshard) || vshard < 0 || vshard >= count)
    throw new RangeError(`vshard out of range: ${vshard}`);
  const perDraw = 256;
  for (;;) {
    const pool = randomBytes(ENTITY_ID_LENGTH * perDraw);
    for (let i = 0; i < perDraw; i++) {
      const id = pool.subarray(i * ENTITY_ID_LENGTH, (i + 1) * ENTITY_ID_LENGTH);
      if (vshardOf(id, secret, count) === vshard) return new Uint8Array(id);
    }
  }
}

/** An immutable set of owned vshards with the forms the stores need. */
export class VShardSet {
  readonly #members: ReadonlySet<number>;
  /** PostgreSQL `int4multirange` literal of the members, e.g. `{[0,512),[700,701)}`. */
  readonly multirange: string;

  constructor(vshards: Iterable<number>, count = DEFAULT_VSHARD_COUNT) {
    assertCount(count);
    const sorted = [...new Set(vshards)].sort((a, b) => a - b);
    for (const v of sorted) {
      if (!Number.isInteger(v) || v < 0 || v >= count)
        throw new RangeError(`vshard out of range: ${v}`);
    }
    this.#members = new Set(sorted);
    const ranges: string[] = [];
    for (let i = 0; i < sorted.length;) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
      ranges.push(`[${sorted[i]},${sorted[j]! + 1})`);
      i = j + 1;
    }
    this.multirange = `{${ranges.join(',')}}`;
  }

  /** All vshards `0 … count-1`. */
  static all(count = DEFAULT_VSHARD_COUNT): VShardSet {
    return new VShardSet(
      Array.from({ length: count }, (_, i) => i),
      count,
    );
  }

  has(vshard: number): boolean {
    return this.#members.has(vshard);
  }

  /** The members in ascending order. */
  values(): number[] {
    return [...this.#members];
  }

  /** Checks that each of `vshards` is owned (RangeError otherwise) and returns them; defaults to all members. */
  pick(vshards: Iterable<number> | undefined): number[] {
    if (vshards === undefined) return this.values();
    const out = [...vshards];
    for (const v of out)
      if (!this.has(v)) throw new RangeError(`vshard ${v} is not owned by this store`);
    return out;
  }
}

function assertCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > 32768)
    throw new RangeError(`bad vshard count: ${count}`);
}
