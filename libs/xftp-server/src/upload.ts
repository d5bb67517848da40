// FPUT (spec xftp.md §7.1), upstream `Server.hs: receiveServerFile` with `Transport.hs: receiveFile`
// and `HTTP2/File.hs: hReceiveFile`. Quota and commit live in the shared FileStore (so gateways on
// one database agree), the body in the shared BlobStore; the record is committed as uploaded in
// the store before OK is sent, so an OK is never lost by a crash.
import { BlobStoreError, blobKeyForSender } from '@simplex-relay/xftp-store';
import type { FileRec } from '@simplex-relay/xftp-store';
import type { XFTPErrorType } from '@simplex-relay/protocol';
import type { XftpContext } from './context.ts';
import type { RequestBody } from './request-body.ts';

/** Upstream reads chunk bodies in pieces of this size (`fileBlockSize`). */
const FILE_BLOCK_SIZE = 16384;

/** `OK` or the error to answer. */
export type UploadResult =
  { readonly ok: true } | { readonly ok: false; readonly error: XFTPErrorType };

const ok: UploadResult = { ok: true };
const fail = (
  type: 'SIZE' | 'QUOTA' | 'DIGEST' | 'AUTH' | 'TIMEOUT' | 'FILE_IO',
): UploadResult => ({
  ok: false,
  error: { type },
});

/** Receives the body of `file` from `body` (whatever follows the command block). */
export async function receiveServerFile(
  ctx: XftpContext,
  file: FileRec,
  body: RequestBody,
): Promise<UploadResult> {
  // A committed body is never touched again: a retried upload is drained and answered OK, so a
  // client that lost the first OK can finish (upstream `skipCommitted`).
  if (file.body === 'stored') return drainCommitted(body, file.size);
  const reserved = await ctx.fileStore.reserveStorage(file.senderId, ctx.storageQuota);
  if (!reserved.ok) return fail(reserved.error === 'QUOTA' ? 'QUOTA' : 'AUTH');
  const key = blobKeyForSender(file.senderId);
  const release = () =>
    ctx.fileStore.releaseStorage(file.senderId).catch((e: unknown) => {
      ctx.log.error('cannot release a storage reservation', { error: errName(e) });
    });
  // The store checks the SHA-256 before the blob becomes visible; a digest of another length can
  // never match (upstream still reads the body and answers DIGEST).
  const digestUsable = file.digest.length === 32;
  const signal = AbortSignal.timeout(ctx.fileTimeoutMs);
  let put;
  try {
    put = await ctx.blobStore.put(key, body.rest(), file.size, {
      signal,
      ...(digestUsable && { sha256: file.digest }),
    });
  } catch (e) {
    await release();
    // A failing disk is FILE_IO; a timeout or a stream the client reset is TIMEOUT (upstream maps
    // HTTP2Error and its `timeout` to TIMEOUT, so agents retry).
    if (e instanceof BlobStoreError) {
      ctx.log.error('chunk body not stored', { error: e.message });
      return fail('FILE_IO');
    }
    ctx.log.debug('chunk upload interrupted', { error: errName(e), timeout: signal.aborted });
    return fail('TIMEOUT');
  }
  if (!put.ok) {
    await release();
    return fail(put.error);
  }
  if (!digestUsable) {
    await deleteBlob(ctx, key);
    await release();
    return fail('DIGEST');
  }
  const stored = await ctx.fileStore.markStored(file.senderId);
  if (!stored.ok) {
    // Deleted (or blocked) while uploading: the blob must not outlive its record.
    await deleteBlob(ctx, key);
    return fail('AUTH');
  }
  if (!stored.alreadyStored) ctx.metrics.fileUploaded(file.size);
  return ok;
}

/**
 * Upstream `skipCommitted.drain`: read `size` bytes in 16 KB pieces; OK once they arrived, SIZE if
 * the stream ends first or if surplus bytes arrive within the same 16 KB piece as the last expected
 * byte (later surplus is not read). Pieces are counted from the start of the chunk body, so the
 * rule is: surplus is SIZE only when `size` is not a multiple of 16384.
 */
async function drainCommitted(body: RequestBody, size: number): Promise<UploadResult> {
  let received = 0;
  for (;;) {
    const piece = await body.next().catch(() => undefined);
    if (piece === undefined) return fail('SIZE');
    received += piece.length;
    if (received >= size)
      return received > size && size % FILE_BLOCK_SIZE !== 0 ? fail('SIZE') : ok;
  }
}

async function deleteBlob(ctx: XftpContext, key: string): Promise<void> {
  await ctx.blobStore.delete(key).catch((e: unknown) => {
    ctx.log.error('cannot delete a chunk body', { error: errName(e) });
  });
}

const errName = (e: unknown): string =>
  e instanceof Error ? `${e.name}${'code' in e ? ` ${String(e.code)}` : ''}` : typeof e;
