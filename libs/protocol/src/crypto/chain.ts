// Transport-block chain keys, spec smp.md §2.4–§2.5. Upstream `Crypto.hs: sbcInit`, `sbcHkdf`,
// `hkdf` (HKDF-SHA512, RFC 5869).
import type { CryptoProvider } from './provider.ts';

const enc = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const INIT_INFO = enc('SimpleXSbChainInit');
const CHAIN_INFO = enc('SimpleXSbChain');
const EMPTY = new Uint8Array(0);

/** HKDF-SHA512 with upstream's argument order `hkdf(salt, ikm, info, length)`. */
export function hkdf(
  c: CryptoProvider,
  salt: Uint8Array,
  ikm: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return c.hkdfSha512(ikm, salt, info, length);
}

/** The two 32-byte chain keys from HKDF(salt, secret, "SimpleXSbChainInit", 64). */
export function sbcInit(
  c: CryptoProvider,
  salt: Uint8Array,
  secret: Uint8Array,
): [Uint8Array, Uint8Array] {
  const out = c.hkdfSha512(secret, salt, INIT_INFO, 64);
  // Separate copies so a caller that wipes one chain key does not touch the other.
  return [out.slice(0, 32), out.slice(32, 64)];
}

/** One chain step: next chain key (32), secret_box key (32) and nonce (24) from HKDF("", ck, …, 88). */
export function sbcHkdf(
  c: CryptoProvider,
  chainKey: Uint8Array,
): { next: Uint8Array; key: Uint8Array; nonce: Uint8Array } {
  if (chainKey.length !== 32) throw new RangeError('chain key must be 32 bytes');
  const out = c.hkdfSha512(chainKey, EMPTY, CHAIN_INFO, 88);
  return { next: out.slice(0, 32), key: out.slice(32, 64), nonce: out.slice(64, 88) };
}
