// Known-answer contract every CryptoProvider must pass (spec smp.md §2). Provider-agnostic: call
// `providerContract(name, provider)` from a spec file. Vector provenance is given beside each
// vector: RFC 8032 §7.1/§7.4, RFC 7748 §5.2/§6.1, FIPS 180-2/202 "abc", the NaCl classic
// crypto_box keys (Bernstein, "Cryptography in NaCl" §§9–10), libsodium (sodium-native 5.1.0) for
// the crypto_box output, node:crypto hkdfSync for HKDF-SHA512, and the digest's §2.2 vector.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { CryptoError, pad } from '../../src/index.ts';
import type { CryptoProvider, SignatureScheme } from '../../src/index.ts';
import { hex, range, unhex } from '../helpers.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const flip = (b: Uint8Array, i: number, bit = 1): Uint8Array => {
  const out = b.slice();
  out[i] = (out[i] as number) ^ bit;
  return out;
};
const leToBig = (b: Uint8Array): bigint => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const bigToLe = (n: bigint, len: number): Uint8Array => {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
};

interface EdVector {
  readonly name: string;
  readonly scheme: (p: CryptoProvider) => SignatureScheme;
  readonly priv: string;
  readonly pub: string;
  readonly sig: string;
  /** Group order L: S + L is a non-canonical encoding of the same S. */
  readonly order: bigint;
}

const ED_VECTORS: readonly EdVector[] = [
  {
    name: 'Ed25519 (RFC 8032 §7.1 TEST 1, empty message)',
    scheme: (p) => p.ed25519,
    priv: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    sig:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b' +
      'd25bf5f0595bbe24655141438e7a100b',
    order: (1n << 252n) + 27742317777372353535851937790883648493n,
  },
  {
    name: 'Ed448 (RFC 8032 §7.4 "-----Blank", empty message)',
    scheme: (p) => p.ed448,
    priv:
      '6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3528c8a3fcc2f044e39a3fc5b9449' +
      '2f8f032e7549a20098f95b',
    pub:
      '5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e5' +
      '0f6cd1fa1abeafe8256180',
    sig:
      '533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22ddd47d' +
      '7828c59bd0a21bfd3980ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0' +
      'f4dbb61149f05a7363268c71d95808ff2e652600',
    order: (1n << 446n) - 13818066809895115352007386748515426880336692474882178609894547503885n,
  },
];

// NaCl classic keys: alice's secret and bob's public; their X25519 secret is RFC 7748 §6.1's K.
const ALICE_SK = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
const BOB_PK = 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f';
const SHARED = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
const FIRSTKEY = '1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389'; // HSalsa20(SHARED, 0^16)
const NACL_NONCE = '69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37';
const BOX_MSG = ascii('SimpleX relay secretbox contract vector');
// libsodium crypto_box_easy(BOX_MSG, NACL_NONCE, BOB_PK, ALICE_SK), i.e. tag || ciphertext.
const BOX_OUT =
  'beeddfa89f9299763b6742860731702e63f7092a188cb8867fe72fcda03709d079698ef9384025506f66522a27e434e2' +
  '05451eb0df0eef';
// Digest §2.2 (cross-checked upstream by XFTPWebTests tsSecretboxTests inputs).
const SB_22 =
  'bc861d7776bd7b5ef059d8b5b415d38ad890960a28c657199bb296d55c36d0df7d9344af9014c6e672553847694f734f' +
  '82358c0b2b8cd15c9655896bdf4e6b294112299991219760eda29c6d73bccac234c9239ee9e0759b4e7b1d76543be0cc' +
  '41b340db7ebae098319cfd69128614c46f5d903c8d947d70683a213d9df1114a19cc41f86cc9e1e0b42a8106fb44daca' +
  'bf711f3348ac92c022f3326a0eb710111b63a9463feda452f4dd248b8acc71ee425c93eeaefda0f6ba958b5fb428f183' +
  '15cf0f33296e1ba116d5ab9960375e463c29b7a9b45f20cfccd83e424c981873d0dd5cf6159c6d0f4600d2978ede9b67' +
  '3e69dedf5192185f2096c9ee298856ae091fcdded315a1ae5e607d38b441a581';

