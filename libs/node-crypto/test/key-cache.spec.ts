import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LruCache } from '../src/key-cache.ts';

describe(LruCache.name, () => {
  it('evicts the least recently used entry beyond capacity', () => {
    const c = new LruCache<number>(2);
    c.set('a', 1);
    c.set('b', 2);
    assert.equal(c.get('a'), 1, 'touching a makes b the oldest');
    c.set('c', 3);
    assert.equal(c.get('b'), undefined, 'b was evicted');
    assert.equal(c.get('a'), 1);
    assert.equal(c.get('c'), 3);
    assert.equal(c.size, 2);
  });

  it('stores nothing with capacity 0 and rejects a bad capacity', () => {
    const c = new LruCache<number>(0);
    c.set('a', 1);
    assert.equal(c.get('a'), undefined);
    assert.throws(() => new LruCache(-1), RangeError);
    assert.throws(() => new LruCache(1.5), RangeError);
  });
});
