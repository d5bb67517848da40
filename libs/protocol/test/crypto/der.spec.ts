// Strict DER (X.690 §10), key encodings (§1.6), certificate parsing (§3.2) and the signed key
// (§1.7): canonical-form rejections with their specific error, and encode/decode round trips.
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
  derBoolean,
  derDecodeOne,
  derEncode,
  derIntegerBytes,
  encodePrivKeyDer,
  encodePubKeyDer,
  generateKeyPair,
  nobleProvider as c,
  signX509Key,
  verifySignedKey,
} from '../../src/index.ts';
import type { KeyAlgorithm } from '../../src/index.ts';
import { hex, unhex } from '../helpers.ts';
import { pemDer } from './fixtures.ts';

const ALGS: readonly KeyAlgorithm[] = ['ed25519', 'ed448', 'x25519', 'x448'];
const KEY_LEN: Record<KeyAlgorithm, number> = { ed25519: 32, ed448: 57, x25519: 32, x448: 56 };

describe('DER reader', () => {
  it('reads short and long definite lengths', () => {
    assert.equal(hex(derDecodeOne(unhex('0403010203'), 'x').value), '010203');
    const long = derEncode(0x04, new Uint8Array(200));
    assert.equal(hex(long.subarray(0, 3)), '0481c8', 'one length byte in long form for 128..255');
    assert.equal(derDecodeOne(long, 'x').value.length, 200);
    assert.equal(hex(derEncode(0x04, new Uint8Array(300)).subarray(0, 4)), '0482012c');
  });
  it('rejects non-minimal, indefinite, oversized and truncated lengths, multi-byte tags and trailing bytes', () => {
    const bad: [string, RegExp][] = [
      ['04810101', /non-minimal length/],
      ['0482000101', /leading zero/],
      ['3080020100 0000', /indefinite/],
      ['0484010000000000', /length too large/],
      ['040501', /exceeds input/],
      ['0482', /truncated length/],
      ['04', /missing length/],
      ['', /unexpected end/],
      ['1f0100', /multi-byte tag/],
      ['040100 00', /trailing bytes/],
    ];
    for (const [input, msg] of bad) {
      assert.throws(
        () => derDecodeOne(unhex(input), 'x'),
        (e: unknown) => e instanceof ParseError && msg.test(e.message),
        input,
      );
    }
  });
  it('reports absolute offsets from nested readers', () => {
    const r = new DerReader(unhex('3005 3003 0401ff'));
    const inner = r.enter(0x30, 'outer').enter(0x30, 'inner');
    assert.equal(inner.next().offset, 4);
    assert.throws(
      () => new DerReader(unhex('3003 0402ff')).enter(0x30, 'o').next(),
      (e: unknown) => e instanceof ParseError && e.offset === 2,
    );
  });
  it('accepts only canonical BOOLEAN and minimal INTEGER values', () => {
    assert.equal(derBoolean(derDecodeOne(unhex('0101ff'), 'b')), true);
    assert.equal(derBoolean(derDecodeOne(unhex('010100'), 'b')), false);
    assert.throws(
      () => derBoolean(derDecodeOne(unhex('010101'), 'b')),
      ParseError,
      'DER TRUE is 0xff only',
    );
    assert.equal(hex(derIntegerBytes(derDecodeOne(unhex('02020080'), 'i'))), '0080');
    assert.throws(
      () => derIntegerBytes(derDecodeOne(unhex('0202007f'), 'i')),
      ParseError,
      'redundant leading 00',
    );
    assert.throws(
      () => derIntegerBytes(derDecodeOne(unhex('0202ff80'), 'i')),
      ParseError,
      'redundant leading ff',
    );
    assert.throws(
      () => derIntegerBytes(derDecodeOne(unhex('0200'), 'i')),
      ParseError,
      'empty INTEGER',
    );
  });
});

