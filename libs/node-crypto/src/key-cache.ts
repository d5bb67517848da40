// A small bounded LRU map for imported node:crypto KeyObjects. Importing a raw private key costs
// far more than using it (OpenSSL derives the public key on import), so the provider keeps recent
// KeyObjects keyed by the key's *contents*, never by array identity: a caller reusing or mutating a
// Uint8Array must not be able to make a stale KeyObject answer for different key bytes.

/** Least-recently-used map with a fixed capacity; capacity 0 disables caching. */
export class LruCache<V> {
  private readonly map = new Map<string, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('LruCache: bad capacity');
  }

  /** Number of cached entries. */
  get size(): number {
    return this.map.size;
  }

  /** The cached value, refreshed as most recently used. */
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      // Map iteration order is insertion order: re-inserting moves the entry to the young end.
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** Stores a value, evicting the least recently used entry beyond capacity. */
  set(key: string, v: V): void {
    if (this.capacity === 0) return;
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  /** Drops every entry. */
  clear(): void {
    this.map.clear();
  }
}
