// The crypto primitives the protocol needs, behind one small interface so a faster native
// implementation (node:crypto + libsodium, in libs/node-crypto) can replace the pure @noble/*
// default on hot paths. Every provider must pass the same known-answer suite
// (test/crypto/provider-contract.ts). Keys are raw bytes; DER forms are in keys.ts.
// Upstream: `Crypto.hs` (sign, verify, dh', cryptoBox/xSalsa20, hkdf, sha256Hash/sha512Hash/sha3_384).

/** A raw key pair: `pub` and `priv` as the curve's raw encodings (32/57/56 bytes). */
export interface RawKeyPair {
  readonly pub: Uint8Array;
  readonly priv: Uint8Array;
}

/** Signature scheme over raw keys (Ed25519: 32-byte keys, 64-byte sigs; Ed448: 57/114). */
export interface SignatureScheme {
  generateKeyPair(): RawKeyPair;
  publicFromPrivate(priv: Uint8Array): Uint8Array;
  sign(priv: Uint8Array, msg: Uint8Array): Uint8Array;
  /** Never throws for malformed keys or signatures: returns false. */
  verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean;
}

/** X25519 / X448 Diffie-Hellman over raw keys. */
export interface DhScheme {
  generateKeyPair(): RawKeyPair;
  publicFromPrivate(priv: Uint8Array): Uint8Array;
  /**
   * Raw shared secret (no hashing); throws RangeError on bad key length and CryptoError for a
   * low-order peer key (all-zero secret), as noble, libsodium and OpenSSL all refuse it.
   */
  dh(pub: Uint8Array, priv: Uint8Array): Uint8Array;
}

/** The primitive set; implementations: nobleProvider (pure), nodeProvider (libs/node-crypto). */
export interface CryptoProvider {
  readonly name: string;
  randomBytes(n: number): Uint8Array;
  sha256(msg: Uint8Array): Uint8Array;
  sha512(msg: Uint8Array): Uint8Array;
  sha3_384(msg: Uint8Array): Uint8Array;
  /** HKDF-SHA512 (RFC 5869). */
  hkdfSha512(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  readonly ed25519: SignatureScheme;
  readonly ed448: SignatureScheme;
  readonly x25519: DhScheme;
  readonly x448: DhScheme;
  /** HSalsa20 core: 32-byte key, 16-byte input → 32-byte output (RangeError on other lengths). */
  hsalsa20(key: Uint8Array, input16: Uint8Array): Uint8Array;
  /** NaCl crypto_secretbox_easy: returns tag(16) || ciphertext; RangeError unless key 32, nonce 24. */
  secretboxSeal(key: Uint8Array, nonce24: Uint8Array, msg: Uint8Array): Uint8Array;
  /** NaCl crypto_secretbox_open_easy; undefined if the tag does not verify or input < 16 bytes. */
  secretboxOpen(key: Uint8Array, nonce24: Uint8Array, boxed: Uint8Array): Uint8Array | undefined;
}