describe('SPKI / PKCS#8 key encodings (§1.6)', () => {
  for (const alg of ALGS) {
    it(`round-trips ${alg} public and private keys`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: KEY_LEN[alg], maxLength: KEY_LEN[alg] }), (raw) => {
          assert.deepEqual(decodePubKeyDer(encodePubKeyDer({ alg, raw })), { alg, raw });
          assert.deepEqual(decodePrivKeyDer(encodePrivKeyDer({ alg, raw })), { alg, raw });
        }),
        { numRuns: 200 },
      );
    });
  }
  it('encodes SPKIs of 44, 69, 44 and 68 bytes (digest §1.6 table)', () => {
    const len = (alg: KeyAlgorithm): number =>
      encodePubKeyDer({ alg, raw: new Uint8Array(KEY_LEN[alg]) }).length;
    assert.deepEqual(ALGS.map(len), [44, 69, 44, 68]);
  });
});

describe('certificate parser (§3.2)', () => {
  const ca = pemDer('ca.crt');
  it('rejects trailing bytes after the certificate', () => {
    assert.throws(() => decodeCertificate(Uint8Array.of(...ca, 0)), ParseError);
  });
  it('rejects a certificate whose outer and inner signature algorithms differ', () => {
    const bad = ca.slice();
    assert.equal(
      hex(bad.subarray(318, 325)),
      '300506032b6571',
      'outer AlgorithmIdentifier of ca.crt',
    );
    bad[324] = 0x70;
    assert.throws(
      () => decodeCertificate(bad),
      (e: unknown) => e instanceof ParseError && /mismatch/.test(e.message),
    );
  });
  it('rejects an unsupported signature algorithm', () => {
    const bad = ca.slice();
    bad[324] = 0x6e;
    bad[41] = 0x6e;
    assert.throws(
      () => decodeCertificate(bad),
      (e: unknown) => e instanceof ParseError && /unsupported signature/.test(e.message),
    );
  });
  it('rejects an impossible date', () => {
    const bad = ca.slice();
    assert.equal(
      String.fromCharCode(...bad.subarray(90, 102)),
      '220111111639',
      'notBefore UTCTime digits',
    );
    bad[92] = 0x31; // month "11"
    bad[93] = 0x33; // month "13"
    assert.throws(
      () => decodeCertificate(bad),
      (e: unknown) => e instanceof ParseError && /invalid date/.test(e.message),
    );
  });
});

describe('signed key round trip (§1.7)', () => {
  for (const signAlg of ['ed25519', 'ed448'] as const) {
    it(`signs each key type with ${signAlg}, decodes it and verifies only with the signer`, () => {
      const signer = generateKeyPair(c, signAlg);
      const other = generateKeyPair(c, signAlg);
      for (const alg of ALGS) {
        const key = generateKeyPair(c, alg).pub;
        const der = signX509Key(c, signer.priv, key);
        const s = decodeSignedKey(der);
        assert.deepEqual(s.key, key);
        assert.equal(s.alg, signAlg);
        assert.equal(verifySignedKey(c, signer.pub, s), true);
        assert.equal(verifySignedKey(c, other.pub, s), false, 'another key of the same algorithm');
        assert.equal(verifySignedKey(c, key, s), false, 'the signed key itself');
      }
    });
  }
  it('rejects a signature length that does not match the algorithm', () => {
    const der = signX509Key(
      c,
      generateKeyPair(c, 'ed25519').priv,
      generateKeyPair(c, 'x25519').pub,
    );
    const bad = der.slice();
    bad[54] = 0x71; // claim Ed448 over a 64-byte signature
    assert.throws(
      () => decodeSignedKey(bad),
      (e: unknown) => e instanceof ParseError && /signature length/.test(e.message),
    );
  });
  it('rejects a bare SPKI as the signed object (upstream would not parse it)', () => {
    const k = encodePubKeyDer(generateKeyPair(c, 'x25519').pub);
    const bare = derEncode(0x30, k, unhex('300506032b6570'), derEncode(0x03, new Uint8Array(65)));
    assert.throws(() => decodeSignedKey(bare), ParseError);
  });
});
