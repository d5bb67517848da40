// Bus payload codecs: round trips of every message kind, answer/event splitting under the size
// limit, and decoders that throw only the protocol library's ParseError on bad input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseError } from '@simplex-relay/protocol';
import {
  decodeGatewayHeartbeat,
  decodeGatewayInbound,
  decodeStoreHeartbeat,
  decodeStoreRequest,
  encodeAnswerParts,
  encodeEventParts,
  encodeGatewayHeartbeat,
  encodeGatewayInbound,
  encodeStoreHeartbeat,
  encodeStoreRequest,
  type GatewayInbound,
  type OpResult,
  type StoreOp,
  type StoreRequest,
} from '../src/index.ts';

// Plain-prototype records, so deepEqual compares them with decoded objects.
const rec = <T>(m: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(m, { noNullPrototype: true });

const bytes = (max = 64) => fc.uint8Array({ maxLength: max });
const busId = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const ids = fc.array(
  rec({ kind: fc.constantFrom('rcv' as const, 'ntf' as const), id: bytes(24) }),
  { maxLength: 5 },
);

const op: fc.Arbitrary<StoreOp> = fc.oneof(
  fc
    .record({
      connId: fc.nat(0xffffffff),
      smpVersion: fc.integer({ min: 8, max: 18 }),
      sessionId: bytes(32),
      corrId: bytes(24),
      entityId: bytes(24),
      auth: bytes(114),
      sessionKey: fc.option(bytes(32), { nil: undefined }),
      command: bytes(2000),
    })
    .map(({ sessionKey, ...r }) => ({
      type: 'command' as const,
      ...r,
      ...(sessionKey !== undefined && { sessionKey }),
    })),
  rec({ connId: fc.nat(0xffffffff), ids }).map((r) => ({ type: 'release' as const, ...r })),
  fc
    .record({ connId: fc.nat(0xffffffff), smpVersion: fc.integer({ min: 8, max: 18 }), ids })
    .map((r) => ({ type: 'resubscribe' as const, ...r })),
);

const request: fc.Arbitrary<StoreRequest> = rec({
  gatewayId: busId,
  batchId: fc.nat(0xffffffff),
  ops: fc.array(op, { maxLength: 10 }),
});

const result: fc.Arbitrary<OpResult> = fc.oneof(
  rec({ vshard: fc.nat(1023) }).map((r) => ({ type: 'redirect' as const, ...r })),
  fc
    .array(rec({ useCorrId: fc.boolean(), entityId: bytes(24), msg: bytes(3000) }), {
      maxLength: 3,
    })
    .map((items) => ({ type: 'transmissions' as const, items })),
);

const inbound: fc.Arbitrary<GatewayInbound> = fc.oneof(
  fc
    .record({
      storeId: busId,
      batchId: fc.nat(0xffffffff),
      first: fc.nat(255),
      results: fc.array(result, { maxLength: 6 }),
    })
    .map((r) => ({ type: 'answer' as const, ...r })),
  fc
    .record({
      storeId: busId,
      events: fc.array(rec({ connId: fc.nat(0xffffffff), entityId: bytes(24), msg: bytes(3000) }), {
        maxLength: 5,
      }),
    })
    .map((r) => ({ type: 'events' as const, ...r })),
);

describe('bus codecs', () => {
  it('round-trips store requests', () => {
    fc.assert(
      fc.property(request, (r) => assert.deepEqual(decodeStoreRequest(encodeStoreRequest(r)), r)),
      { numRuns: 300 },
    );
  });
  it('round-trips answers and events', () => {
    fc.assert(
      fc.property(inbound, (m) =>
        assert.deepEqual(decodeGatewayInbound(encodeGatewayInbound(m)), m),
      ),
      { numRuns: 300 },
    );
  });
  it('round-trips heartbeats', () => {
    const hb = {
      storeId: 'store-1',
      epoch: 1732612345123n,
      vshards: [
        { from: 0, to: 511 },
        { from: 700, to: 700 },
      ],
    };
    assert.deepEqual(decodeStoreHeartbeat(encodeStoreHeartbeat(hb)), hb);
    const gw = { gatewayId: 'gw-a', epoch: 42n };
    assert.deepEqual(decodeGatewayHeartbeat(encodeGatewayHeartbeat(gw)), gw);
  });
  it('rejects a payload of another bus version instead of misreading it', () => {
    const b = encodeStoreRequest({ gatewayId: 'g', batchId: 1, ops: [] });
    b[0] = 2;
    assert.throws(() => decodeStoreRequest(b), ParseError);
  });
  it('splits 255 MSG answers of 16 KB into parts under the limit that reassemble in order', () => {
    const msg = new Uint8Array(16_200).fill(7);
    const results: OpResult[] = Array.from({ length: 255 }, (_, i) => ({
      type: 'transmissions',
      items: [{ useCorrId: true, entityId: Uint8Array.of(i), msg }],
    }));
    const parts = encodeAnswerParts('s1', 9, results);
    assert.ok(parts.length >= 8, `4 MB of answers needs several 512 KB parts, got ${parts.length}`);
    const back: OpResult[] = [];
    for (const p of parts) {
      assert.ok(p.length <= 512 * 1024, 'each part stays under the bus limit');
      const m = decodeGatewayInbound(p);
      assert.equal(m.type, 'answer');
      if (m.type !== 'answer') continue;
      assert.equal(m.first, back.length, 'parts are contiguous');
      back.push(...m.results);
    }
    assert.deepEqual(back, results);
  });
  it('splits events the same way and sends nothing for no events', () => {
    const ev = Array.from({ length: 100 }, (_, i) => ({
      connId: i,
      entityId: Uint8Array.of(i),
      msg: new Uint8Array(16_000),
    }));
    const parts = encodeEventParts('s1', ev);
    assert.ok(parts.length >= 4);
    assert.deepEqual(
      parts.flatMap((p) => (decodeGatewayInbound(p) as { events: readonly unknown[] }).events),
      ev,
    );
    assert.deepEqual(encodeEventParts('s1', []), []);
  });
  it('decoders throw only ParseError on random or mutated input (100k)', () => {
    const valid = [
      encodeStoreRequest({
        gatewayId: 'g1',
        batchId: 3,
        ops: [{ type: 'release', connId: 1, ids: [{ kind: 'rcv', id: new Uint8Array(24) }] }],
      }),
      encodeGatewayInbound({
        type: 'events',
        storeId: 's',
        events: [{ connId: 1, entityId: new Uint8Array(3), msg: new Uint8Array(10) }],
      }),
      encodeStoreHeartbeat({ storeId: 's', epoch: 1n, vshards: [{ from: 1, to: 2 }] }),
    ];
    const decoders = [
      decodeStoreRequest,
      decodeGatewayInbound,
      decodeStoreHeartbeat,
      decodeGatewayHeartbeat,
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
        for (const d of decoders) {
          try {
            d(b);
          } catch (e) {
            assert.ok(e instanceof ParseError, `${d.name}: ${String(e)}`);
          }
        }
      }),
      { numRuns: 25_000 },
    );
  });
});
