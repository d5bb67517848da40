// Batches and plain blocks (spec smp.md §5.1, §5.2): the capacity facts of upstream
// tests/CoreTests/BatchingTests.hs reproduced through batchTransmissions, round-trip properties of
// the batch and block codecs, and decoders fed random and mutated input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_BATCH_COUNT,
  ParseError,
  PLAIN_BLOCK_CONTENT_MAX,
  SMP_BATCH_CONTENT_MAX,
  SMP_BLOCK_SIZE,
  TransportError,
  batchTransmissions,
  decodeBatch,
  decodePlainBlock,
  encodeBatch,
  encodePlainBlock,
  type TransportBatch,
} from '../../src/index.ts';
import { hex } from '../helpers.ts';
import { end, msg, nmsg, send, sok, sub, times } from './transmissions.ts';

/** The shape upstream tests match on: batch sizes, and 'E' for a `TBError TELargeMsg`. */
const shape = (bs: readonly TransportBatch[]): (number | 'E')[] =>
  bs.map((b) =>
    b.type === 'batch' ? b.transmissions.length : (assert.equal(b.error.code, 'LARGE_MSG'), 'E'),
  );

/** Upstream `lenOk` for every batch, plus our stricter bound: the content fits an encrypted block. */
const assertLenOk = (bs: readonly TransportBatch[]): void => {
  for (const b of bs) {
    if (b.type !== 'batch') continue;
    assert.ok(b.content.length > 0 && b.content.length <= SMP_BLOCK_SIZE - 2, 'upstream lenOk');
    assert.ok(
      b.content.length <= SMP_BATCH_CONTENT_MAX,
      'fits the 16366-byte encrypted-block budget',
    );
  }
};

const v6session = new Uint8Array(32).fill(7);

describe('transmission sizes used by the capacity facts', () => {
  it('builds a v18 Ed25519 SUB of exactly 119 bytes: 40 <64 sig> 30 18 <24> 18 <24> "SUB" (§6.2)', () => {
    const t = sub(18);
    assert.equal(t.length, 119);
    assert.equal(t[0], 0x40, 'sb of a 64-byte signature');
    assert.equal(t[65], 0x30, "service signature field '0' at v ≥ 16");
    assert.equal(hex(t.subarray(116)), hex(Uint8Array.from([0x53, 0x55, 0x42])));
  });
  it('builds a v6 SUB of 151 bytes: the session ID is on the wire and there is no service field', () => {
    assert.equal(sub(6, v6session).length, 65 + 33 + 53);
  });
  it('builds server events of the sizes upstream batches: END 30, NMSG 201, SOK 56, MSG(16048) 16128', () => {
    assert.equal(end().length, 30);
    assert.equal(nmsg().length, 201);
    assert.equal(sok().length, 56);
    assert.equal(msg(16048).length, 16128);
  });
});

