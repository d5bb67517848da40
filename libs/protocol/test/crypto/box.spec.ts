// Padding (§1.5), nonces (§2.3), crypto_box / secret_box (§2.2), the authenticator (§2.6), chain
// keys (§2.5) and signatures (§1.6): round-trip properties and the specific errors of each failure.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CB_AUTHENTICATOR_SIZE,
  CryptoError,
  MAX_PAD_MSG_LEN,
  cbAuthenticate,
  cbDecrypt,
  cbDecryptNoPad,
  cbEncrypt,
  cbEncryptNoPad,
  cbNonce,
  cbVerify,
  dhSecret,
  generateKeyPair,
  nobleProvider as c,
  pad,
  privateKey,
  publicKey,
  publicKeyOf,
  reverseNonce,
  sbDecrypt,
  sbDecryptNoPad,
  sbEncrypt,
  sbEncryptNoPad,
  sbcHkdf,
  sign,
  unPad,
  verify,
} from '../../src/index.ts';
import type { KeyAlgorithm } from '../../src/index.ts';
import { hex, range } from '../helpers.ts';

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const nonce24 = fc.uint8Array({ minLength: 24, maxLength: 24 });

describe('pad / unPad (§1.5)', () => {
  it('lays out Word16 length, message and "#" fill', () => {
    assert.equal(hex(pad(Uint8Array.of(0xaa, 0xbb), 7)), '0002aabb232323');
  });
  it('round-trips any message that fits, and unPad ignores the fill content', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(50), (msg, extra) => {
        const p = pad(msg, msg.length + 2 + extra);
        assert.equal(p.length, msg.length + 2 + extra);
        assert.deepEqual(unPad(p), msg);
        p.fill(0, 2 + msg.length);
        assert.deepEqual(unPad(p), msg, 'upstream unPad does not check the padding bytes');
      }),
    );
  });
  it('fails with CryptoError when the message does not fit or exceeds 65533 bytes', () => {
    assert.throws(() => pad(new Uint8Array(5), 6), CryptoError);
    assert.doesNotThrow(() => pad(new Uint8Array(MAX_PAD_MSG_LEN), MAX_PAD_MSG_LEN + 2));
    assert.throws(
      () => pad(new Uint8Array(MAX_PAD_MSG_LEN + 1), 70000),
      CryptoError,
      'upstream maxMsgLen',
    );
  });
  it('fails with CryptoError on input shorter than 2 bytes or a length beyond the data', () => {
    assert.throws(() => unPad(Uint8Array.of(0)), CryptoError);
    assert.throws(() => unPad(Uint8Array.of(0, 3, 1, 2)), CryptoError);
    assert.deepEqual(unPad(Uint8Array.of(0, 0)), new Uint8Array(0));
  });
});

describe('nonces (§2.3)', () => {
  it('keeps 24 bytes, truncates longer input and zero-pads shorter input', () => {
    assert.deepEqual(cbNonce(range(1, 24)), range(1, 24));
    assert.deepEqual(cbNonce(range(1, 30)), range(1, 24));
    assert.equal(hex(cbNonce(Uint8Array.of(7, 8))), `0708${'00'.repeat(22)}`);
  });
  it('reverses the nonce bytes for the proxied response direction', () => {
    assert.deepEqual(reverseNonce(range(1, 24)), range(1, 24).reverse());
    assert.throws(() => reverseNonce(range(1, 23)), RangeError);
  });
});

