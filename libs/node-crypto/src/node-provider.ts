// The native CryptoProvider (spec smp.md §2): node:crypto (OpenSSL 3) for Ed25519/Ed448, X25519/X448,
// hashes and HKDF, libsodium (sodium-native) for XSalsa20-Poly1305. Same primitives as upstream
// `Crypto.hs` (`sign'`, `verify'`, `dh'`, `hkdf`, `sha256Hash`, `sha512Hash`, `sha3_384`, `cryptoBox`);
// it must pass the same known-answer contract as `nobleProvider` (libs/protocol).
//
// Key import is the expensive part of node:crypto, not the operation itself (measured on this
// machine, Node 20 / OpenSSL 3.0): importing a public key from JWK runs at ~107k/s but from SPKI DER
// at only ~6.7k/s (the OpenSSL 3 decoder machinery), and importing a private key costs 0.05–1 ms.
// So public keys are imported from JWK, Ed25519/X25519 private keys from JWK with the public half
// computed by libsodium, Ed448/X448 private keys from PKCS#8 DER, and imported KeyObjects are kept in
// bounded LRU caches keyed by key contents.
// The package ships no types; this ambient declaration must reach every project compiling this file.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./sodium-native.d.ts" />
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomFillSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import sodium from 'sodium-native';
import {
  CryptoError,
  KEY_LENGTH,
  SIGNATURE_LENGTH,
  encodePrivKeyDer,
  nobleProvider,
} from '@simplex-relay/protocol';
import type {
  CryptoProvider,
  DhScheme,
  IncrementalHash,
  KeyAlgorithm,
  RawKeyPair,
  SignatureScheme,
} from '@simplex-relay/protocol';
import { LruCache } from './key-cache.ts';
import { sodiumSbCore } from './sb-core.ts';

/** Cache sizes of a node provider; 0 disables a cache. */
export interface NodeProviderOptions {
  /** Imported public KeyObjects kept (verify keys repeat per queue). Default 4096. */
  readonly publicKeyCache?: number;
  /**
   * Imported private KeyObjects kept (the server's signing key, per-connection and per-queue DH
   * keys). Default 1024. Why bounded: cached entries keep private key material alive in memory.
   */
  readonly privateKeyCache?: number;
}

const CRV: Record<KeyAlgorithm, string> = {
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  x25519: 'X25519',
  x448: 'X448',
};
const MAC_BYTES = 16;

/** A view of a Buffer as a plain Uint8Array (no copy), so results compare equal to Uint8Arrays. */
const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const b64u = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
const fromB64u = (s: string | undefined): Uint8Array => {
  if (s === undefined) throw new TypeError('node-crypto: JWK without key material');
  return u8(Buffer.from(s, 'base64url'));
};

const checkLen = (what: string, b: Uint8Array, n: number): void => {
  if (!(b instanceof Uint8Array) || b.length !== n)
    throw new RangeError(`${what} must be ${n} bytes`);
};

/** An OpenSSL incremental hash whose digest is a plain Uint8Array (as the @noble ones). */
const incrementalHash = (alg: 'sha256' | 'sha512'): IncrementalHash => {
  const h = createHash(alg);
  return { update: (piece) => h.update(piece), digest: () => u8(h.digest()) };
};

/** All-zero check without early exit (the value is a secret). */
const isZero = (b: Uint8Array): boolean => {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i] as number;
  return acc === 0;
};

