// Client-side file encryption before chunking (spec xftp.md §13). Upstream `FileTransfer/Crypto.hs:
// encryptFile, decryptChunks`, `FileTransfer/Types.hs: FileHeader`, `Crypto/File.hs: FTCryptoError`,
// and the size plan of `FileTransfer/Agent.hs: encryptFileForUpload`.
// Encrypted file = sb-stream of `Int64(len) || header || content || '#'…` with the tag at the end, where
// len = |header| + |content| and the total is the sum of the chunk sizes. Both directions are
// incremental: pieces of any size in, pieces out, nothing buffered beyond the 1 KB header window.
import { Decoder } from '../encoding/decoder.ts';
import { Writer } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';
import { constantTimeEqual } from '../crypto/bytes.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { utf8DecodeLossy, utf8Encode } from '../smp/utf8.ts';
import {
  XFTP_AUTH_TAG_SIZE,
  XFTP_FILE_SIZE_LEN,
  prepareChunkSizes,
  singleChunkSize,
} from './chunks.ts';
import { SB_TAG_SIZE, sbAuth, sbDecryptChunk, sbEncryptChunk, sbInit } from './sb-stream.ts';
import type { SbCoreFactory, SbState } from './sb-stream.ts';

/** File name and reserved extra text at the start of the plaintext (upstream `FileHeader`). */
export interface FileHeader {
  readonly fileName: string;
  readonly fileExtra?: string | undefined;
}

/** The header window upstream parses (`parseFileHeader`: the first 1024 bytes). */
export const FILE_HEADER_WINDOW = 1024;

/** `sb(utf8 fileName) || Maybe sb(utf8 fileExtra)` (RangeError if a field exceeds 255 bytes). */
export function encodeFileHeader(h: FileHeader): Uint8Array {
  const w = new Writer(64);
  w.bytes(utf8Encode(h.fileName));
  return w.maybe(h.fileExtra, (x, e) => x.bytes(utf8Encode(e))).finish();
}

/** Reads a header; invalid UTF-8 becomes '?' (upstream `safeDecodeUtf8`). */
export function decodeFileHeader(d: Decoder): FileHeader {
  const fileName = utf8DecodeLossy(d.bytes());
  const extra = d.maybe((x) => x.bytes());
  return extra === undefined ? { fileName } : { fileName, fileExtra: utf8DecodeLossy(extra) };
}

/** The header and the bytes after it (upstream `parseFileHeader` over a buffer). */
export function parseFileHeader(b: Uint8Array): {
  readonly header: FileHeader;
  readonly rest: Uint8Array;
} {
  const d = new Decoder(b);
  const header = decodeFileHeader(d);
  return { header, rest: b.subarray(d.offset) };
}

/** Sizes of an encrypted file (upstream `encryptFileForUpload`). */
export interface EncryptedFileSizes {
  /** |header| + |content|: the Int64 written first (upstream `fileSize'`). */
  readonly plainSize: number;
  /** plainSize + 8 + 16: the least room the encryption needs. */
  readonly payloadSize: number;
  readonly chunkSizes: readonly number[];
  /** Sum of the chunk sizes: the encrypted file's length. */
  readonly encSize: number;
}

/**
 * Chunk sizes for content of `contentSize` bytes behind `fileHeader` (encoded). A redirect (a file
 * holding another description) must fit one chunk: `singleChunk` then gives one size or throws
 * RangeError (upstream `FILE SIZE`).
 */
export function encryptedFileSizes(
  contentSize: number,
  fileHeader: Uint8Array,
  opts: { readonly singleChunk?: boolean } = {},
): EncryptedFileSizes {
  if (!Number.isSafeInteger(contentSize) || contentSize < 0)
    throw new RangeError('bad content size');
  const plainSize = fileHeader.length + contentSize;
  const payloadSize = plainSize + XFTP_FILE_SIZE_LEN + XFTP_AUTH_TAG_SIZE;
  let chunkSizes: number[];
  if (opts.singleChunk === true) {
    const s = singleChunkSize(payloadSize);
    if (s === undefined) throw new RangeError('file does not fit one chunk');
    chunkSizes = [s];
  } else chunkSizes = prepareChunkSizes(payloadSize);
  return { plainSize, payloadSize, chunkSizes, encSize: chunkSizes.reduce((a, b) => a + b, 0) };
}

/** Key material and layout of one encrypted file. */
export interface FileEncryptParams {
  /** 32-byte secret-box key (the description's `key`). */
  readonly key: Uint8Array;
  /** 24-byte nonce (the description's `nonce`). */
  readonly nonce: Uint8Array;
  /** `encodeFileHeader(...)` bytes. */
  readonly fileHeader: Uint8Array;
  readonly contentSize: number;
  /** Total encrypted length (sum of chunk sizes, see `encryptedFileSizes`). */
  readonly encSize: number;
  /** Optional native cipher core (default: pure). */
  readonly core?: SbCoreFactory | undefined;
}

