// Primitive encodings (spec smp.md §1): upstream vectors from tests/CoreTests/EncodingTests.hs,
// round-trip properties, and the decoder's refusal of non-canonical input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Decoder, Writer, decodeAll, encode, ParseError } from '../../src/index.ts';
import { hex } from '../helpers.ts';

describe('Int64', () => {
  it('encodes 1234567890123456789 as upstream EncodingTests "Encoding Int64"', () => {
    assert.equal(hex(encode((w) => w.int64(1234567890123456789n))), '112210f47de98115');
  });
  it('encodes SystemTime 2022-01-01T10:24:05Z as 1641032645 seconds (EncodingTests)', () => {
    const secs = BigInt(Date.UTC(2022, 0, 1, 10, 24, 5) / 1000);
    assert.equal(secs, 1641032645n);
    assert.equal(
      decodeAll(
        encode((w) => w.int64(secs)),
        (d) => d.int64(),
      ),
      1641032645n,
    );
  });
  it('round-trips every Int64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (v) => {
        assert.equal(
          decodeAll(
            encode((w) => w.int64(v)),
            (d) => d.int64(),
          ),
          v,
        );
      }),
    );
  });
});

describe('byte strings and containers', () => {
  it('round-trip short, large, maybe and list', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 255 }),
        fc.uint8Array({ maxLength: 2000 }),
        fc.option(fc.uint8Array({ maxLength: 255 }), { nil: undefined }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 255 }),
        (s, l, m, xs) => {
          const bytes = encode((w) =>
            w
              .bytes(s)
              .large(l)
              .maybe(m, (w2, v) => w2.bytes(v))
              .list(xs, (w2, v) => w2.word16(v)),
          );
          const out = decodeAll(bytes, (d) => [
            d.bytes(),
            d.large(),
            d.maybe((d2) => d2.bytes()),
            d.list((d2) => d2.word16()),
          ]);
          assert.deepEqual(out, [s, l, m, xs]);
        },
      ),
    );
  });
  it('refuses to encode a short string over 255 bytes (upstream would wrap the length)', () => {
    assert.throws(() => new Writer().bytes(new Uint8Array(256)), RangeError);
  });
  it('rejects a Bool other than T/F, a Maybe tag other than 0/1 and trailing bytes', () => {
    assert.throws(() => decodeAll(Uint8Array.of(0x74), (d) => d.bool()), ParseError);
    assert.throws(
      () => decodeAll(Uint8Array.of(0x32), (d) => d.maybe((x) => x.byte())),
      ParseError,
    );
    assert.throws(() => decodeAll(Uint8Array.of(0x54, 0), (d) => d.bool()), ParseError);
  });
  it('rejects an empty NonEmpty list', () => {
    assert.throws(() => new Decoder(Uint8Array.of(0)).nonEmpty((d) => d.byte()), ParseError);
  });
  it('throws only ParseError on truncated input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (buf) => {
        try {
          decodeAll(buf, (d) => [d.bytes(), d.large(), d.int64(), d.maybe((x) => x.bytes())]);
        } catch (e) {
          assert.ok(e instanceof ParseError, String(e));
        }
      }),
      { numRuns: 10000 },
    );
  });
});
