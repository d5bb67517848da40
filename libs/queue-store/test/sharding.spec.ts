import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VShardSet } from '../src/index.ts';

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

  it('lists its members as inclusive ranges for the store heartbeat', () => {
    assert.deepEqual(new VShardSet([5, 1, 2, 3, 9]).ranges(), [
      { from: 1, to: 3 },
      { from: 5, to: 5 },
      { from: 9, to: 9 },
    ]);
    assert.deepEqual(new VShardSet([]).ranges(), []);
  });
});
