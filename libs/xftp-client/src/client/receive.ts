// Receiving a file (spec xftp.md §7.2, §13, Appendix A6): download every chunk from its first replica
// into one temporary encrypted file (each chunk decrypted from its FGET envelope and checked against
// its SHA-256 as it streams in), check the whole file's size and SHA-512, follow a redirect once,
// decrypt into the output directory under the name from the file header, then acknowledge the chunks.
// A JSON state file records finished chunks, so an interrupted receive continues. Upstream
// `Client/Main.hs: cliReceiveFile` (`downloadFileChunk`, `acknowledgeFileChunk`, `getFilePath`),
// `FileTransfer/Crypto.hs: decryptChunks`.
import { mkdir, readFile } from 'node:fs/promises';
import { FileCryptoError, bytesEqual } from '@simplex-relay/protocol';
import { decryptBytes, decryptChunkFiles, sha512OfFiles } from '../encrypted-file.ts';
import { decodeRedirectTarget, encodeFileDescription } from '../file-description.ts';
import type { FileChunk, FileChunkReplica, FileDescription } from '../file-description.ts';
import { formatXftpServer } from '../xftp-server.ts';
import type { XftpClientPool } from './agent.ts';
import { XftpTransferError } from './errors.ts';
import { fileSize, readStateFile, removeFiles, writeStateFile } from './state-file.ts';
import { safeFileName, uniqueCombine } from './file-names.ts';
import { Progress, perServer, poolOf, transferFiles, validDescription } from './transfer-common.ts';
import type { FileTransferOptions } from './transfer-common.ts';

/** Options of {@link receiveFile}. */
export interface ReceiveFileOptions extends FileTransferOptions {
  /** Acknowledge (FACK) every chunk once the file is saved; default true, as upstream's CLI. */
  readonly ack?: boolean;
}

/** A received file. */
export interface ReceivedFile {
  /** Where the plain file was written. */
  readonly path: string;
  /** The name in the file header (the saved name may differ: made safe and unique). */
  readonly fileName: string;
  /** Plain size in bytes. */
  readonly size: number;
  /** Chunks whose FACK failed (the file is saved anyway; the chunks then just expire). */
  readonly ackFailures: number;
}

interface ReceiveState {
  readonly kind: 'xftp-recv';
  done: number[];
}

/**
 * Downloads and decrypts the file of a recipient description into `outDir` (created if missing).
 * Throws XftpTransferError or XftpError; the temporary files are kept after a download failure so
 * that the same call resumes, and removed once the file is saved.
 */
export async function receiveFile(
  description: FileDescription,
  outDir: string,
  opts: ReceiveFileOptions = {},
): Promise<ReceivedFile> {
  const { pool, owned } = poolOf(opts);
  try {
    return await receive(pool, description, outDir, opts, 1);
  } finally {
    if (owned) await pool.close();
  }
}

const firstReplica = (ch: FileChunk): FileChunkReplica => {
  const r = ch.replicas[0];
  if (r === undefined) throw new XftpTransferError('DESCRIPTION', 'chunk has no replicas');
  return r;
};

