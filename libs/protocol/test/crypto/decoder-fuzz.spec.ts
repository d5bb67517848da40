// Decoders fed random or mutated input throw ParseError and nothing else (house style §4
// "defensive decoding"): SPKI / PKCS#8 (§1.6), the DER reader, the certificate parser (§3.2) and
// the signed key (§1.7). About 100k inputs in total; mutations start from valid encodings so the
// parsers get deep before failing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DerReader,
  ParseError,
  decodeCertificate,
  decodePrivKeyDer,
  decodePubKeyDer,
  decodeSignedKey,
  encodePrivKeyDer,
  encodePubKeyDer,
  generateKeyPair,
  nobleProvider as c,
  signX509Key,
} from '../../src/index.ts';
import type { KeyAlgorithm } from '../../src/index.ts';
import { pemDer } from './fixtures.ts';

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; value: number }
  | { kind: 'delete'; at: number }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.constantFrom(0x00, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xff),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(base: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = base.slice();
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'flip' && b.length > 0) b[at] = (b[at] as number) ^ (1 << m.bit);
    else if (m.kind === 'set' && b.length > 0) b[at] = m.value;
    else if (m.kind === 'insert')
      b = Uint8Array.of(...b.subarray(0, at), m.value, ...b.subarray(at));
    else if (m.kind === 'delete') b = Uint8Array.of(...b.subarray(0, at), ...b.subarray(at + 1));
    else if (m.kind === 'truncate') b = b.subarray(0, at);
  }
  return b;
}

/** Runs `decode` and lets only ParseError through; anything else fails the property. */
function onlyParseError(decode: (b: Uint8Array) => unknown): (b: Uint8Array) => void {
  return (b) => {
    try {
      decode(b);
    } catch (e) {
      if (!(e instanceof ParseError)) {
        assert.fail(`expected ParseError, got ${String(e)} for ${Buffer.from(b).toString('hex')}`);
      }
    }
  };
}

/** Input: a mutated sample (most runs) or random bytes. */
const inputs = (samples: readonly Uint8Array[], maxRandom = 200): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 4 }))
        .map(([s, ms]) => mutate(s, ms)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: maxRandom }) },
  );

/** Walks every TLV, descending into constructed ones. */
function walkDer(b: Uint8Array): void {
  const r = new DerReader(b);
  while (!r.atEnd) {
    const t = r.next();
    if ((t.tag & 0x20) !== 0) walkDer(t.value);
  }
}

const ALGS: readonly KeyAlgorithm[] = ['ed25519', 'ed448', 'x25519', 'x448'];
const keys = ALGS.map((alg) => generateKeyPair(c, alg));
const certs = ['ca.crt', 'server.crt', 'ed25519/ca.crt', 'ed25519/server.crt', 'ca2.crt'].map(
  pemDer,
);
const signedKeys = [
  signX509Key(c, keys[0]!.priv, keys[2]!.pub),
  signX509Key(c, keys[1]!.priv, keys[2]!.pub),
  signX509Key(c, keys[1]!.priv, keys[3]!.pub),
];

describe('decoders under random and mutated input', () => {
  it('decodePubKeyDer throws only ParseError (20k inputs)', () => {
    fc.assert(
      fc.property(inputs(keys.map((k) => encodePubKeyDer(k.pub))), onlyParseError(decodePubKeyDer)),
      { numRuns: 20_000 },
    );
  });
  it('decodePrivKeyDer throws only ParseError (15k inputs)', () => {
    fc.assert(
      fc.property(
        inputs(keys.map((k) => encodePrivKeyDer(k.priv))),
        onlyParseError(decodePrivKeyDer),
      ),
      { numRuns: 15_000 },
    );
  });
  it('the DER reader throws only ParseError (20k inputs)', () => {
    fc.assert(fc.property(inputs([...certs, ...signedKeys]), onlyParseError(walkDer)), {
      numRuns: 20_000,
    });
  });
  it('decodeCertificate throws only ParseError (25k inputs)', () => {
    fc.assert(fc.property(inputs(certs, 500), onlyParseError(decodeCertificate)), {
      numRuns: 25_000,
    });
  });
  it('decodeSignedKey throws only ParseError (20k inputs)', () => {
    fc.assert(fc.property(inputs(signedKeys), onlyParseError(decodeSignedKey)), {
      numRuns: 20_000,
    });
  });
  it('still accepts the unmutated samples', () => {
    for (const cert of certs) assert.doesNotThrow(() => decodeCertificate(cert));
    for (const s of signedKeys) assert.doesNotThrow(() => decodeSignedKey(s));
  });
});
