// Hashes, spec smp.md §2.7. Upstream `Crypto.hs: sha256Hash`, `sha512Hash`, `sha3_384`; thin
// names over the provider so call sites read like upstream.
import type { CryptoProvider } from './provider.ts';

/** SHA-256 (certificate fingerprints, §3.2). */
export const sha256Hash = (c: CryptoProvider, msg: Uint8Array): Uint8Array => c.sha256(msg);

/** SHA-512 (authenticator, §2.6). */
export const sha512Hash = (c: CryptoProvider, msg: Uint8Array): Uint8Array => c.sha512(msg);

/** SHA3-384 (short-link sender ID derivation, §7.2). */
export const sha3_384 = (c: CryptoProvider, msg: Uint8Array): Uint8Array => c.sha3_384(msg);