describe('crypto_box with a DH secret (§2.2)', () => {
  const a = generateKeyPair(c, 'x25519');
  const b = generateKeyPair(c, 'x25519');
  const secret = dhSecret(c, b.pub, a.priv);
  it('derives the same secret on both sides and refuses mixed algorithms', () => {
    assert.deepEqual(dhSecret(c, a.pub, b.priv), secret);
    assert.throws(() => dhSecret(c, a.pub, generateKeyPair(c, 'x448').priv), TypeError);
    assert.throws(
      () => dhSecret(c, generateKeyPair(c, 'ed25519').pub, privateKey('ed25519', range(0, 31))),
      TypeError,
    );
    assert.throws(
      () => dhSecret(c, publicKey('x25519', new Uint8Array(32)), a.priv),
      CryptoError,
      'low-order key',
    );
  });
  it('round-trips padded and unpadded messages', () => {
    fc.assert(
      fc.property(nonce24, fc.uint8Array({ maxLength: 1000 }), (nonce, msg) => {
        const boxed = cbEncrypt(c, secret, nonce, msg, 1100);
        assert.equal(boxed.length, 1116, 'tag + padded length');
        assert.deepEqual(cbDecrypt(c, secret, nonce, boxed), msg);
        assert.deepEqual(
          cbDecryptNoPad(c, secret, nonce, cbEncryptNoPad(c, secret, nonce, msg)),
          msg,
        );
      }),
      { numRuns: 50 },
    );
  });
  it('throws CryptoError for a wrong nonce, a flipped bit, a short box or an unpaddable plaintext', () => {
    const nonce = range(1, 24);
    const boxed = cbEncrypt(c, secret, nonce, Uint8Array.of(1, 2, 3), 64);
    assert.throws(() => cbDecrypt(c, secret, range(2, 25), boxed), CryptoError);
    const bad = boxed.slice();
    bad[40] = (bad[40] as number) ^ 1;
    assert.throws(() => cbDecrypt(c, secret, nonce, bad), CryptoError);
    assert.throws(() => cbDecryptNoPad(c, secret, nonce, boxed.subarray(0, 15)), CryptoError);
    const notPadded = cbEncryptNoPad(c, secret, nonce, Uint8Array.of(0xff, 0xff, 1));
    assert.throws(
      () => cbDecrypt(c, secret, nonce, notPadded),
      CryptoError,
      'length prefix beyond the data',
    );
  });
});

describe('SimpleX secret_box with a symmetric key (§2.2)', () => {
  it('round-trips padded and unpadded messages', () => {
    fc.assert(
      fc.property(bytes32, nonce24, fc.uint8Array({ maxLength: 1000 }), (key, nonce, msg) => {
        assert.deepEqual(sbDecrypt(c, key, nonce, sbEncrypt(c, key, nonce, msg, 1024)), msg);
        assert.deepEqual(sbDecryptNoPad(c, key, nonce, sbEncryptNoPad(c, key, nonce, msg)), msg);
      }),
      { numRuns: 100 },
    );
  });
  it('is not plain secretbox with the raw key (the HSalsa20 key step is applied)', () => {
    const key = range(1, 32);
    const nonce = range(1, 24);
    const msg = Uint8Array.of(1, 2, 3);
    assert.notDeepEqual(sbEncryptNoPad(c, key, nonce, msg), c.secretboxSeal(key, nonce, msg));
    assert.deepEqual(
      sbEncryptNoPad(c, key, nonce, msg),
      c.secretboxSeal(c.hsalsa20(key, new Uint8Array(16)), nonce, msg),
    );
  });
  it('encrypts a 16 KB transport block to 16 KB + 16 and back', () => {
    const key = range(1, 32);
    const nonce = range(1, 24);
    const msg = new Uint8Array(16000).fill(7);
    const boxed = sbEncrypt(c, key, nonce, msg, 16384 - 16);
    assert.equal(boxed.length, 16384);
    assert.deepEqual(sbDecrypt(c, key, nonce, boxed), msg);
  });
  it('throws RangeError for a key that is not 32 bytes', () => {
    assert.throws(
      () => sbEncryptNoPad(c, range(1, 31), range(1, 24), new Uint8Array(1)),
      RangeError,
    );
  });
});

