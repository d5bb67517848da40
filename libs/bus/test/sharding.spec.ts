// Virtual-shard routing: server IDs carry their vshard, client IDs hash to one, both keyed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ShardRouter, parseRanges, expandRanges } from '../src/index.ts';

const key = new Uint8Array(32).fill(1);

describe(ShardRouter.name, () => {
  it('generates server IDs of 24 bytes that route back to the vshard they were made for', () => {
    const r = new ShardRouter(key);
    for (let v = 0; v < 1024; v += 7) {
      const id = r.newServerId(v);
      assert.equal(id.length, 24);
      assert.equal(r.ofServerId(id), v);
    }
  });
  it('spreads random server and client IDs over all vshards (no shard gets 3× its share)', () => {
    const r = new ShardRouter(key, 64);
    const server = new Array(64).fill(0);
    const client = new Array(64).fill(0);
    for (let i = 0; i < 20_000; i++) {
      server[r.ofServerId(randomBytes(24))]++;
      client[r.ofClientId(randomBytes(24))]++;
    }
    for (const counts of [server, client]) {
      assert.ok(Math.min(...counts) > 0, 'every vshard is reached');
      assert.ok(Math.max(...counts) < 3 * (20_000 / 64), 'no vshard gets 3× its share');
    }
  });
  it('routes the same ID differently under another shard key (clients cannot aim at a shard)', () => {
    const a = new ShardRouter(key);
    const b = new ShardRouter(new Uint8Array(32).fill(2));
    let differ = 0;
    for (let i = 0; i < 200; i++) {
      const id = randomBytes(24);
      if (a.ofClientId(id) !== b.ofClientId(id)) differ++;
      if (a.ofServerId(id) !== b.ofServerId(id)) differ++;
    }
    assert.ok(differ > 380, `keys change routing (${differ}/400 differ)`);
  });
  it('routes a server ID of the wrong length to vshard 0 without throwing', () => {
    assert.equal(new ShardRouter(key).ofServerId(new Uint8Array(5)), 0);
  });
  it('refuses a short key and a vshard count that is not a power of two', () => {
    assert.throws(() => new ShardRouter(new Uint8Array(8)), RangeError);
    assert.throws(() => new ShardRouter(key, 1000), RangeError);
  });
});

describe('vshard ranges', () => {
  it('parses the config form and expands it', () => {
    assert.deepEqual(parseRanges('0-3, 10,12-13', 1024), [
      { from: 0, to: 3 },
      { from: 10, to: 10 },
      { from: 12, to: 13 },
    ]);
    assert.deepEqual(expandRanges(parseRanges('0-2,5')), [0, 1, 2, 5]);
    assert.throws(() => parseRanges('5-1'), RangeError);
    assert.throws(() => parseRanges('0-1024', 1024), RangeError);
  });
});