const PAD_PIECE = 65536;

/** Incremental `encryptFile`: `head`, then `update` per content piece, then the `finish` pieces. */
export class FileEncryptor {
  /** The first encrypted bytes: `Int64(plainSize) || header`. */
  readonly head: Uint8Array;
  readonly #st: SbState;
  #contentLeft: number;
  #padLeft: number;

  constructor(c: CryptoProvider, p: FileEncryptParams) {
    const plainSize = p.fileHeader.length + p.contentSize;
    if (!Number.isSafeInteger(p.contentSize) || p.contentSize < 0)
      throw new RangeError('bad content size');
    this.#padLeft = p.encSize - XFTP_AUTH_TAG_SIZE - plainSize - XFTP_FILE_SIZE_LEN;
    if (!Number.isSafeInteger(p.encSize) || this.#padLeft < 0)
      throw new RangeError('encSize too small for the content');
    this.#st = sbInit(c, p.key, p.nonce, p.core);
    const lenAndHeader = new Writer(p.fileHeader.length + 8)
      .int64(BigInt(plainSize))
      .raw(p.fileHeader);
    this.head = sbEncryptChunk(this.#st, lenAndHeader.finish());
    this.#contentLeft = p.contentSize;
  }

  /**
   * Encrypts the next content piece. More than the declared size is FileCryptoError FILE_IO: the
   * source changed under the sender (upstream reads exactly the size and fails with `FTCEFileIOError`).
   */
  update(content: Uint8Array): Uint8Array {
    if (content.length > this.#contentLeft)
      throw new FileCryptoError('FILE_IO', 'more content than declared');
    this.#contentLeft -= content.length;
    return sbEncryptChunk(this.#st, content);
  }

  /**
   * The encrypted '#' padding in pieces of ≤ 64 KB, then the 16-byte tag. Less content than declared
   * is FileCryptoError FILE_IO (upstream `encryptFile`: "unexpected EOF").
   */
  *finish(): Generator<Uint8Array, void, undefined> {
    if (this.#contentLeft !== 0) throw new FileCryptoError('FILE_IO', 'unexpected EOF');
    while (this.#padLeft > 0) {
      const n = Math.min(this.#padLeft, PAD_PIECE);
      this.#padLeft -= n;
      yield sbEncryptChunk(this.#st, new Uint8Array(n).fill(0x23));
    }
    yield sbAuth(this.#st);
  }
}

/** One-shot `encryptFile` of a content buffer. */
export function encryptFile(
  c: CryptoProvider,
  p: FileEncryptParams,
  content: Uint8Array,
): Uint8Array {
  if (content.length !== p.contentSize)
    throw new RangeError('content length differs from contentSize');
  const e = new FileEncryptor(c, p);
  const parts = [e.head, e.update(content), ...e.finish()];
  const out = new Uint8Array(p.encSize);
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

/**
 * Why encrypting or decrypting a file failed (upstream `Crypto/File.hs: FTCryptoError`): CRYPTO
 * `FTCECryptoError` (the cipher or the length prefix), INVALID_HEADER `FTCEInvalidHeader`,
 * INVALID_FILE_SIZE `FTCEInvalidFileSize`, INVALID_AUTH_TAG `FTCEInvalidAuthTag`, FILE_IO
 * `FTCEFileIOError` (the plain source was shorter or longer than declared).
 */
export type FileCryptoErrorCode =
  'CRYPTO' | 'INVALID_HEADER' | 'INVALID_FILE_SIZE' | 'INVALID_AUTH_TAG' | 'FILE_IO';

/** A file crypto failure; decrypted output already returned must be discarded (upstream deletes it). */
export class FileCryptoError extends Error {
  override readonly name = 'FileCryptoError';
  constructor(
    readonly code: FileCryptoErrorCode,
    message: string = code,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Incremental `decryptChunks` of an encrypted file of `encSize` bytes, fed in pieces of any size
 * (chunk boundaries do not matter). `update` returns content bytes once the header is read;
 * `finish` checks the length and the tag and returns the header.
 */
export class FileDecryptor {
  readonly #st: SbState;
  readonly #ctLen: number;
  #ctSeen = 0;
  readonly #tag = new Uint8Array(SB_TAG_SIZE);
  #tagLen = 0;
  /** Plaintext held until the length and header are known. */
  #buf: Uint8Array = new Uint8Array(0);
  /** Content bytes still to emit (after the header); -1 until the length is read. */
  #contentLeft = -1;
  #header: FileHeader | undefined;
  #done = false;

  constructor(
    c: CryptoProvider,
    p: {
      readonly key: Uint8Array;
      readonly nonce: Uint8Array;
      readonly encSize: number;
      readonly core?: SbCoreFactory | undefined;
    },
  ) {
    if (!Number.isSafeInteger(p.encSize) || p.encSize < 0) throw new RangeError('bad encSize');
    // Upstream `splitLen` fails on fewer than 8 plaintext bytes: `FTCECryptoError`.
    if (p.encSize < SB_TAG_SIZE + XFTP_FILE_SIZE_LEN)
      throw new FileCryptoError('CRYPTO', 'encrypted file too short for a length');
    this.#st = sbInit(c, p.key, p.nonce, p.core);
    this.#ctLen = p.encSize - SB_TAG_SIZE;
  }

  /** The header, once parsed. */
  get header(): FileHeader | undefined {
    return this.#header;
  }

  /** Decrypts the next piece and returns the content bytes it completes (possibly none). */
  update(piece: Uint8Array): Uint8Array {
    if (this.#done) throw new TypeError('decryptor already finished');
    const ctRoom = this.#ctLen - this.#ctSeen;
    if (piece.length > ctRoom + SB_TAG_SIZE - this.#tagLen)
      throw new FileCryptoError('INVALID_FILE_SIZE', 'encrypted file longer than encSize');
    const n = Math.min(piece.length, ctRoom);
    const tagPart = piece.subarray(n);
    this.#tag.set(tagPart, this.#tagLen);
    this.#tagLen += tagPart.length;
    this.#ctSeen += n;
    return this.#plain(sbDecryptChunk(this.#st, piece.subarray(0, n)));
  }

  #plain(p: Uint8Array): Uint8Array {
    if (this.#header !== undefined) return this.#take(p);
    this.#buf = concat(this.#buf, p);
    if (this.#contentLeft < 0) {
      if (this.#buf.length < XFTP_FILE_SIZE_LEN) return EMPTY;
      const len = new Decoder(this.#buf).int64();
      // A negative length fails upstream `splitLen` (`FTCECryptoError`).
      if (len < 0n) throw new FileCryptoError('CRYPTO', 'negative plaintext length');
      // Stricter than upstream, which would return the padding or a short file: it must fit.
      if (len > BigInt(this.#ctLen - XFTP_FILE_SIZE_LEN))
        throw new FileCryptoError('INVALID_FILE_SIZE', 'plaintext length exceeds the file');
      this.#contentLeft = Number(len);
      this.#buf = this.#buf.subarray(XFTP_FILE_SIZE_LEN);
    }
    // Upstream parses the header within the first 1024 plaintext bytes (fewer if the file is shorter).
    const window = Math.min(FILE_HEADER_WINDOW, this.#contentLeft);
    if (this.#buf.length < window) return EMPTY;
    let parsed;
    try {
      parsed = parseFileHeader(this.#buf.subarray(0, window));
    } catch (e) {
      if (e instanceof ParseError)
        throw new FileCryptoError('INVALID_HEADER', e.message, { cause: e });
      throw e;
    }
    const hdrLen = window - parsed.rest.length;
    this.#header = parsed.header;
    this.#contentLeft -= hdrLen;
    const rest = this.#buf.subarray(hdrLen);
    this.#buf = EMPTY;
    return this.#take(rest);
  }

  #take(p: Uint8Array): Uint8Array {
    const n = Math.min(p.length, this.#contentLeft);
    this.#contentLeft -= n;
    return p.subarray(0, n); // bytes past the content are the '#' padding, not checked (as upstream)
  }

  /** Checks that all `encSize` bytes arrived and the tag verifies; returns the header. */
  finish(): FileHeader {
    if (this.#done) throw new TypeError('decryptor already finished');
    this.#done = true;
    if (this.#ctSeen !== this.#ctLen || this.#tagLen !== SB_TAG_SIZE)
      throw new FileCryptoError('INVALID_FILE_SIZE', 'encrypted file shorter than encSize');
    // Why: constant-time tag comparison (upstream `BA.constEq`).
    if (!constantTimeEqual(this.#tag, sbAuth(this.#st)))
      throw new FileCryptoError('INVALID_AUTH_TAG', 'file authentication tag mismatch');
    if (this.#header === undefined) throw new FileCryptoError('INVALID_HEADER', 'incomplete');
    return this.#header;
  }
}

const EMPTY: Uint8Array = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** One-shot `decryptChunks` over the concatenated chunks: the header and the content. */
export function decryptFile(
  c: CryptoProvider,
  p: { readonly key: Uint8Array; readonly nonce: Uint8Array },
  encrypted: Uint8Array,
): { readonly header: FileHeader; readonly content: Uint8Array } {
  const d = new FileDecryptor(c, { ...p, encSize: encrypted.length });
  const content = d.update(encrypted).slice();
  return { header: d.finish(), content };
}
