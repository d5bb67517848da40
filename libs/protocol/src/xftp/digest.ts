// XFTP digests (spec xftp.md §6, §7.1, Appendix A6): SHA-256 of each chunk (the FNEW digest, checked
// after FPUT) and SHA-512 of the whole encrypted file (the file description's `digest`). Upstream
// `Crypto/Lazy.hs: sha256Hash, sha512Hash` as used by `Transport.hs: receiveFile_`,
// `Client.hs: getChunkDigest` and `FileTransfer/Agent.hs`. Incremental, so bodies are never buffered.
// A provider with `createHash` (nodeProvider: OpenSSL) computes them natively; without one, or with
// a provider lacking it, they are the pure @noble hashes, byte for byte the same.
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import type { CryptoProvider, IncrementalHash } from '../crypto/provider.ts';

// Declared with the provider, which may supply a native one; re-exported for callers.
export type { IncrementalHash } from '../crypto/provider.ts';

/** Length of a chunk digest (SHA-256). */
export const CHUNK_DIGEST_LENGTH = 32;
/** Length of a file digest (SHA-512). */
export const FILE_DIGEST_LENGTH = 64;

/** A SHA-256 hasher for one chunk (the provider's if it has one). */
export function createChunkDigest(c?: CryptoProvider): IncrementalHash {
  return c?.createHash?.('sha256') ?? sha256.create();
}

/** SHA-256 of a whole chunk. */
export function chunkDigest(chunk: Uint8Array, c?: CryptoProvider): Uint8Array {
  return c === undefined ? sha256(chunk) : c.sha256(chunk);
}

/** A SHA-512 hasher for a whole encrypted file, all chunks in order (the provider's if it has one). */
export function createFileDigest(c?: CryptoProvider): IncrementalHash {
  return c?.createHash?.('sha512') ?? sha512.create();
}

/** SHA-512 of a whole encrypted file. */
export function fileDigest(encryptedFile: Uint8Array, c?: CryptoProvider): Uint8Array {
  return c === undefined ? sha512(encryptedFile) : c.sha512(encryptedFile);
}