describe('batchTransmissions reproduces upstream BatchingTests', () => {
  it('puts 135 v18 SUBs in one block and needs a second block for the 136th', () => {
    assert.deepEqual(shape(batchTransmissions(times(135, () => sub(18)))), [135]);
    assert.deepEqual(shape(batchTransmissions(times(136, () => sub(18)))), [1, 135]);
  });
  it('splits 300 v18 SUBs as 30, 135, 135 (the partial batch first, as upstream folds from the end)', () => {
    const bs = batchTransmissions(times(300, () => sub(18)));
    assert.deepEqual(shape(bs), [30, 135, 135]);
    assertLenOk(bs);
  });
  it('splits 250 v6 SUBs as 38, 106, 106', () => {
    const bs = batchTransmissions(times(250, () => sub(6, v6session)));
    assert.deepEqual(shape(bs), [38, 106, 106]);
    assertLenOk(bs);
  });
  it('breaks on a SEND of 8000 bytes that does not fit: 33, 68 at v18 and 47, 54 at v6', () => {
    const v18 = [...times(60, () => sub(18)), send(18, 8000), ...times(40, () => sub(18))];
    assert.deepEqual(shape(batchTransmissions(v18)), [33, 68]);
    const v6 = [
      ...times(60, () => sub(6, v6session)),
      send(6, 8000, v6session),
      ...times(40, () => sub(6, v6session)),
    ];
    assert.deepEqual(shape(batchTransmissions(v6)), [47, 54]);
  });
  it('reports a 17000-byte SEND as LARGE_MSG in place and never batches across it', () => {
    const big18 = send(18, 17000);
    const s1 = times(60, () => sub(18));
    const s2 = times(150, () => sub(18));
    const bs = batchTransmissions([...s1, big18, ...s2]);
    assert.deepEqual(shape(bs), [60, 'E', 15, 135]);
    assertLenOk(bs);
    const err = bs[1];
    assert.ok(err?.type === 'error' && err.index === 60, 'the error names the input position');
    assert.deepEqual(shape(batchTransmissions([big18, ...s1, ...s2])), ['E', 75, 135]);

    const big6 = send(6, 17000, v6session);
    const u1 = times(50, () => sub(6, v6session));
    const u2 = times(150, () => sub(6, v6session));
    assert.deepEqual(shape(batchTransmissions([...u1, big6, ...u2])), [50, 'E', 44, 106]);
    assert.deepEqual(shape(batchTransmissions([big6, ...u1, ...u2])), ['E', 94, 106]);
  });
  it('puts 255 ENDs in a block: the count byte, not the size, is the limit', () => {
    assert.deepEqual(shape(batchTransmissions(times(300, end))), [45, 255]);
  });
  it('puts 80 NMSGs in a block (200 → 40, 80, 80)', () => {
    assert.deepEqual(shape(batchTransmissions(times(200, nmsg))), [40, 80, 80]);
  });
  it('fits 4 SOKs and one MSG with upstream test body of maxMessageLength (16048) in one block, not 5', () => {
    const m = msg(16048);
    assert.deepEqual(shape(batchTransmissions([...times(4, sok), m])), [5]);
    assert.deepEqual(shape(batchTransmissions([...times(5, sok), m])), [1, 5]);
  });
  it('fits only 2 SOKs with a real MSG response (16122-byte encrypted body, §7.6) and 3 with the MSG event', () => {
    // Upstream `Server.hs: send` assumes 4; with real bodies batching still splits correctly.
    const m = msg(16122);
    assert.equal(m.length, 16202);
    assert.deepEqual(shape(batchTransmissions([...times(2, sok), m])), [3]);
    assert.deepEqual(shape(batchTransmissions([...times(3, sok), m])), [1, 3]);
    const ev = msg(16122, new Uint8Array(0));
    assert.deepEqual(shape(batchTransmissions([...times(3, sok), ev])), [4]);
    assert.deepEqual(shape(batchTransmissions([...times(4, sok), ev])), [1, 4]);
  });
  it('accepts a lone transmission of exactly 16363 bytes and refuses 16364 (Σ lb(t) ≤ 16384 − 19)', () => {
    assert.deepEqual(shape(batchTransmissions([new Uint8Array(16363)])), [1]);
    assert.deepEqual(shape(batchTransmissions([new Uint8Array(16364)])), ['E']);
  });
});

const tsArb = fc.array(
  fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 300 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 17000 }) },
  ),
  { maxLength: 700 },
);

