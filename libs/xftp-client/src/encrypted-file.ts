// Files on disk and small buffers through the file cipher (spec xftp.md §13): encrypt a plain file
// into the padded encrypted file with its digests in one pass, decrypt downloaded chunk files into
// a destination chosen from the header, and the SHA-512 check a recipient makes before decrypting.
// Upstream `Client/Main.hs: cliSendFileOpts.encryptFileForUpload`, `cliReceiveFile`,
// `Agent.hs: encryptFileForUpload`, `decryptFile`, `Crypto.hs: decryptChunks`, `readChunks`.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EncryptedFileDigester, prepareChunkSpecs } from './chunks.ts';
import type { ChunkSpec } from './chunks.ts';
import { FileCryptoError } from './errors.ts';
import { FileDecryptor, encryptStream, planEncryption, randomFileKeys } from './file-crypto.ts';
import type { EncryptionPlan, FileHeader, FileKeys } from './file-crypto.ts';

/** A chunk of an encrypted file with its SHA-256 (the FNEW digest). */
export interface EncryptedChunk extends ChunkSpec {
  readonly digest: Uint8Array;
}

/** The result of encrypting a file: keys, layout and digests for the descriptions. */
export interface EncryptedFile extends FileKeys {
  readonly plan: EncryptionPlan;
  /** SHA-512 of the whole encrypted file (the description's `digest`). */
  readonly digest: Uint8Array;
  readonly chunks: readonly EncryptedChunk[];
}

/** Options of {@link encryptFile} and {@link encryptBytes}. */
export interface EncryptOptions {
  /** Name put in the header; {@link encryptFile} defaults to the source's base name. */
  readonly fileName?: string;
  /** Key and nonce; random by default. */
  readonly keys?: FileKeys;
  /** One chunk of the smallest fitting size (redirect descriptions, upstream agent). */
  readonly singleChunk?: boolean;
}

async function* digesting(
  src: AsyncIterable<Uint8Array>,
  d: EncryptedFileDigester,
): AsyncGenerator<Uint8Array> {
  for await (const p of src) {
    d.update(p);
    yield p;
  }
}

function result(keys: FileKeys, plan: EncryptionPlan, d: EncryptedFileDigester): EncryptedFile {
  const { fileDigest, chunkDigests } = d.digest();
  const chunks = prepareChunkSpecs(plan.chunkSizes).map((c, i) => ({
    ...c,
    digest: chunkDigests[i] as Uint8Array,
  }));
  return { ...keys, plan, digest: fileDigest, chunks };
}

/**
 * Encrypts the file at `srcPath` into `destPath` (created or truncated, mode 0600, removed on
 * failure), streaming and digesting in one pass. FileCryptoError FILE_IO if the source's length
 * changes while it is read. Used by `sendFile`, which passes its own keys so a send can resume.
 */
export async function encryptFile(
  srcPath: string,
  destPath: string,
  opts: EncryptOptions = {},
): Promise<EncryptedFile> {
  const { size } = await stat(srcPath);
  const plan = planEncryption(
    size,
    { fileName: opts.fileName ?? basename(srcPath) },
    opts.singleChunk ? { singleChunk: true } : {},
  );
  const keys = opts.keys ?? randomFileKeys();
  const d = new EncryptedFileDigester(plan.chunkSizes);
  const enc = encryptStream(createReadStream(srcPath), plan, keys);
  try {
    await pipeline(Readable.from(digesting(enc, d)), createWriteStream(destPath, { mode: 0o600 }));
  } catch (e) {
    // best effort: a partial encrypted file is useless; the failure is what the caller needs
    await unlink(destPath).catch(() => undefined);
    throw e;
  }
  return result(keys, plan, d);
}

/** Encrypts a small buffer (e.g. a redirect's YAML) in memory; `fileName` defaults to ''. */
export async function encryptBytes(
  content: Uint8Array,
  opts: EncryptOptions = {},
): Promise<EncryptedFile & { readonly encrypted: Uint8Array }> {
  const plan = planEncryption(
    content.length,
    { fileName: opts.fileName ?? '' },
    opts.singleChunk ? { singleChunk: true } : {},
  );
  const keys = opts.keys ?? randomFileKeys();
  const d = new EncryptedFileDigester(plan.chunkSizes);
  const parts: Uint8Array[] = [];
  for await (const p of digesting(encryptStream([content], plan, keys), d)) parts.push(p);
  return { ...result(keys, plan, d), encrypted: new Uint8Array(Buffer.concat(parts)) };
}

/** Decrypts an encrypted file held in memory; returns its header and content. */
export function decryptBytes(
  encrypted: Uint8Array,
  keys: FileKeys,
): { header: FileHeader; content: Uint8Array } {
  const dec = new FileDecryptor({ ...keys, encSize: encrypted.length });
  const content = dec.update(encrypted);
  return { header: dec.final(), content: new Uint8Array(content) };
}

/** SHA-512 of files read in order: the recipient's check of the description digest (upstream `readChunks`). */
export async function sha512OfFiles(paths: readonly string[]): Promise<Uint8Array> {
  const h = createHash('sha512');
  for (const p of paths) for await (const piece of createReadStream(p)) h.update(piece as Buffer);
  return new Uint8Array(h.digest());
}

/**
 * Decrypts downloaded chunk files, in order, into the path `dest` chooses from the header
 * (upstream `decryptChunks` with `getDestFile`). The output is created exclusively (EEXIST if it
 * is there already, so a failure never removes a file this call did not make), written as it is
 * decrypted and removed again if anything fails, the tag check at the end included. `size` is the
 * plain content's length.
 */
export async function decryptChunkFiles(
  chunkPaths: readonly string[],
  params: FileKeys & { readonly encSize: number },
  dest: (header: FileHeader) => string | Promise<string>,
): Promise<{ path: string; header: FileHeader; size: number }> {
  if (chunkPaths.length === 0) throw new FileCryptoError('INVALID_HEADER', 'empty');
  const dec = new FileDecryptor(params);
  let out: { path: string; fh: Awaited<ReturnType<typeof open>> } | undefined;
  let size = 0;
  try {
    for (const p of chunkPaths) {
      for await (const piece of createReadStream(p)) {
        const content = dec.update(piece as Buffer);
        if (out === undefined && dec.header !== undefined) {
          const path = await dest(dec.header);
          out = { path, fh: await open(path, 'wx') };
        }
        if (out !== undefined && content.length > 0) await out.fh.write(content);
        size += content.length;
      }
    }
    const header = dec.final();
    if (out === undefined) throw new FileCryptoError('INVALID_HEADER', 'incomplete');
    await out.fh.close();
    return { path: out.path, header, size };
  } catch (e) {
    if (out !== undefined) {
      // best effort: the original failure is what the caller needs to see
      await out.fh.close().catch(() => undefined);
      await unlink(out.path).catch(() => undefined);
    }
    throw e;
  }
}
