// Virtual shards (spec smp.md §11.3). The cluster has a fixed number of vshards (default 1024); each
// queue-store instance owns a set of them (exclusively: `QueueStore.claimVShards`).
//
// Placement and routing live in `@simplex-relay/bus` (`ShardRouter`): a queue lives on the vshard of
// its sender ID (a keyed hash, since sender IDs may be client-chosen), and the server-generated
// recipient and notifier IDs carry that vshard inside the ID (`ShardRouter.newServerId`), so every
// ID of a queue routes to the same vshard. Client-chosen link IDs (contact queues) hash anywhere, so
// a small routing index `link_index(link_id → vshard)` maps them (`QueueStore.getLinkShard`).
// This module only knows which vshards an instance owns.

/** Default number of virtual shards in the cluster. */
export const DEFAULT_VSHARD_COUNT = 1024;

/** Length of server-generated entity IDs (spec §7.2). */
export const ENTITY_ID_LENGTH = 24;

/** Another instance holds some of the vshards this one tried to claim. */
export class VShardClaimError extends Error {
  override readonly name = 'VShardClaimError';
  constructor(
    /** How many of the requested vshards are held elsewhere. */
    readonly held: number,
    opts?: { cause?: unknown },
  ) {
    super(`${held} vshard(s) are owned by another store instance`, opts);
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

  /** The members as inclusive ranges, ascending (the form of store heartbeats). */
  ranges(): { from: number; to: number }[] {
    const out: { from: number; to: number }[] = [];
    for (const v of this.#members) {
      const last = out[out.length - 1];
      if (last && last.to + 1 === v) last.to = v;
      else out.push({ from: v, to: v });
    }
    return out;
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