describe('batchTransmissions properties', () => {
  it('preserves order, respects the budget and count, and flags exactly the oversized items', () => {
    fc.assert(
      fc.property(tsArb, fc.integer({ min: 3, max: PLAIN_BLOCK_CONTENT_MAX }), (lens, budget) => {
        const ts = lens.map((n, i) => new Uint8Array(n).fill(i & 0xff));
        const bs = batchTransmissions(ts, budget);
        const seen: number[] = [];
        for (const b of bs) {
          if (b.type === 'error') {
            assert.ok(
              2 + (ts[b.index] as Uint8Array).length > budget - 1,
              'only oversized items are errors',
            );
            seen.push(b.index);
            continue;
          }
          assert.ok(b.transmissions.length >= 1 && b.transmissions.length <= MAX_BATCH_COUNT);
          assert.ok(b.content.length <= budget, 'content within budget');
          assert.deepEqual(
            decodeBatch(b.content),
            b.transmissions.map((t) => Uint8Array.from(t)),
          );
          seen.push(...b.indices);
        }
        assert.deepEqual(
          seen,
          ts.map((_, i) => i),
          'every input once, in order',
        );
      }),
      { numRuns: 300 },
    );
  });
  it('fills from the end: the last item of a batch would not fit the batch after it', () => {
    fc.assert(
      fc.property(tsArb, (lens) => {
        const ts = lens.map((n) => new Uint8Array(n));
        const bs = batchTransmissions(ts);
        for (let k = 0; k + 1 < bs.length; k++) {
          const a = bs[k];
          const b = bs[k + 1];
          if (a?.type !== 'batch' || b?.type !== 'batch') continue;
          const moved = 2 + (a.transmissions.at(-1) as Uint8Array).length;
          assert.ok(
            b.content.length + moved > SMP_BATCH_CONTENT_MAX ||
              b.transmissions.length === MAX_BATCH_COUNT,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
  it('refuses a budget outside 3..16382 as misuse', () => {
    assert.throws(() => batchTransmissions([], 2), RangeError);
    assert.throws(() => batchTransmissions([], 16383), RangeError);
    assert.deepEqual(batchTransmissions([]), [], 'nothing to send, no batch');
  });
});

describe('encodeBatch / decodeBatch', () => {
  it('round-trips 1..255 transmissions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 255 }),
        (ts) => {
          const c = encodeBatch(ts);
          assert.equal(c[0], ts.length, 'count byte first');
          assert.deepEqual(decodeBatch(c), ts);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('encodes count || lb(t) exactly', () => {
    assert.equal(hex(encodeBatch([Uint8Array.of(1, 2), new Uint8Array(0)])), '0200020102' + '0000');
  });
  it('refuses to encode 0 or 256 transmissions', () => {
    assert.throws(() => encodeBatch([]), RangeError);
    assert.throws(() => encodeBatch(times(256, () => new Uint8Array(0))), RangeError);
  });
  it('rejects a zero count, trailing bytes and short items with ParseError (upstream parseAll of NonEmpty Large)', () => {
    assert.throws(() => decodeBatch(Uint8Array.of(0)), ParseError);
    assert.throws(() => decodeBatch(Uint8Array.of(1, 0, 0, 0)), ParseError);
    assert.throws(() => decodeBatch(Uint8Array.of(1, 0, 2, 9)), ParseError);
    assert.throws(() => decodeBatch(new Uint8Array(0)), ParseError);
  });
  it('throws only ParseError on 40k random and mutated inputs', () => {
    const valid = encodeBatch([Uint8Array.of(1, 2, 3), new Uint8Array(10), Uint8Array.of(9)]);
    const mutated = fc
      .tuple(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 4,
        }),
        fc.nat(valid.length),
      )
      .map(([edits, cut]) => {
        const b = valid.slice(0, cut);
        for (const [at, v] of edits) if (at < b.length) b[at] = v;
        return b;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), (b) => {
        try {
          decodeBatch(b);
        } catch (e) {
          assert.ok(e instanceof ParseError, `unexpected ${String(e)}`);
        }
      }),
      { numRuns: 40_000 },
    );
  });
});

describe('plain blocks', () => {
  it('are pad(content, 16384): Word16 length, content, then # bytes', () => {
    const b = encodePlainBlock(Uint8Array.of(1, 0xab));
    assert.equal(b.length, SMP_BLOCK_SIZE);
    assert.equal(hex(b.subarray(0, 6)), '000201ab2323');
    assert.ok(
      b.subarray(4).every((x) => x === 0x23),
      "padding is all '#'",
    );
  });
  it('round-trip any content up to 16382 bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: PLAIN_BLOCK_CONTENT_MAX }),
        fc.integer({ min: 0, max: 255 }),
        (n, fill) => {
          const c = new Uint8Array(n).fill(fill);
          assert.deepEqual(decodePlainBlock(encodePlainBlock(c)), c);
        },
      ),
      { numRuns: 200 },
    );
  });
  it('refuse content over 16382 bytes with TransportError LARGE_MSG (upstream tPutBlock)', () => {
    assert.throws(
      () => encodePlainBlock(new Uint8Array(16383)),
      (e) => e instanceof TransportError && e.code === 'LARGE_MSG',
    );
  });
  it('ignore the padding bytes, as upstream unPad does', () => {
    const b = encodePlainBlock(Uint8Array.of(5));
    b.fill(0, 3);
    assert.deepEqual(decodePlainBlock(b), Uint8Array.of(5));
  });
  it('reject a length word over 16382 with TransportError BLOCK, and a wrong-size block as misuse', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (n) => {
        const b = new Uint8Array(SMP_BLOCK_SIZE);
        b[0] = n >> 8;
        b[1] = n & 0xff;
        if (n <= PLAIN_BLOCK_CONTENT_MAX) assert.equal(decodePlainBlock(b).length, n);
        else
          assert.throws(
            () => decodePlainBlock(b),
            (e) => e instanceof TransportError && e.code === 'BLOCK',
          );
      }),
      { numRuns: 3000 },
    );
    assert.throws(() => decodePlainBlock(new Uint8Array(100)), RangeError);
  });
});
