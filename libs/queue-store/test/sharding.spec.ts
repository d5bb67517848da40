import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { VShardSet, generateIdInShard, vshardOf } from '../src/index.ts';

const secret = new TextEncoder().encode('cluster-secret');

describe('vshardOf', () => {
  it('is the first 4 bytes of HMAC-SHA256(secret, id), big-endian, mod count', () => {
    const id = new Uint8Array(24).fill(7);
    const expected = createHmac('sha256', secret).update(id).digest().readUInt32BE(0);
    assert.equal(vshardOf(id, secret), expected % 1024);
    assert.equal(vshardOf(id, secret, 10), expected % 10);
  });

  it('depends on the secret, so clients cannot aim IDs at a shard', () => {
    const ids = Array.from({ length: 32 }, (_, i) => new Uint8Array(24).fill(i));
    const a = ids.map((id) => vshardOf(id, secret));
    const b = ids.map((id) => vshardOf(id, new Uint8Array([1])));
    assert.notDeepEqual(a, b);
  });

  it('rejects a vshard count outside 1…32768 (vshard is a smallint)', () => {
    assert.throws(() => vshardOf(new Uint8Array(24), secret, 0), RangeError);
    assert.throws(() => vshardOf(new Uint8Array(24), secret, 40000), RangeError);
  });
});

describe('generateIdInShard', () => {
  it('returns fresh 24-byte IDs that hash to the requested vshard', () => {
    const a = generateIdInShard(513, secret);
    const b = generateIdInShard(513, secret);
    assert.equal(a.length, 24);
    assert.equal(vshardOf(a, secret), 513);
    assert.equal(vshardOf(b, secret), 513);
    assert.notDeepEqual(a, b, 'random, not derived');
  });

  it('rejects a vshard outside the cluster', () => {
    assert.throws(() => generateIdInShard(1024, secret), RangeError);
  });
});

describe('VShardSet', () => {
  it('renders owned vshards as a compact int4multirange literal', () => {
    assert.equal(new VShardSet([5, 1, 2, 3, 9, 3]).multirange, '{[1,4),[5,6),[9,10)}');
    assert.equal(VShardSet.all().multirange, '{[0,1024)}');
    assert.equal(new VShardSet([]).multirange, '{}', 'an instance may own nothing (draining)');
  });

  it('refuses vshards it does not own when picking a sweep', () => {
    const s = new VShardSet([1, 2]);
    assert.deepEqual(s.pick(undefined), [1, 2]);
    assert.throws(() => s.pick([3]), RangeError);
    assert.throws(() => new VShardSet([1024]), RangeError);
  });
});
