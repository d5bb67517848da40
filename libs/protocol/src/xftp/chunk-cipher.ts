// Chunk bodies (spec xftp.md §7): FGET re-encryption with an ephemeral DH key (server,
// `Server.hs: sendServerFile`, `Transport.hs: sendEncFile`), its incremental decryption with the tail
// tag split off at any piece boundary (client, `Transport.hs: receiveSbFile`, `ReceiveFileError`), and
// the FPUT body's size and digest checks (server, `receiveFile`, `HTTP2/File.hs: hReceiveFile`).
// Pure and incremental: the caller owns the sockets and files.
import { constantTimeEqual } from '../crypto/bytes.ts';
import { dhSecret } from '../crypto/box.ts';
import type { PrivateKey, PublicKey } from '../crypto/keys.ts';
import { NONCE_LENGTH } from '../crypto/nonce.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { generateKeyPair } from '../crypto/sign.ts';
import { createChunkDigest } from './digest.ts';
import type { IncrementalHash } from './digest.ts';
import { SB_TAG_SIZE, cbInit, sbAuth, sbDecryptChunk, sbEncryptChunk } from './sb-stream.ts';
import type { SbCoreFactory, SbState } from './sb-stream.ts';

/** Why receiving a chunk failed (upstream `ReceiveFileError` + `DIGEST`); maps to `ERR <code>`. */
export type XFTPReceiveErrorCode = 'SIZE' | 'CRYPTO' | 'DIGEST';

/** A chunk body was too long or short, failed its tag, or has another digest. */
export class XFTPReceiveError extends Error {
  override readonly name = 'XFTPReceiveError';
  constructor(
    readonly code: XFTPReceiveErrorCode,
    message: string = code,
  ) {
    super(message);
  }
}

/** Server side of one FGET: the `FILE` parameters and the cipher state for the body. */
export interface FileChunkEncryption {
  /** Ephemeral X25519 public key for `FILE`. */
  readonly srvDhKey: PublicKey;
  /** Random 24-byte nonce for `FILE`. */
  readonly nonce: Uint8Array;
  /** Feed the stored chunk through `sbEncryptChunk`, then append `sbAuth(state)`. */
  readonly state: SbState;
}

/**
 * A fresh ephemeral key pair and nonce for one download (`sendServerFile`); every download gets new
 * ones, so uploaded and downloaded ciphertexts never match. `rcvDhKey` must be X25519. A low-order
 * key throws CryptoError, where upstream (crypton) would encrypt under the all-zero secret; no honest
 * client sends one, so the server may answer it with any error.
 */
export function prepareFileChunkEncryption(
  c: CryptoProvider,
  rcvDhKey: PublicKey,
  core?: SbCoreFactory,
): FileChunkEncryption {
  if (rcvDhKey.alg !== 'x25519') throw new TypeError('FGET key must be X25519');
  const kp = generateKeyPair(c, 'x25519');
  const nonce = c.randomBytes(NONCE_LENGTH);
  const state = cbInit(c, dhSecret(c, rcvDhKey, kp.priv), nonce, core);
  return { srvDhKey: kp.pub, nonce, state };
}

/** Client side of one FGET: the cipher state from `FILE srvDhKey nonce` and the own private key. */
export function fileChunkDecryptInit(
  c: CryptoProvider,
  srvDhKey: PublicKey,
  rcvDhPriv: PrivateKey,
  nonce: Uint8Array,
  core?: SbCoreFactory,
): SbState {
  return cbInit(c, dhSecret(c, srvDhKey, rcvDhPriv), nonce, core);
}

/** One-shot `ciphertext || tag` of a whole chunk (the FGET body after the block). */
export function encryptFileChunk(st: SbState, chunk: Uint8Array): Uint8Array {
  const ct = sbEncryptChunk(st, chunk);
  const out = new Uint8Array(ct.length + SB_TAG_SIZE);
  out.set(ct);
  out.set(sbAuth(st), ct.length);
  return out;
}

/**
 * Decrypts an FGET body of `size` ciphertext bytes + 16-byte tag fed in pieces of any size
 * (`receiveSbFile`). More than `size + 16` bytes → `SIZE`; the stream ending inside the ciphertext →
 * `SIZE`, inside or at a wrong tag → `CRYPTO`. The plaintext returned before `finish` is unverified.
 */
export class EncryptedChunkReceiver {
  #remaining: number;
  readonly #tag = new Uint8Array(SB_TAG_SIZE);
  #tagLen = 0;
  #done = false;

  constructor(
    private readonly state: SbState,
    size: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('bad chunk size');
    this.#remaining = size;
  }

  /** True once the ciphertext and the whole tag have arrived. */
  get complete(): boolean {
    return this.#remaining === 0 && this.#tagLen === SB_TAG_SIZE;
  }

  /** Decrypts the ciphertext part of `piece`, keeps tag bytes; XFTPReceiveError `SIZE` on surplus. */
  update(piece: Uint8Array): Uint8Array {
    if (this.#done) throw new TypeError('receiver already finished');
    if (piece.length > this.#remaining + SB_TAG_SIZE - this.#tagLen)
      throw new XFTPReceiveError('SIZE', 'chunk body longer than expected');
    const n = Math.min(piece.length, this.#remaining);
    const plain = sbDecryptChunk(this.state, piece.subarray(0, n));
    this.#remaining -= n;
    const tagPart = piece.subarray(n);
    this.#tag.set(tagPart, this.#tagLen);
    this.#tagLen += tagPart.length;
    return plain;
  }

  /** Verifies the tag at the end of the stream; XFTPReceiveError `SIZE` or `CRYPTO`. */
  finish(): void {
    if (this.#done) throw new TypeError('receiver already finished');
    this.#done = true;
    if (this.#remaining > 0) throw new XFTPReceiveError('SIZE', 'chunk body shorter than expected');
    // Why: constant-time tag comparison (upstream `BA.constEq`).
    if (this.#tagLen !== SB_TAG_SIZE || !constantTimeEqual(this.#tag, sbAuth(this.state)))
      throw new XFTPReceiveError('CRYPTO', 'chunk authentication tag mismatch');
  }
}

/**
 * Counts and hashes a plain chunk body of exactly `size` bytes (FPUT on the server, or a decrypted
 * FGET chunk on the client): surplus → `SIZE` at once, too few at `finish` → `SIZE`, another SHA-256
 * than `digest` → `DIGEST` (`receiveFile_`).
 */
export class PlainChunkReceiver {
  #remaining: number;
  readonly #hash: IncrementalHash = createChunkDigest();
  #done = false;

  constructor(
    size: number,
    private readonly digest: Uint8Array,
  ) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('bad chunk size');
    this.#remaining = size;
  }

  /** Bytes still expected. */
  get remaining(): number {
    return this.#remaining;
  }

  /** Accounts for `piece`; XFTPReceiveError `SIZE` if it goes past `size`. */
  update(piece: Uint8Array): void {
    if (this.#done) throw new TypeError('receiver already finished');
    if (piece.length > this.#remaining)
      throw new XFTPReceiveError('SIZE', 'chunk body longer than size');
    this.#remaining -= piece.length;
    this.#hash.update(piece);
  }

  /** Checks the length and the digest. */
  finish(): void {
    if (this.#done) throw new TypeError('receiver already finished');
    this.#done = true;
    if (this.#remaining > 0) throw new XFTPReceiveError('SIZE', 'chunk body shorter than size');
    // The digest is public (it is in the file description); constant time costs nothing here.
    if (!constantTimeEqual(this.#hash.digest(), this.digest))
      throw new XFTPReceiveError('DIGEST', 'chunk digest mismatch');
  }
}