describe('X25519 authenticator (§2.6)', () => {
  const server = generateKeyPair(c, 'x25519');
  const client = generateKeyPair(c, 'x25519');
  it('verifies what the peer authenticated and nothing else', () => {
    fc.assert(
      fc.property(nonce24, fc.uint8Array({ maxLength: 200 }), (nonce, authorized) => {
        const auth = cbAuthenticate(c, server.pub, client.priv, nonce, authorized);
        assert.equal(auth.length, CB_AUTHENTICATOR_SIZE);
        assert.equal(cbVerify(c, client.pub, server.priv, nonce, auth, authorized), true);
        const other = Uint8Array.of(...authorized, 0);
        assert.equal(
          cbVerify(c, client.pub, server.priv, nonce, auth, other),
          false,
          'one more byte authorized',
        );
      }),
      { numRuns: 30 },
    );
  });
  it('returns false instead of throwing for bad keys, lengths and nonces', () => {
    const auth = cbAuthenticate(c, server.pub, client.priv, range(1, 24), Uint8Array.of(1));
    const zero = publicKey('x25519', new Uint8Array(32));
    assert.equal(
      cbVerify(c, zero, server.priv, range(1, 24), auth, Uint8Array.of(1)),
      false,
      'low-order key',
    );
    assert.equal(
      cbVerify(
        c,
        generateKeyPair(c, 'ed25519').pub,
        server.priv,
        range(1, 24),
        auth,
        Uint8Array.of(1),
      ),
      false,
    );
    assert.equal(
      cbVerify(c, client.pub, server.priv, range(1, 23), auth, Uint8Array.of(1)),
      false,
      'short nonce',
    );
    assert.equal(
      cbVerify(c, client.pub, server.priv, range(1, 24), auth.subarray(0, 79), Uint8Array.of(1)),
      false,
    );
    assert.equal(
      cbVerify(c, client.pub, server.priv, range(1, 24), new Uint8Array(0), Uint8Array.of(1)),
      false,
    );
    assert.equal(
      cbVerify(
        c,
        { alg: 'x25519', raw: new Uint8Array(3) },
        server.priv,
        range(1, 24),
        auth,
        Uint8Array.of(1),
      ),
      false,
    );
  });
});

describe('chain key steps (§2.5)', () => {
  it('gives fresh, distinct keys at every step', () => {
    let ck = range(0, 31);
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const s = sbcHkdf(c, ck);
      for (const v of [s.next, s.key, s.nonce]) seen.add(hex(v));
      ck = s.next;
    }
    assert.equal(seen.size, 15, 'no key, chain key or nonce repeats');
    assert.throws(() => sbcHkdf(c, range(0, 30)), RangeError);
  });
});

describe('sign / verify (§1.6)', () => {
  for (const alg of ['ed25519', 'ed448'] as const) {
    it(`round-trips ${alg} signatures and rejects other messages`, () => {
      const kp = generateKeyPair(c, alg);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 100 }), (msg) => {
          const sig = sign(c, kp.priv, msg);
          assert.equal(verify(c, kp.pub, sig, msg), true);
          assert.equal(verify(c, kp.pub, sig, Uint8Array.of(...msg, 1)), false);
        }),
        { numRuns: 10 },
      );
    });
  }
  it('returns false for a key of another algorithm or a signature of the wrong length', () => {
    const ed = generateKeyPair(c, 'ed25519');
    const sig = sign(c, ed.priv, Uint8Array.of(1));
    const ed448 = generateKeyPair(c, 'ed448');
    assert.equal(
      verify(c, ed448.pub, sig, Uint8Array.of(1)),
      false,
      'Ed25519 signature, Ed448 key',
    );
    assert.equal(
      verify(c, { alg: 'x25519', raw: ed.pub.raw }, sig, Uint8Array.of(1)),
      false,
      'DH key',
    );
    assert.equal(verify(c, ed.pub, sig.subarray(1), Uint8Array.of(1)), false, 'short signature');
    assert.equal(
      verify(c, { alg: 'ed25519', raw: ed.pub.raw.subarray(1) }, sig, Uint8Array.of(1)),
      false,
      'short key',
    );
  });
  it('refuses to sign with a DH key (TypeError)', () => {
    assert.throws(() => sign(c, generateKeyPair(c, 'x25519').priv, Uint8Array.of(1)), TypeError);
  });
  it('generates key pairs of all four algorithms with matching public keys', () => {
    const sizes: Record<KeyAlgorithm, number> = { ed25519: 32, ed448: 57, x25519: 32, x448: 56 };
    for (const alg of Object.keys(sizes) as KeyAlgorithm[]) {
      const kp = generateKeyPair(c, alg);
      assert.equal(kp.pub.raw.length, sizes[alg]);
      assert.deepEqual(
        publicKeyOf(c, kp.priv),
        kp.pub,
        `${alg} public key derives from the private key`,
      );
    }
  });
});
