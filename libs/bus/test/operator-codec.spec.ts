// Operator request/answer codecs: round trips of every action and outcome, a known encoding of one
// block request (BlockingInfo in its upstream text form), and decoders that throw only ParseError.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseError } from '@simplex-relay/protocol';
import type { BlockingInfo } from '@simplex-relay/protocol';
import {
  Subjects,
  decodeOperatorAnswer,
  decodeOperatorRequest,
  encodeOperatorAnswer,
  encodeOperatorRequest,
  type OperatorAction,
  type OperatorAnswer,
  type OperatorOutcome,
  type OperatorQueueStatus,
  type OperatorRequest,
} from '../src/index.ts';

const rec = <T>(m: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(m, { noNullPrototype: true });
const busId = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const id = fc.uint8Array({ minLength: 0, maxLength: 32 });

const info: fc.Arbitrary<BlockingInfo> = fc.oneof(
  rec({ reason: fc.constantFrom('spam' as const, 'content' as const) }),
  fc
    .record({
      reason: fc.constantFrom('spam' as const, 'content' as const),
      ttl: fc.option(fc.integer({ min: -1e12, max: 1e12 }), { nil: undefined }),
    })
    .map(({ reason, ttl }) => ({ reason, notice: ttl === undefined ? {} : { ttl } })),
);

const action: fc.Arbitrary<OperatorAction> = fc.oneof(
  info.map((i) => ({ type: 'block' as const, info: i })),
  fc.constantFrom(
    { type: 'unblock' as const },
    { type: 'delete' as const },
    { type: 'status' as const },
  ),
);

const request: fc.Arbitrary<OperatorRequest> = rec({
  requesterId: busId,
  requestId: fc.nat(0xffffffff),
  vshard: fc.nat(0xffff),
  queue: fc.oneof(
    id.map((senderId) => ({ senderId })),
    id.map((recipientId) => ({ recipientId })),
  ),
  action,
});

const status: fc.Arbitrary<OperatorQueueStatus> = fc.oneof(
  fc.constantFrom({ kind: 'active' as const }, { kind: 'off' as const }),
  info.map((i) => ({ kind: 'blocked' as const, ...i })),
);

const outcome: fc.Arbitrary<OperatorOutcome> = fc.oneof(
  fc
    .constantFrom('NOT_FOUND', 'QUOTA', 'OFF', 'NOT_OWNER', 'INTERNAL' as const)
    .map((error) => ({ ok: false as const, error })),
  status.map((s) => ({ ok: true as const, status: s })),
  fc
    .tuple(
      status,
      fc.constantFrom('M' as const, 'C' as const, null),
      fc.nat(Number.MAX_SAFE_INTEGER),
    )
    .map(([s, mode, updatedAt]) => ({ ok: true as const, status: s, queue: { mode, updatedAt } })),
);

const answer: fc.Arbitrary<OperatorAnswer> = rec({
  storeId: busId,
  requestId: fc.nat(0xffffffff),
  outcome,
});

describe('operator codecs', () => {
  it('round-trips operator requests', () => {
    fc.assert(
      fc.property(request, (r) =>
        assert.deepEqual(decodeOperatorRequest(encodeOperatorRequest(r)), r),
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips operator answers', () => {
    fc.assert(
      fc.property(answer, (a) =>
        assert.deepEqual(decodeOperatorAnswer(encodeOperatorAnswer(a)), a),
      ),
      { numRuns: 500 },
    );
  });

  it('encodes a block request with BlockingInfo in its upstream text form', () => {
    const bytes = encodeOperatorRequest({
      requesterId: 'gw',
      requestId: 1,
      vshard: 2,
      queue: { senderId: Uint8Array.of(0xaa, 0xbb) },
      action: { type: 'block', info: { reason: 'spam', notice: { ttl: 60 } } },
    });
    const infoText = 'reason=spam,notice={"ttl":60}';
    const expected = Buffer.concat([
      Buffer.from([1, 0x4f, 2]),
      Buffer.from('gw'),
      Buffer.from([0, 0, 0, 1, 0, 2, 0x53, 2, 0xaa, 0xbb, 0x42, infoText.length]),
      Buffer.from(infoText),
    ]);
    assert.equal(Buffer.from(bytes).toString('hex'), expected.toString('hex'));
  });

  it('rejects an unknown error code and another bus version', () => {
    const a = encodeOperatorAnswer({
      storeId: 's',
      requestId: 7,
      outcome: { ok: false, error: 'QUOTA' },
    });
    const bad = Buffer.from(a);
    bad.write('QUOTX', bad.length - 5, 'latin1');
    assert.throws(() => decodeOperatorAnswer(bad), ParseError);
    const v2 = a.slice();
    v2[0] = 2;
    assert.throws(() => decodeOperatorAnswer(v2), ParseError);
  });

  it('decoders throw only ParseError on random or mutated input', () => {
    const valid = [
      encodeOperatorRequest({
        requesterId: 'g',
        requestId: 3,
        vshard: 9,
        queue: { recipientId: new Uint8Array(24) },
        action: { type: 'block', info: { reason: 'content', notice: {} } },
      }),
      encodeOperatorAnswer({
        storeId: 's',
        requestId: 3,
        outcome: {
          ok: true,
          status: { kind: 'blocked', reason: 'spam', notice: { ttl: 5 } },
          queue: { mode: 'C', updatedAt: 86_400 },
        },
      }),
    ];
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.nat(255)).map(([v, i, b]) => {
        const c = v.slice();
        c[i % c.length] = b;
        return c;
      }),
      fc.tuple(fc.constantFrom(...valid), fc.nat()).map(([v, n]) => v.subarray(0, n % v.length)),
    );
    fc.assert(
      fc.property(input, (b) => {
        for (const d of [decodeOperatorRequest, decodeOperatorAnswer]) {
          try {
            d(b);
          } catch (e) {
            assert.ok(e instanceof ParseError, `${d.name}: ${String(e)}`);
          }
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('names the operator subjects per store and per requester', () => {
    const s = new Subjects('smp');
    assert.equal(s.operator('store-1'), 'smp.op.store-1');
    assert.equal(s.operatorAnswers('gw-a'), 'smp.opa.gw-a');
    assert.throws(() => s.operator('a.b'), RangeError);
  });
});
