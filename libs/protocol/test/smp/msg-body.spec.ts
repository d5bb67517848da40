// Plaintext bodies (spec smp.md §7.6, §7.8): rcvMsgBody and NMsgMeta layouts and round trips.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeNMsgMeta,
  decodeRcvMsgBody,
  encodeNMsgMeta,
  encodeRcvMsgBody,
  ParseError,
} from '../../src/index.ts';
import type { RcvMsgBody } from '../../src/index.ts';
import { hex } from '../helpers.ts';
import { strip } from './arbitraries.ts';

const te = (s: string): Uint8Array => new TextEncoder().encode(s);
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

describe('rcvMsgBody', () => {
  it('is ts || flag || space || body', () => {
    const m: RcvMsgBody = {
      type: 'message',
      ts: 1641032645n,
      flags: { notification: true },
      body: te('hi'),
    };
    assert.equal(hex(encodeRcvMsgBody(m)), '0000000061d02bc5' + hex(te('T hi')));
  });
  it('the quota marker is "QUOTA " || ts', () => {
    assert.equal(
      hex(encodeRcvMsgBody({ type: 'quota', ts: 1n })),
      hex(te('QUOTA ')) + '0000000000000001',
    );
  });
  it('round-trips messages and quota markers', () => {
    const arb: fc.Arbitrary<RcvMsgBody> = fc.oneof(
      fc.record({
        type: fc.constant('message' as const),
        ts: int64,
        flags: fc.record({ notification: fc.boolean() }),
        body: fc.uint8Array({ maxLength: 500 }),
      }),
      fc.record({ type: fc.constant('quota' as const), ts: int64 }),
    );
    fc.assert(
      fc.property(arb, (m) =>
        assert.deepStrictEqual(decodeRcvMsgBody(encodeRcvMsgBody(m)), strip(m)),
      ),
    );
  });
  it('skips reserved flag bytes before the space, like SEND', () => {
    const b = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 9, ...te('Fab body')]);
    assert.deepStrictEqual(decodeRcvMsgBody(b), {
      type: 'message',
      ts: 9n,
      flags: { notification: false },
      body: te('body'),
    });
  });
  it('refuses a body over MaxMessageLen (16088)', () => {
    assert.throws(
      () =>
        encodeRcvMsgBody({
          type: 'message',
          ts: 0n,
          flags: { notification: false },
          body: new Uint8Array(16089),
        }),
      RangeError,
    );
  });
  it('rejects a truncated body', () =>
    assert.throws(() => decodeRcvMsgBody(Uint8Array.of(0, 0, 0)), ParseError));
});

describe('NMsgMeta', () => {
  it('is sb(msgId) || ts and tolerates extension bytes', () => {
    const b = encodeNMsgMeta({ msgId: Uint8Array.of(1, 2), ts: 5n });
    assert.equal(hex(b), '020102' + '0000000000000005');
    assert.deepStrictEqual(decodeNMsgMeta(Uint8Array.from([...b, 0xee, 0xff])), {
      msgId: Uint8Array.of(1, 2),
      ts: 5n,
    });
  });
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 255 }), int64, (msgId, ts) =>
        assert.deepStrictEqual(decodeNMsgMeta(encodeNMsgMeta({ msgId, ts })), { msgId, ts }),
      ),
    );
  });
});