/** Registers the known-answer suite for provider `p`. */
export function providerContract(name: string, p: CryptoProvider): void {
  describe(`CryptoProvider contract: ${name}`, () => {
    describe('hashes', () => {
      it('computes SHA-256, SHA-512 and SHA3-384 of "abc" (FIPS 180-2 / FIPS 202 examples)', () => {
        const abc = ascii('abc');
        assert.equal(
          hex(p.sha256(abc)),
          'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
        );
        assert.equal(
          hex(p.sha512(abc)),
          'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd' +
            '454d4423643ce80e2a9ac94fa54ca49f',
        );
        assert.equal(
          hex(p.sha3_384(abc)),
          'ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25',
        );
      });

      it('computes HKDF-SHA512 like an independent RFC 5869 implementation (node:crypto)', () => {
        const cases: [Uint8Array, Uint8Array, Uint8Array, number][] = [
          [range(0x10, 0x2f), range(0xa0, 0xbf), ascii('SimpleXSbChainInit'), 64],
          [range(0, 31), new Uint8Array(0), ascii('SimpleXSbChain'), 88],
          [new Uint8Array(1), range(1, 80), new Uint8Array(0), 255],
        ];
        for (const [ikm, salt, info, len] of cases) {
          const expected = new Uint8Array(hkdfSync('sha512', ikm, salt, info, len));
          assert.equal(
            hex(p.hkdfSha512(ikm, salt, info, len)),
            hex(expected),
            `salt ${salt.length}, info ${info.length}, len ${len}`,
          );
        }
      });
    });

    for (const v of ED_VECTORS) {
      describe(v.name, () => {
        const s = v.scheme(p);
        const priv = unhex(v.priv);
        const pub = unhex(v.pub);
        const sig = unhex(v.sig);
        const msg = new Uint8Array(0);
        it('derives the RFC public key and deterministic signature', () => {
          assert.equal(hex(s.publicFromPrivate(priv)), v.pub);
          assert.equal(hex(s.sign(priv, msg)), v.sig);
          assert.equal(s.verify(pub, msg, sig), true);
        });
        it('returns false, without throwing, for corrupted or malformed input', () => {
          assert.equal(s.verify(pub, msg, flip(sig, 0)), false, 'flipped bit in R');
          assert.equal(s.verify(pub, msg, flip(sig, sig.length - 2)), false, 'flipped bit in S');
          assert.equal(s.verify(pub, Uint8Array.of(0), sig), false, 'other message');
          assert.equal(s.verify(flip(pub, 3), msg, sig), false, 'other key');
          assert.equal(s.verify(pub.subarray(1), msg, sig), false, 'short key');
          assert.equal(s.verify(pub, msg, sig.subarray(1)), false, 'short signature');
          assert.equal(s.verify(new Uint8Array(pub.length + 1), msg, sig), false, 'long key');
          assert.equal(
            s.verify(new Uint8Array(0), msg, new Uint8Array(0)),
            false,
            'empty key and signature',
          );
          assert.equal(
            s.verify(new Uint8Array(pub.length).fill(0xff), msg, sig),
            false,
            'non-point key',
          );
        });
        it('rejects a non-canonical S (S + L), as strict RFC 8032 verification requires', () => {
          const half = sig.length / 2;
          const sPlusL = bigToLe(leToBig(sig.subarray(half)) + v.order, half);
          const mall = new Uint8Array(sig.length);
          mall.set(sig.subarray(0, half));
          mall.set(sPlusL, half);
          assert.equal(s.verify(pub, msg, mall), false, 'malleated signature must not verify');
        });
        it('generates key pairs whose signatures verify', () => {
          const kp = s.generateKeyPair();
          assert.equal(kp.pub.length, pub.length);
          assert.equal(kp.priv.length, priv.length);
          assert.equal(
            hex(s.publicFromPrivate(kp.priv)),
            hex(kp.pub),
            'public key must match the private key',
          );
          const m = ascii('generated');
          assert.equal(s.verify(kp.pub, m, s.sign(kp.priv, m)), true);
        });
      });
    }

    describe('X25519 and X448', () => {
      it('matches RFC 7748 §5.2 first test vectors', () => {
        assert.equal(
          hex(
            p.x25519.dh(
              unhex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'),
              unhex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
            ),
          ),
          'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
        );
        assert.equal(
          hex(
            p.x448.dh(
              unhex(
                '06fce640fa3487bfda5f6cf2d5263f8aad88334cbd07437f020f08f9814dc031ddbdc38c19c6da2583fa5429db94ada18aa7a7fb4ef8a086',
              ),
              unhex(
                '3d262fddf9ec8e88495266fea19a34d28882acef045104d0d1aae121700a779c984c24f8cdd78fbff44943eba368f54b29259a4f1c600ad3',
              ),
            ),
          ),
          'ce3e4ff95a60dc6697da1db1d85e6afbdf79b50a2412d7546d5f239fe14fbaadeb445fc66a01b0779d98223961111e21766282f73dd96b6f',
        );
      });
      it('matches the RFC 7748 §6.1 shared secret of alice and bob', () => {
        assert.equal(hex(p.x25519.dh(unhex(BOB_PK), unhex(ALICE_SK))), SHARED);
      });
      it('agrees on a secret between generated key pairs, for both curves', () => {
        for (const x of [p.x25519, p.x448]) {
          const a = x.generateKeyPair();
          const b = x.generateKeyPair();
          assert.equal(hex(x.publicFromPrivate(a.priv)), hex(a.pub));
          assert.equal(
            hex(x.dh(a.pub, b.priv)),
            hex(x.dh(b.pub, a.priv)),
            'both sides must derive the same secret',
          );
        }
      });
      it('throws CryptoError for a low-order peer key and RangeError for a bad length', () => {
        const sk = unhex(ALICE_SK);
        assert.throws(
          () => p.x25519.dh(new Uint8Array(32), sk),
          CryptoError,
          'u = 0 gives an all-zero secret',
        );
        assert.throws(
          () => p.x25519.dh(Uint8Array.of(1, ...new Uint8Array(31)), sk),
          CryptoError,
          'u = 1',
        );
        assert.throws(
          () => p.x448.dh(new Uint8Array(56), new Uint8Array(56).fill(7)),
          CryptoError,
          'X448 u = 0',
        );
        assert.throws(() => p.x25519.dh(new Uint8Array(31).fill(9), sk), RangeError);
      });
    });

    describe('HSalsa20 and secretbox', () => {
      it('derives the NaCl crypto_box_beforenm key ("firstkey") with HSalsa20(shared, 0^16)', () => {
        assert.equal(hex(p.hsalsa20(unhex(SHARED), new Uint8Array(16))), FIRSTKEY);
      });
      it('seals as libsodium crypto_box_easy does, tag first, and opens it again', () => {
        const boxed = p.secretboxSeal(unhex(FIRSTKEY), unhex(NACL_NONCE), BOX_MSG);
        assert.equal(hex(boxed), BOX_OUT);
        assert.deepEqual(p.secretboxOpen(unhex(FIRSTKEY), unhex(NACL_NONCE), boxed), BOX_MSG);
      });
      it('reproduces the SimpleX secret_box vector of spec §2.2', () => {
        const k1 = p.hsalsa20(range(1, 32), new Uint8Array(16));
        assert.equal(
          hex(p.secretboxSeal(k1, range(1, 24), pad(ascii('hello NaCl secretbox'), 256))),
          SB_22,
        );
      });
      it('returns undefined when the box was tampered with, is short, or the key differs', () => {
        const key = unhex(FIRSTKEY);
        const nonce = unhex(NACL_NONCE);
        const boxed = unhex(BOX_OUT);
        for (const i of [0, 15, 16, boxed.length - 1]) {
          assert.equal(
            p.secretboxOpen(key, nonce, flip(boxed, i, 0x80)),
            undefined,
            `flipped byte ${i}`,
          );
        }
        assert.equal(
          p.secretboxOpen(key, nonce, boxed.subarray(0, 15)),
          undefined,
          'shorter than the tag',
        );
        assert.equal(
          p.secretboxOpen(key, nonce, boxed.subarray(0, boxed.length - 1)),
          undefined,
          'truncated',
        );
        assert.equal(p.secretboxOpen(flip(key, 0), nonce, boxed), undefined, 'other key');
        assert.equal(p.secretboxOpen(key, flip(nonce, 23), boxed), undefined, 'other nonce');
      });
      it('seals and opens an empty message as a bare 16-byte tag', () => {
        const boxed = p.secretboxSeal(unhex(FIRSTKEY), unhex(NACL_NONCE), new Uint8Array(0));
        assert.equal(boxed.length, 16);
        assert.deepEqual(
          p.secretboxOpen(unhex(FIRSTKEY), unhex(NACL_NONCE), boxed),
          new Uint8Array(0),
        );
      });
    });

    describe('randomBytes', () => {
      it('returns the requested length and does not repeat', () => {
        const a = p.randomBytes(32);
        assert.equal(a.length, 32);
        assert.notEqual(hex(a), hex(p.randomBytes(32)), 'two 32-byte draws must differ');
      });
    });
  });
}
