// File encryption for XFTP (spec xftp.md §13): the encrypted file is one secret_box stream
//   Int64 fileSize || FileHeader || content || '#' padding, then the 16-byte tag,
// where fileSize = |FileHeader| + |content| and the padding fills the planned chunks exactly.
// The header codec, the size plan and the cipher are the protocol library's (upstream
// `FileTransfer/Crypto.hs: encryptFile, decryptChunks`, `Types.hs: FileHeader`); this module adds
// keys from node:crypto randomness, the plan with its hard limit (upstream `encryptFileForUpload`),
// encryption of an async source, and the names this package exported before.
import { randomBytes } from 'node:crypto';
import {
  FILE_HEADER_WINDOW,
  FileCryptoError,
  FileEncryptor,
  FileDecryptor as ProtocolFileDecryptor,
  ParseError,
  XFTP_FILE_SIZE_LEN,
  encodeFileHeader,
  encryptedFileSizes,
  maxFileSizeHard,
  parseFileHeader,
} from '@simplex-relay/protocol';
import type { FileHeader } from '@simplex-relay/protocol';
import { nodeProvider } from '@simplex-relay/node-crypto';

export { encodeFileHeader } from '@simplex-relay/protocol';
export type { FileHeader } from '@simplex-relay/protocol';

/** Bytes of the length prefix (upstream `fileSizeLen`). */
export const FILE_SIZE_LEN = XFTP_FILE_SIZE_LEN;
/** Upstream reads the header from at most this many bytes after the length prefix. */
export const MAX_HEADER_WINDOW = FILE_HEADER_WINDOW;

/** The file key and nonce (upstream `C.SbKey`, `C.CbNonce`). */
export interface FileKeys {
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
}

/** A fresh random key (32 bytes) and nonce (24 bytes) (upstream `randomSbKey`, `randomCbNonce`). */
export function randomFileKeys(): FileKeys {
  return { key: new Uint8Array(randomBytes(32)), nonce: new Uint8Array(randomBytes(24)) };
}

/**
 * Reads a header from the start of `b`; returns it and its length (upstream `smpP @FileHeader`).
 * FileCryptoError INVALID_HEADER if it does not parse, as upstream `parseFileHeader` reports it.
 */
export function decodeFileHeader(b: Uint8Array): { header: FileHeader; length: number } {
  try {
    const { header, rest } = parseFileHeader(b);
    return { header, length: b.length - rest.length };
  } catch (e) {
    if (e instanceof ParseError)
      throw new FileCryptoError('INVALID_HEADER', e.message, { cause: e });
    throw e;
  }
}

/** The layout of one file's encryption. */
export interface EncryptionPlan {
  /** The encoded {@link FileHeader}. */
  readonly header: Uint8Array;
  readonly contentSize: number;
  /** |header| + |content|: the Int64 written first. */
  readonly fileSize: number;
  /** Sizes of the chunks the encrypted file is cut into; the first is the description's default. */
  readonly chunkSizes: readonly number[];
  /** Sum of the chunk sizes: the encrypted file's size, tag included. */
  readonly encSize: number;
}

/**
 * Plans the encryption of `contentSize` bytes (upstream `encryptFileForUpload`, protocol
 * `encryptedFileSizes`): the chunk sizes for fileSize + 8 + 16 bytes, or with `singleChunk` one chunk
 * of the smallest fitting size, as the agent does for redirect descriptions. RangeError above the
 * hard limit or if one chunk cannot hold it.
 */
export function planEncryption(
  contentSize: number,
  header: FileHeader,
  opts: { singleChunk?: boolean } = {},
): EncryptionPlan {
  if (contentSize > maxFileSizeHard) throw new RangeError('file is larger than the hard limit');
  const hdr = encodeFileHeader(header);
  const sizes = encryptedFileSizes(contentSize, hdr, opts);
  const { plainSize: fileSize, chunkSizes, encSize } = sizes;
  return { header: hdr, contentSize, fileSize, chunkSizes, encSize };
}

/**
 * Encrypts a plain content stream by the plan (upstream `encryptFile`, protocol `FileEncryptor`),
 * yielding exactly `plan.encSize` bytes. A source that yields more or fewer than `plan.contentSize`
 * bytes fails with FileCryptoError FILE_IO.
 */
export async function* encryptStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  plan: EncryptionPlan,
  keys: FileKeys,
): AsyncGenerator<Uint8Array, void, undefined> {
  const enc = new FileEncryptor(nodeProvider, {
    ...keys,
    fileHeader: plan.header,
    contentSize: plan.contentSize,
    encSize: plan.encSize,
  });
  yield enc.head;
  for await (const piece of source) if (piece.length > 0) yield enc.update(piece);
  yield* enc.finish();
}

/**
 * Incremental decryption of an encrypted file of known size (upstream `decryptChunks`): the protocol
 * `FileDecryptor` with node-crypto and the key and nonce in one object. The header is parsed from
 * the first min(fileSize, 1024) plaintext bytes, before the tag is checked: nothing is authentic
 * until `final()` returns.
 */
export class FileDecryptor extends ProtocolFileDecryptor {
  constructor(params: FileKeys & { readonly encSize: number }) {
    super(nodeProvider, params);
  }

  /** `finish()`: checks that the whole file was fed and the tag verifies; returns the header. */
  final(): FileHeader {
    return this.finish();
  }
}