async function receive(
  pool: XftpClientPool,
  description: FileDescription,
  outDir: string,
  opts: ReceiveFileOptions,
  redirectsLeft: number,
): Promise<ReceivedFile> {
  const fd = validDescription(description, 'recipient');
  fd.chunks.forEach(firstReplica);
  const { encPath, statePath } = transferFiles(opts, 'recv', encodeFileDescription(fd));
  let state = await readStateFile<ReceiveState>(statePath, 'xftp-recv');
  if (state === undefined || (await fileSize(encPath)) === undefined)
    state = { kind: 'xftp-recv', done: [] };
  const st = state;
  const offsets: number[] = [];
  fd.chunks.reduce((o, ch) => (offsets.push(o), o + ch.chunkSize), 0);
  const progress = new Progress(fd.size, opts.onProgress);
  const done = new Set(st.done);
  for (const ch of fd.chunks) if (done.has(ch.chunkNo)) progress.skip(ch.chunkSize);
  await perServer(
    fd.chunks.filter((ch) => !done.has(ch.chunkNo)),
    (ch) => formatXftpServer(firstReplica(ch).server),
    async (ch) => {
      const r = firstReplica(ch);
      const range = {
        path: encPath,
        offset: offsets[ch.chunkNo - 1] as number,
        size: ch.chunkSize,
        digest: ch.digest,
      };
      try {
        await pool.withClient(
          r.server,
          (cl) =>
            cl.downloadChunk(r.replicaKey, r.replicaId, range, {
              onProgress: (n) => progress.update(ch.chunkNo, n),
            }),
          opts,
        );
      } catch (e) {
        progress.fail(ch.chunkNo);
        throw e;
      }
      st.done.push(ch.chunkNo);
      await writeStateFile(statePath, st);
      progress.finish(ch.chunkNo, ch.chunkSize);
    },
  );
  // Every chunk matched its digest; the whole file must match the description too.
  const size = await fileSize(encPath);
  const digest = size === fd.size ? await sha512OfFiles([encPath]) : undefined;
  if (digest === undefined || !bytesEqual(digest, fd.digest)) {
    await removeFiles(encPath, statePath);
    throw new XftpTransferError(
      'DIGEST',
      size === fd.size ? 'File digest mismatch' : 'File size mismatch',
    );
  }
  if (fd.redirect !== undefined) {
    if (redirectsLeft === 0) throw new XftpTransferError('DESCRIPTION', 'Redirect chain too long');
    // A redirect's encrypted file holds a description: small enough to decrypt in memory.
    const encrypted = await readFile(encPath);
    const { content } = await decrypting(() => decryptBytes(encrypted, fd));
    await ackAll(pool, fd, opts);
    await removeFiles(encPath, statePath);
    let inner: FileDescription;
    try {
      inner = decodeRedirectTarget(fd.redirect, content);
    } catch (e) {
      throw new XftpTransferError('DESCRIPTION', `Redirect: ${(e as Error).message}`, { cause: e });
    }
    return receive(pool, inner, outDir, opts, redirectsLeft - 1);
  }
  await mkdir(outDir, { recursive: true });
  const out = await decrypting(() =>
    decryptChunkFiles([encPath], { key: fd.key, nonce: fd.nonce, encSize: fd.size }, (h) =>
      uniqueCombine(outDir, safeFileName(h.fileName)),
    ),
  );
  const ackFailures = opts.ack === false ? 0 : await ackAll(pool, fd, opts);
  await removeFiles(encPath, statePath);
  return {
    path: out.path,
    fileName: out.header.fileName,
    size: out.size,
    ackFailures,
  };
}

/**
 * Runs the package's file decryption (`decryptChunkFiles`, `decryptBytes`), reporting its failures
 * as transfer errors: CRYPTO for a bad header, size or tag (upstream deletes the output too, as
 * `decryptChunkFiles` does), FILE_IO otherwise.
 */
async function decrypting<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof FileCryptoError)
      throw new XftpTransferError('CRYPTO', `Error decrypting file: ${e.code}`, { cause: e });
    throw new XftpTransferError('FILE_IO', (e as Error).message, { cause: e });
  }
}

/** FACK for every chunk (`acknowledgeFileChunk`); returns how many failed. */
async function ackAll(
  pool: XftpClientPool,
  fd: FileDescription,
  opts: ReceiveFileOptions,
): Promise<number> {
  let failed = 0;
  for (const ch of fd.chunks) {
    const r = firstReplica(ch);
    try {
      await pool.withClient(r.server, (cl) => cl.ackChunk(r.replicaKey, r.replicaId), opts);
    } catch {
      failed++;
    }
  }
  return failed;
}
