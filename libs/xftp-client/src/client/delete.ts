// Deleting a sent file (spec xftp.md §6.4): FDEL for every chunk with the sender key from the sender
// description. Upstream `Client/Main.hs: cliDeleteFile` (`deleteFileChunk`, one chunk after another,
// stopping at the first failure); here every chunk is tried and the failures are counted.
import type { FileDescription } from '../file-description.ts';
import { XftpTransferError } from './errors.ts';
import { Progress, poolOf, validDescription } from './transfer-common.ts';
import type { FileTransferOptions } from './transfer-common.ts';

/** Options of {@link deleteFile}; progress counts deleted chunk bytes. */
export type DeleteFileOptions = Omit<FileTransferOptions, 'tempDir'>;

/**
 * Deletes every chunk of a sender description from its server. Throws XftpTransferError `PARTIAL`
 * (with the first failure as `cause`) if any chunk could not be deleted, after trying all of them.
 */
export async function deleteFile(
  description: FileDescription,
  opts: DeleteFileOptions = {},
): Promise<void> {
  const fd = validDescription(description, 'sender');
  const { pool, owned } = poolOf(opts);
  const progress = new Progress(fd.size, opts.onProgress);
  const failures: unknown[] = [];
  try {
    for (const ch of fd.chunks) {
      const r = ch.replicas[0];
      try {
        if (r === undefined) throw new XftpTransferError('DESCRIPTION', 'chunk has no replicas');
        await pool.withClient(r.server, (cl) => cl.deleteChunk(r.replicaKey, r.replicaId), opts);
        progress.finish(ch.chunkNo, ch.chunkSize);
      } catch (e) {
        failures.push(e);
      }
    }
  } finally {
    if (owned) await pool.close();
  }
  if (failures.length > 0)
    throw new XftpTransferError(
      'PARTIAL',
      `${failures.length} of ${fd.chunks.length} chunks could not be deleted: ${(failures[0] as Error).message}`,
      { cause: failures[0] },
    );
}
