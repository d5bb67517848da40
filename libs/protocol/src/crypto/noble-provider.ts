// The pure CryptoProvider (spec smp.md §2), built on @noble/* only. Mirrors the primitives of
// upstream `Crypto.hs` (`sign'`/`verify'` via crypton Ed25519/Ed448, `dh'` via X25519/X448,
// `hkdf`, `sha256Hash`/`sha512Hash`/`sha3_384`, `xSalsa20` + Poly1305 in `cryptoBox`).
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { ed448, x448 } from '@noble/curves/ed448.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { sha3_384 } from '@noble/hashes/sha3.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { hsalsa, xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { CryptoError } from '../errors.ts';
import type { CryptoProvider, DhScheme, SignatureScheme } from './provider.ts';

type NobleEdDSA = typeof ed25519;
type NobleMontgomery = typeof x25519;

const checkLen = (what: string, b: Uint8Array, n: number): void => {
  if (!(b instanceof Uint8Array) || b.length !== n)
    throw new RangeError(`${what} must be ${n} bytes`);
};

function signatureScheme(ed: NobleEdDSA, keyLen: number, sigLen: number): SignatureScheme {
  return {
    generateKeyPair() {
      const { secretKey, publicKey } = ed.keygen();
      return { pub: publicKey, priv: secretKey };
    },
    publicFromPrivate(priv) {
      checkLen('private key', priv, keyLen);
      return ed.getPublicKey(priv);
    },
    sign(priv, msg) {
      checkLen('private key', priv, keyLen);
      return ed.sign(msg, priv);
    },
    verify(pub, msg, sig) {
      // Length checks first: noble throws on wrong lengths, and verify must never throw (the server
      // verifies attacker-chosen keys and signatures).
      if (pub.length !== keyLen || sig.length !== sigLen) return false;
      try {
        // Strict RFC 8032 decoding (zip215: false): canonical A and R, S < L, small-order A rejected.
        // Upstream crypton (ed25519-donna / libdecaf) accepts a superset on malformed inputs only;
        // every honestly produced signature verifies under both (see the module report).
        return ed.verify(sig, msg, pub, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

function dhScheme(x: NobleMontgomery, keyLen: number): DhScheme {
  return {
    generateKeyPair() {
      const { secretKey, publicKey } = x.keygen();
      return { pub: publicKey, priv: secretKey };
    },
    publicFromPrivate(priv) {
      checkLen('private key', priv, keyLen);
      return x.getPublicKey(priv);
    },
    dh(pub, priv) {
      checkLen('public key', pub, keyLen);
      checkLen('private key', priv, keyLen);
      try {
        return x.getSharedSecret(priv, pub);
      } catch (e) {
        // noble refuses low-order peer keys (all-zero shared secret), like libsodium and OpenSSL.
        throw new CryptoError('dh: low-order public key', { cause: e });
      }
    },
  };
}

// "expand 32-byte k" as little-endian words: the Salsa20 sigma constant HSalsa20 needs.
const SIGMA = Uint32Array.of(0x61707865, 0x3320646e, 0x79622d32, 0x6b206574);

const u8to32 = (b: Uint8Array): Uint32Array => {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Uint32Array(b.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = v.getUint32(i * 4, true);
  return out;
};

function hsalsa20(key: Uint8Array, input16: Uint8Array): Uint8Array {
  checkLen('hsalsa20 key', key, 32);
  checkLen('hsalsa20 input', input16, 16);
  const out32 = new Uint32Array(8);
  hsalsa(SIGMA, u8to32(key), u8to32(input16), out32);
  const out = new Uint8Array(32);
  const v = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) v.setUint32(i * 4, out32[i] as number, true);
  return out;
}

/** The default provider: pure TypeScript (@noble/*), runs anywhere. */
export const nobleProvider: CryptoProvider = {
  name: 'noble',
  randomBytes: (n) => randomBytes(n),
  sha256: (m) => sha256(m),
  sha512: (m) => sha512(m),
  sha3_384: (m) => sha3_384(m),
  hkdfSha512: (ikm, salt, info, length) => hkdf(sha512, ikm, salt, info, length),
  ed25519: signatureScheme(ed25519, 32, 64),
  ed448: signatureScheme(ed448, 57, 114),
  x25519: dhScheme(x25519, 32),
  x448: dhScheme(x448, 56),
  hsalsa20,
  secretboxSeal(key, nonce24, msg) {
    checkLen('secretbox key', key, 32);
    checkLen('secretbox nonce', nonce24, 24);
    // noble writes tag(16) || ciphertext in one buffer (NaCl easy layout), no extra copy.
    return xsalsa20poly1305(key, nonce24).encrypt(msg);
  },
  secretboxOpen(key, nonce24, boxed) {
    checkLen('secretbox key', key, 32);
    checkLen('secretbox nonce', nonce24, 24);
    if (boxed.length < 16) return undefined;
    try {
      // noble compares the tag in constant time (equalBytes) before decrypting.
      return xsalsa20poly1305(key, nonce24).decrypt(boxed);
    } catch {
      return undefined;
    }
  },
};
