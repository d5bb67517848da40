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

/** An incremental hash: feed pieces, then take the digest once. */
export interface IncrementalHash {
  update(piece: Uint8Array): unknown;
  digest(): Uint8Array;
}

/**
 * Keystream and MAC of one streaming secret box (xftp/sb-stream.ts): XSalsa20(K1, nonce), Poly1305
 * keyed by its first 32 bytes. Upstream `Crypto/Lazy.hs: SbState`.
 */
export interface SbCore {
  /** XORs `data` with the next keystream bytes (the message starts at keystream offset 32). */
  xor(data: Uint8Array): Uint8Array;
  /** Feeds ciphertext to Poly1305. */
  mac(ciphertext: Uint8Array): void;
  /** The Poly1305 tag over everything fed to `mac`. */
  tag(): Uint8Array;
}

/**
 * Makes a core from the secretbox key K1 = HSalsa20(K0, zero16) and the 24-byte nonce. The pure one
 * is `nobleSbCore` (xftp/sb-stream.ts); a native one must pass the same stream tests.
 */
export type SbCoreFactory = (
  c: CryptoProvider,
  secretboxKey: Uint8Array,
  nonce: Uint8Array,
) => SbCore;

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
  /**
   * Optional streaming secret-box core for XFTP chunk and file bodies; `sbInit`/`cbInit` fall back
   * to the pure `nobleSbCore` when absent. Why here: callers that already pass a native provider get
   * the native cipher without extra wiring.
   */
  readonly sbCore?: SbCoreFactory;
  /** Optional incremental SHA-256/512 (XFTP digests); the pure @noble hashes when absent. */
  createHash?(alg: 'sha256' | 'sha512'): IncrementalHash;
}
