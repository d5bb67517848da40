// Chunk planning for an encrypted file (spec xftp.md §8, §13): the server chunk sizes and the plans
// come from the protocol library (upstream `FileTransfer/Chunks.hs`, `FileTransfer/Client.hs:
// prepareChunkSizes, singleChunkSize, prepareChunkSpecs, getChunkDigest`); what is here is the
// one-pass digesting of an encrypted file as it is written (upstream `Agent.hs:
// encryptFileForUpload` reads it again for `LC.sha512Hash` and each `getChunkDigest`).
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import {
  chunkSize0,
  chunkSize1,
  chunkSize2,
  chunkSize3,
  prepareChunkSpecs,
  serverChunkSizes,
} from '@simplex-relay/protocol';

export {
  chunkDigest,
  prepareChunkSizes,
  prepareChunkSpecs,
  singleChunkSize,
} from '@simplex-relay/protocol';
export type { ChunkSpec } from '@simplex-relay/protocol';

/** n KiB in bytes (upstream `kb`). */
export const kb = (n: number): number => n * 1024;
/** n MiB in bytes (upstream `mb`). */
export const mb = (n: number): number => n * 1024 * 1024;
/** n GiB in bytes (upstream `gb`). */
export const gb = (n: number): number => n * 1024 * 1024 * 1024;

/** 64 KiB (upstream `chunkSize0`). */
export const CHUNK_SIZE_0 = chunkSize0;
/** 256 KiB (upstream `chunkSize1`). */
export const CHUNK_SIZE_1 = chunkSize1;
/** 1 MiB (upstream `chunkSize2`). */
export const CHUNK_SIZE_2 = chunkSize2;
/** 4 MiB (upstream `chunkSize3`). */
export const CHUNK_SIZE_3 = chunkSize3;
/** The chunk sizes servers accept by default, ascending (upstream `serverChunkSizes`). */
export const SERVER_CHUNK_SIZES: readonly number[] = serverChunkSizes;

/** Digests of an encrypted file: SHA-512 of all of it and SHA-256 of each chunk. */
export interface EncryptedFileDigests {
  readonly fileDigest: Uint8Array;
  readonly chunkDigests: readonly Uint8Array[];
}

/**
 * Computes {@link EncryptedFileDigests} in one pass over the encrypted bytes as they stream by, so a
 * file is never read twice nor held in memory. The hashes are node:crypto's (OpenSSL): the same
 * digests as the protocol library's `createChunkDigest`/`createFileDigest`, about ten times faster.
 */
export class EncryptedFileDigester {
  readonly #sizes: readonly number[];
  readonly #file: Hash = createHash('sha512');
  readonly #digests: Uint8Array[] = [];
  #chunk: Hash | undefined;
  #left = 0; // bytes still expected in the current chunk

  constructor(chunkSizes: readonly number[]) {
    prepareChunkSpecs(chunkSizes); // RangeError unless every size is a non-negative integer
    this.#sizes = chunkSizes;
  }

  /** Feeds the next encrypted bytes; RangeError past the end of the last chunk. */
  update(piece: Uint8Array): void {
    this.#file.update(piece);
    let i = 0;
    while (i < piece.length) {
      if (this.#chunk === undefined) {
        const size = this.#sizes[this.#digests.length];
        if (size === undefined) throw new RangeError('more bytes than the chunk sizes add up to');
        [this.#chunk, this.#left] = [createHash('sha256'), size];
      }
      const n = Math.min(this.#left, piece.length - i);
      this.#chunk.update(piece.subarray(i, i + n));
      [i, this.#left] = [i + n, this.#left - n];
      if (this.#left === 0) this.#closeChunk();
    }
  }

  /** The digests; RangeError if fewer bytes than the chunk sizes add up to were fed. */
  digest(): EncryptedFileDigests {
    // zero-size chunks (never planned, but allowed by the types) close without any byte
    while (this.#chunk === undefined && this.#sizes[this.#digests.length] === 0) {
      this.#chunk = createHash('sha256');
      this.#closeChunk();
    }
    if (this.#chunk !== undefined || this.#digests.length !== this.#sizes.length)
      throw new RangeError('fewer bytes than the chunk sizes add up to');
    return { fileDigest: new Uint8Array(this.#file.digest()), chunkDigests: this.#digests };
  }

  #closeChunk(): void {
    this.#digests.push(new Uint8Array((this.#chunk as Hash).digest()));
    this.#chunk = undefined;
  }
}
