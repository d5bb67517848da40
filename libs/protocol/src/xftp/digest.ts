// XFTP digests (spec xftp.md §6, §7.1, Appendix A6): SHA-256 of each chunk (the FNEW digest, checked
// after FPUT) and SHA-512 of the whole encrypted file (the file description's `digest`). Upstream
// `Crypto/Lazy.hs: sha256Hash, sha512Hash` as used by `Transport.hs: receiveFile_`,
// `Client.hs: getChunkDigest` and `FileTransfer/Agent.hs`. Incremental, so bodies are never buffered.
import { sha256, sha512 } from '@noble/hashes/sha2.js';

/** An incremental hash: feed pieces, then take the digest once. */
export interface IncrementalHash {
  update(piece: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** Length of a chunk digest (SHA-256). */
export const CHUNK_DIGEST_LENGTH = 32;
/** Length of a file digest (SHA-512). */
export const FILE_DIGEST_LENGTH = 64;

/** A SHA-256 hasher for one chunk. */
export function createChunkDigest(): IncrementalHash {
  return sha256.create();
}

/** SHA-256 of a whole chunk. */
export function chunkDigest(chunk: Uint8Array): Uint8Array {
  return sha256(chunk);
}

/** A SHA-512 hasher for a whole encrypted file (all chunks in order). */
export function createFileDigest(): IncrementalHash {
  return sha512.create();
}

/** SHA-512 of a whole encrypted file. */
export function fileDigest(encryptedFile: Uint8Array): Uint8Array {
  return sha512(encryptedFile);
}
