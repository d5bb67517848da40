// FGET (spec xftp.md §6.5, §7.2), upstream `Server.hs: sendServerFile` + `Transport.hs: sendEncFile`:
// every download gets a fresh ephemeral X25519 key and nonce, and the stored chunk is streamed from
// the blob store encrypted on the fly, tag last.
import { blobKeyForSender } from '@simplex-relay/xftp-store';
import type { FileRec } from '@simplex-relay/xftp-store';
import { CryptoError, prepareFileChunkEncryption } from '@simplex-relay/protocol';
import type { FileChunkEncryption, FileResponse, PublicKey } from '@simplex-relay/protocol';
import type { Readable } from 'node:stream';
import type { XftpContext } from './context.ts';

/** A prepared download: the `FILE` response and what `Response.sendFile` streams after it. */
export interface PreparedDownload {
  readonly response: FileResponse;
  readonly body?: {
    readonly source: Readable;
    readonly encryption: FileChunkEncryption;
    readonly size: number;
  };
}

/** Opens the body and the cipher, or returns the error response (NO_FILE, AUTH, INTERNAL). */
export async function prepareDownload(
  ctx: XftpContext,
  file: FileRec,
  rcvDhKey: PublicKey,
): Promise<PreparedDownload> {
  // Not uploaded yet (or an upload in progress).
  if (file.body !== 'stored') return err('NO_FILE');
  const handle = await ctx.blobStore.get(blobKeyForSender(file.senderId));
  // A record whose body vanished answers AUTH, as upstream does for a missing file.
  if (handle === undefined) return err('AUTH');
  if (handle.size !== file.size) {
    handle.stream.destroy();
    ctx.log.error('chunk body size differs from its record');
    return err('AUTH');
  }
  let encryption: FileChunkEncryption;
  try {
    encryption = prepareFileChunkEncryption(ctx.provider, rcvDhKey);
  } catch (e) {
    handle.stream.destroy();
    // A low-order key: upstream's `cbInit` failure answers INTERNAL.
    if (e instanceof CryptoError) return err('INTERNAL');
    throw e;
  }
  return {
    response: { tag: 'FILE', srvDhKey: encryption.srvDhKey, nonce: encryption.nonce },
    body: { source: handle.stream, encryption, size: file.size },
  };
}

const err = (type: 'NO_FILE' | 'AUTH' | 'INTERNAL'): PreparedDownload => ({
  response: { tag: 'ERR', error: { type } },
});
