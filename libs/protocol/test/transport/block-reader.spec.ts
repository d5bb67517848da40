// BlockReader (spec smp.md §5.1): a byte stream split anywhere must yield the same blocks. Tested
// byte by byte, at every boundary pattern of a small framing, and with random chunking at 16384.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BlockReader, SMP_BLOCK_SIZE, TransportError } from '../../src/index.ts';

const stream = (n: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);

/** Feeds `data` cut at the given sorted cut points and returns all emitted blocks. */
const feed = (r: BlockReader, data: Uint8Array, cuts: readonly number[]): Uint8Array[] => {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...cuts, data.length]) {
    out.push(...r.push(data.subarray(prev, c)));
    prev = c;
  }
  return out;
};

const blocksOf = (data: Uint8Array, size: number): Uint8Array[] =>
  Array.from({ length: Math.floor(data.length / size) }, (_, k) =>
    data.slice(k * size, (k + 1) * size),
  );

describe('BlockReader', () => {
  it('emits 16384-byte blocks when fed one byte at a time', () => {
    const data = stream(2 * SMP_BLOCK_SIZE + 5);
    const r = new BlockReader();
    const out: Uint8Array[] = [];
    for (let i = 0; i < data.length; i++) {
      const got = r.push(data.subarray(i, i + 1));
      if ((i + 1) % SMP_BLOCK_SIZE === 0)
        assert.equal(got.length, 1, `a block completes at byte ${i + 1}`);
      else assert.equal(got.length, 0);
      out.push(...got);
    }
    assert.deepEqual(out, blocksOf(data, SMP_BLOCK_SIZE));
    assert.equal(r.pending, 5, 'the partial block stays buffered');
  });

  it('yields the same blocks for every one of the 2^11 ways to split a 12-byte stream (block size 4)', () => {
    const data = stream(12);
    const expected = blocksOf(data, 4);
    for (let mask = 0; mask < 1 << 11; mask++) {
      const cuts: number[] = [];
      for (let b = 0; b < 11; b++) if (mask & (1 << b)) cuts.push(b + 1);
      const r = new BlockReader(4);
      assert.deepEqual(feed(r, data, cuts), expected, `split mask ${mask}`);
      assert.equal(r.pending, 0);
      r.end();
    }
  });

  it('yields the same blocks for a 2-block stream split in two at every position', () => {
    const data = stream(2 * SMP_BLOCK_SIZE);
    const expected = blocksOf(data, SMP_BLOCK_SIZE);
    for (let cut = 0; cut <= data.length; cut += 1) {
      const r = new BlockReader();
      const out = feed(r, data, [cut]);
      assert.equal(out.length, 2);
      // Comparing the first and last bytes keeps this loop fast; full equality is checked below.
      assert.equal(out[0]?.[SMP_BLOCK_SIZE - 1], expected[0]?.[SMP_BLOCK_SIZE - 1]);
      assert.equal(out[1]?.[0], expected[1]?.[0]);
      if (cut % 4099 === 0) assert.deepEqual(out, expected);
    }
  });

  it('yields the same blocks under random chunking, including empty chunks', () => {
    const data = stream(5 * SMP_BLOCK_SIZE + 123, 3);
    const expected = blocksOf(data, SMP_BLOCK_SIZE);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: data.length }), { maxLength: 40 }), (raw) => {
        const cuts = [...raw].sort((a, b) => a - b);
        const r = new BlockReader();
        assert.deepEqual(feed(r, data, cuts), expected);
        assert.equal(r.pending, 123);
      }),
      { numRuns: 200 },
    );
  });

  it('returns copies: reusing the input buffer does not change emitted blocks', () => {
    const r = new BlockReader(4);
    const chunk = Uint8Array.of(1, 2, 3, 4, 5, 6);
    const [b1] = r.push(chunk);
    chunk.fill(0);
    const [b2] = r.push(Uint8Array.of(7, 8));
    assert.deepEqual(b1, Uint8Array.of(1, 2, 3, 4));
    assert.deepEqual(
      b2,
      Uint8Array.of(5, 6, 7, 8),
      'buffered bytes were copied before the caller reused its buffer',
    );
  });

  it('treats a stream ending inside a block as TransportError BLOCK (upstream: short read = EOF)', () => {
    const r = new BlockReader();
    r.push(new Uint8Array(100));
    assert.throws(
      () => r.end(),
      (e) => e instanceof TransportError && e.code === 'BLOCK',
    );
    assert.equal(r.pending, 0, 'the partial block is discarded');
    r.end();
  });

  it('throws nothing but TransportError on random chunk sequences', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 33 }),
        (chunks, size) => {
          const r = new BlockReader(size);
          let total = 0;
          let blocks = 0;
          for (const c of chunks) {
            total += c.length;
            blocks += r.push(c).length;
          }
          assert.equal(blocks, Math.floor(total / size));
          assert.equal(r.pending, total % size);
          try {
            r.end();
          } catch (e) {
            assert.ok(e instanceof TransportError);
          }
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('refuses a non-positive block size and a non-Uint8Array chunk as misuse', () => {
    assert.throws(() => new BlockReader(0), RangeError);
    assert.throws(() => new BlockReader().push('x' as unknown as Uint8Array), TypeError);
  });
});

describe('BlockReader with a Node Buffer chunk', () => {
  it('returns blocks that do not share memory with the chunk (Buffer#slice is a view)', () => {
    const chunk = Buffer.alloc(2 * 16384, 1);
    const [first] = new BlockReader().push(chunk);
    chunk.fill(9);
    assert.equal(first?.[0], 1, 'later writes to the chunk must not change an emitted block');
    assert.ok(!(first instanceof Buffer), 'a plain Uint8Array copy');
  });
});