/** Creates a node:crypto + libsodium provider with its own KeyObject caches. */
export function createNodeProvider(opts: NodeProviderOptions = {}): CryptoProvider {
  const pubCache = new LruCache<KeyObject>(opts.publicKeyCache ?? 4096);
  const privCache = new LruCache<KeyObject>(opts.privateKeyCache ?? 1024);

  const publicKeyObject = (alg: KeyAlgorithm, raw: Uint8Array): KeyObject => {
    const x = b64u(raw);
    const id = alg + x;
    let k = pubCache.get(id);
    if (k === undefined) {
      k = createPublicKey({ key: { kty: 'OKP', crv: CRV[alg], x }, format: 'jwk' });
      pubCache.set(id, k);
    }
    return k;
  };

  // The public half of a 25519 private key, by libsodium (~20–40 µs, no OpenSSL import).
  const publicFromPrivate25519 = (alg: 'ed25519' | 'x25519', priv: Uint8Array): Uint8Array => {
    const pub = new Uint8Array(32);
    if (alg === 'ed25519') {
      const sk = new Uint8Array(64);
      sodium.crypto_sign_seed_keypair(pub, sk, priv);
      sodium.sodium_memzero(sk); // holds a copy of the seed
    } else {
      sodium.crypto_scalarmult_base(pub, priv);
    }
    return pub;
  };

  const importPrivate = (alg: KeyAlgorithm, raw: Uint8Array): KeyObject => {
    if (alg === 'ed25519' || alg === 'x25519') {
      // JWK import is ~10x faster than PKCS#8 but needs `x`; it must be the true public key, as an
      // OpenSSL that trusted a wrong `x` would produce invalid Ed25519 signatures (A is hashed in).
      const jwk: JsonWebKey = {
        kty: 'OKP',
        crv: CRV[alg],
        d: b64u(raw),
        x: b64u(publicFromPrivate25519(alg, raw)),
      };
      return createPrivateKey({ key: jwk, format: 'jwk' });
    }
    return createPrivateKey({
      key: Buffer.from(encodePrivKeyDer({ alg, raw })),
      format: 'der',
      type: 'pkcs8',
    });
  };

  const privateKeyObject = (alg: KeyAlgorithm, raw: Uint8Array): KeyObject => {
    const id = alg + b64u(raw);
    let k = privCache.get(id);
    if (k === undefined) {
      k = importPrivate(alg, raw);
      privCache.set(id, k);
    }
    return k;
  };

  const generate = (alg: KeyAlgorithm): RawKeyPair => {
    // node:crypto's typings have one overload per literal key type; all four produce KeyObjects.
    const { privateKey } = generateKeyPairSync(alg as 'ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const kp = { pub: fromB64u(jwk.x), priv: fromB64u(jwk.d) };
    // The fresh KeyObject is already imported: keep it so the first sign/dh does not re-import.
    privCache.set(alg + (jwk.d as string), privateKey);
    return kp;
  };

  const publicFromPrivate = (alg: KeyAlgorithm, priv: Uint8Array): Uint8Array => {
    checkLen('private key', priv, KEY_LENGTH[alg]);
    if (alg === 'ed25519' || alg === 'x25519') return publicFromPrivate25519(alg, priv);
    return fromB64u(createPublicKey(privateKeyObject(alg, priv)).export({ format: 'jwk' }).x);
  };

  const signatureScheme = (alg: 'ed25519' | 'ed448'): SignatureScheme => {
    const keyLen = KEY_LENGTH[alg];
    const sigLen = SIGNATURE_LENGTH[alg];
    return {
      generateKeyPair: () => generate(alg),
      publicFromPrivate: (priv) => publicFromPrivate(alg, priv),
      sign(priv, msg) {
        checkLen('private key', priv, keyLen);
        return u8(nodeSign(null, msg, privateKeyObject(alg, priv)));
      },
      verify(pub, msg, sig) {
        // The server verifies attacker-chosen keys and signatures: wrong lengths, non-points and
        // OpenSSL errors are all just "does not verify". OpenSSL is strict RFC 8032 (S < L).
        if (!(pub instanceof Uint8Array) || !(sig instanceof Uint8Array)) return false;
        if (pub.length !== keyLen || sig.length !== sigLen) return false;
        try {
          return nodeVerify(null, msg, publicKeyObject(alg, pub), sig);
        } catch {
          return false;
        }
      },
    };
  };

  const dhScheme = (alg: 'x25519' | 'x448'): DhScheme => {
    const keyLen = KEY_LENGTH[alg];
    return {
      generateKeyPair: () => generate(alg),
      publicFromPrivate: (priv) => publicFromPrivate(alg, priv),
      dh(pub, priv) {
        checkLen('public key', pub, keyLen);
        checkLen('private key', priv, keyLen);
        let secret: Uint8Array;
        try {
          secret = u8(
            diffieHellman({
              privateKey: privateKeyObject(alg, priv),
              publicKey: publicKeyObject(alg, pub),
            }),
          );
        } catch (e) {
          // OpenSSL refuses a derivation whose result is all zero (low-order peer key).
          throw new CryptoError('dh: low-order or invalid public key', { cause: e });
        }
        // Belt and braces: the all-zero secret must never be used as a key (RFC 7748 §6.1).
        if (isZero(secret)) throw new CryptoError('dh: low-order public key');
        return secret;
      },
    };
  };

  const checkBox = (key: Uint8Array, nonce24: Uint8Array): void => {
    checkLen('secretbox key', key, 32);
    checkLen('secretbox nonce', nonce24, 24);
  };

  return {
    name: 'node',
    randomBytes: (n) => randomFillSync(new Uint8Array(n)),
    sha256: (m) => u8(createHash('sha256').update(m).digest()),
    sha512: (m) => u8(createHash('sha512').update(m).digest()),
    sha3_384: (m) => u8(createHash('sha3-384').update(m).digest()),
    hkdfSha512: (ikm, salt, info, length) =>
      new Uint8Array(hkdfSync('sha512', ikm, salt, info, length)),
    ed25519: signatureScheme('ed25519'),
    ed448: signatureScheme('ed448'),
    x25519: dhScheme('x25519'),
    x448: dhScheme('x448'),
    // sodium-native 5 has no crypto_core_hsalsa20 binding (and its salsa20_xor_ic counter is only
    // 32-bit, so the feed-forward trick cannot cover all 16 input bytes). HSalsa20 runs once per key
    // (a few µs in JS), not per byte, so the pure implementation is used.
    hsalsa20: (key, input16) => nobleProvider.hsalsa20(key, input16),
    secretboxSeal(key, nonce24, msg) {
      checkBox(key, nonce24);
      const out = new Uint8Array(msg.length + MAC_BYTES);
      sodium.crypto_secretbox_easy(out, msg, nonce24, key); // NaCl easy layout: tag(16) || ciphertext
      return out;
    },
    secretboxOpen(key, nonce24, boxed) {
      checkBox(key, nonce24);
      if (!(boxed instanceof Uint8Array) || boxed.length < MAC_BYTES) return undefined;
      const out = new Uint8Array(boxed.length - MAC_BYTES);
      // libsodium verifies the tag in constant time before decrypting anything.
      return sodium.crypto_secretbox_open_easy(out, boxed, nonce24, key) ? out : undefined;
    },
    // XFTP bodies: the streaming secret box and the chunk/file digests, natively (sb-core.ts).
    sbCore: sodiumSbCore,
    createHash: incrementalHash,
  };
}

/** The shared native provider (default cache sizes). */
export const nodeProvider: CryptoProvider = createNodeProvider();
