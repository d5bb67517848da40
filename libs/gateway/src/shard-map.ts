// Which store instance owns which virtual shard (docs/architecture.md "Shards"), built from the store
// heartbeats on `subjects.storeHeartbeat`. A store that falls silent for `storeTimeoutMs` is dropped;
// two stores claiming one vshard (a takeover in progress, or a misconfiguration) resolve to the newest
// epoch. Listeners hear about every vshard whose owner changed — moved to another store, or the same
// store with a new epoch (it restarted and lost its in-memory subscription registry).
import { ParseError } from '@simplex-relay/protocol';
import { decodeStoreHeartbeat } from '@simplex-relay/bus';
import type { BusSubscription, BusTransport, StoreHeartbeat, Subjects } from '@simplex-relay/bus';
import { silentLogger, type GatewayLogger } from './ports.ts';

/** Options of a ShardMap. */
export interface ShardMapOptions {
  /** Number of vshards in the cluster (the ShardRouter's `count`). */
  readonly vshardCount: number;
  /** A store silent this long is removed from the map. Default 5000 ms. */
  readonly storeTimeoutMs?: number;
  readonly logger?: GatewayLogger;
  /** Clock (tests). Default `Date.now`. */
  readonly now?: () => number;
}

/** Default silence after which a store is dropped. */
export const DEFAULT_STORE_SILENCE_MS = 5000;

/** vshards whose owner changed to a live store (moved, or the owner restarted with a new epoch). */
export interface ShardChange {
  readonly vshards: readonly number[];
}

interface StoreEntry {
  readonly epoch: bigint;
  readonly rangesKey: string;
  readonly heartbeat: StoreHeartbeat;
  lastSeen: number;
}

interface Owner {
  readonly storeId: string;
  readonly epoch: bigint;
}

interface Waiter {
  readonly vshard: number;
  readonly resolve: (storeId: string | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

/** vshard → owning store, from heartbeats. */
export class ShardMap {
  readonly #count: number;
  readonly #silenceMs: number;
  readonly #logger: GatewayLogger;
  readonly #now: () => number;
  readonly #stores = new Map<string, StoreEntry>();
  #owners: (Owner | undefined)[];
  readonly #listeners = new Set<(c: ShardChange) => void>();
  readonly #waiters = new Set<Waiter>();
  #conflicts = 0;
  #sub: BusSubscription | undefined;
  #sweep: NodeJS.Timeout | undefined;

  constructor(opts: ShardMapOptions) {
    if (!Number.isInteger(opts.vshardCount) || opts.vshardCount < 1)
      throw new RangeError('bad vshard count');
    this.#count = opts.vshardCount;
    this.#silenceMs = opts.storeTimeoutMs ?? DEFAULT_STORE_SILENCE_MS;
    this.#logger = opts.logger ?? silentLogger;
    this.#now = opts.now ?? Date.now;
    this.#owners = new Array<Owner | undefined>(this.#count).fill(undefined);
  }

  /** Listens for store heartbeats and drops silent stores periodically. */
  start(transport: BusTransport, subjects: Subjects): void {
    if (this.#sub) return;
    this.#sub = transport.subscribe(subjects.storeHeartbeat, (m) => {
      let h: StoreHeartbeat;
      try {
        h = decodeStoreHeartbeat(m.data);
      } catch (e) {
        if (e instanceof ParseError)
          return void this.#logger.warn('dropped an undecodable store heartbeat');
        throw e;
      }
      this.apply(h);
    });
    const every = Math.max(10, Math.floor(this.#silenceMs / 4));
    this.#sweep = setInterval(() => this.sweep(), every);
    this.#sweep.unref();
  }

  /** Stops listening; pending `waitForOwner` calls resolve with undefined. */
  stop(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = undefined;
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.resolve(undefined);
    }
    this.#waiters.clear();
  }

  /** Takes one heartbeat into account. */
  apply(h: StoreHeartbeat): void {
    const now = this.#now();
    const rangesKey = h.vshards.map((r) => `${r.from}-${r.to}`).join(',');
    const prev = this.#stores.get(h.storeId);
    if (prev && prev.epoch > h.epoch) {
      // A stale instance under the same store ID: the newer one stays.
      this.#logger.warn('ignored a store heartbeat with an older epoch than the live instance');
      return;
    }
    if (prev && prev.epoch === h.epoch && prev.rangesKey === rangesKey) {
      prev.lastSeen = now;
      return;
    }
    this.#stores.set(h.storeId, { epoch: h.epoch, rangesKey, heartbeat: h, lastSeen: now });
    this.#rebuild();
  }

  /** Drops stores silent for longer than the timeout. */
  sweep(): void {
    const limit = this.#now() - this.#silenceMs;
    let removed = 0;
    for (const [id, s] of this.#stores) {
      if (s.lastSeen < limit) {
        this.#stores.delete(id);
        removed++;
      }
    }
    if (removed > 0) {
      this.#logger.warn(`${removed} store(s) fell silent and were removed from the shard map`);
      this.#rebuild();
    }
  }

  /** The store owning `vshard`, if one is known. */
  ownerOf(vshard: number): string | undefined {
    return this.#owners[vshard]?.storeId;
  }

  /** The epoch of a live store. */
  epochOf(storeId: string): bigint | undefined {
    return this.#stores.get(storeId)?.epoch;
  }

  /** Number of live stores. */
  get storeCount(): number {
    return this.#stores.size;
  }

  /** True when every vshard has a live owner: the gateway can route any command (readiness). */
  get complete(): boolean {
    return this.#owners.every((o) => o !== undefined);
  }

  /** The owner of `vshard`, waiting up to `timeoutMs` for a heartbeat that names one. */
  waitForOwner(vshard: number, timeoutMs: number): Promise<string | undefined> {
    const now = this.ownerOf(vshard);
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const w: Waiter = {
        vshard,
        resolve,
        timer: setTimeout(() => {
          this.#waiters.delete(w);
          resolve(undefined);
        }, timeoutMs),
      };
      this.#waiters.add(w);
    });
  }

  /** Registers a change listener; returns the function that removes it. */
  onChange(listener: (c: ShardChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #rebuild(): void {
    const owners = new Array<Owner | undefined>(this.#count).fill(undefined);
    // Newest epoch first (ties by ID, so every gateway decides alike): the first claim wins.
    const stores = [...this.#stores.entries()].sort(([ia, a], [ib, b]) =>
      a.epoch === b.epoch ? (ia < ib ? -1 : ia > ib ? 1 : 0) : a.epoch > b.epoch ? -1 : 1,
    );
    let conflicts = 0;
    for (const [storeId, s] of stores) {
      for (const r of s.heartbeat.vshards) {
        for (let v = r.from; v <= r.to && v < this.#count; v++) {
          if (owners[v] === undefined) owners[v] = { storeId, epoch: s.epoch };
          else if (owners[v]?.storeId !== storeId) conflicts++;
        }
      }
    }
    if (conflicts !== this.#conflicts) {
      if (conflicts > 0)
        this.#logger.warn(
          `${conflicts} vshard(s) are claimed by more than one store; the newest epoch wins`,
        );
      this.#conflicts = conflicts;
    }
    const changed: number[] = [];
    for (let v = 0; v < this.#count; v++) {
      const a = this.#owners[v];
      const b = owners[v];
      if (b !== undefined && (a === undefined || a.storeId !== b.storeId || a.epoch !== b.epoch))
        changed.push(v);
    }
    this.#owners = owners;
    for (const w of this.#waiters) {
      const o = owners[w.vshard];
      if (o !== undefined) {
        clearTimeout(w.timer);
        this.#waiters.delete(w);
        w.resolve(o.storeId);
      }
    }
    if (changed.length > 0) {
      const change: ShardChange = { vshards: changed };
      for (const l of this.#listeners) l(change);
    }
  }
}
