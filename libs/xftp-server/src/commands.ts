// Command processing (spec xftp.md §5.2, §5.3, §6), upstream `Server.hs: processRequest`,
// `verifyXFTPTransmission`, `processXFTPRequest` (`createFile`, `addRecipients`, `deleteServerFile`,
// `ackFileReception`); FPUT and FGET bodies are in upload.ts and download.ts. Decoding order and
// the corrId/entityId echo of every error come from `xftpDecodeTServer` (libs/protocol).
import {
  XFTP_BLOCK_SIZE,
  constantTimeEqual,
  decodePubKeyDer,
  encodePubKeyDer,
  xftpDecodeTServer,
  xftpEncodeResponse,
  xftpTransmissionParams,
} from '@simplex-relay/protocol';
import type {
  FileCommand,
  FileCommandOf,
  FileResponse,
  PublicKey,
  XFTPErrorType,
  XFTPServerTransmission,
} from '@simplex-relay/protocol';
import { blobKeyForSender } from '@simplex-relay/xftp-store';
import type { FileRec } from '@simplex-relay/xftp-store';
import { dummyVerifyCmd, verifyCmdAuthorization, type AuthInput } from './auth.ts';
import type { XftpConnection } from './connection.ts';
import type { SessionParams, XftpContext } from './context.ts';
import { prepareDownload } from './download.ts';
import type { RequestBody } from './request-body.ts';
import type { Response } from './response.ts';
import { receiveServerFile } from './upload.ts';

const EMPTY = new Uint8Array(0);
const errResp = (error: XFTPErrorType): FileResponse => ({ tag: 'ERR', error });
const AUTH = errResp({ type: 'AUTH' });

/** The metric label of an error: its name, with the sub-code for `CMD`. */
export const errorCode = (e: XFTPErrorType): string => (e.type === 'CMD' ? `CMD ${e.cmd}` : e.type);

/** A verified request (upstream `XFTPRequest`). */
type Verified =
  | { readonly kind: 'new'; readonly cmd: FileCommandOf<'FNEW'> }
  | { readonly kind: 'ping' }
  | { readonly kind: 'file'; readonly cmd: FileCommand; readonly file: FileRec };

/** Processes one command request and sends its response. */
export async function processRequest(
  ctx: XftpContext,
  conn: XftpConnection,
  params: SessionParams,
  head: Uint8Array,
  body: RequestBody,
  res: Response,
): Promise<void> {
  const tp = xftpTransmissionParams(params.version, conn.sessionId);
  const send = (corrId: Uint8Array, entityId: Uint8Array, r: FileResponse): Uint8Array => {
    if (r.tag === 'ERR') ctx.metrics.error(errorCode(r.error));
    return xftpEncodeResponse(tp, corrId, entityId, r);
  };
  if (head.length !== XFTP_BLOCK_SIZE) {
    res.send(send(EMPTY, EMPTY, errResp({ type: 'BLOCK' })));
    return;
  }
  const t = xftpDecodeTServer(tp, head);
  if (!t.ok) {
    res.send(send(t.corrId, t.entityId, errResp(t.error)));
    return;
  }
  ctx.metrics.command(t.command.tag);
  const reply = (r: FileResponse) => res.send(send(t.corrId, t.entityId, r));
  const v = await verifyTransmission(ctx, params, t);
  if (!('kind' in v)) return reply(v);
  switch (v.kind) {
    case 'ping':
      return reply({ tag: 'PONG' });
    case 'new':
      return reply(await createFile(ctx, v.cmd));
    case 'file':
      break;
  }
  const { cmd, file } = v;
  switch (cmd.tag) {
    case 'FADD':
      return reply(await addRecipients(ctx, file, cmd.rcvKeys));
    case 'FPUT': {
      const r = await receiveServerFile(ctx, file, body);
      return reply(r.ok ? { tag: 'OK' } : errResp(r.error));
    }
    case 'FDEL':
      return reply(await deleteServerFile(ctx, file));
    case 'FGET': {
      const d = await prepareDownload(ctx, file, cmd.rcvDhKey);
      if (d.body === undefined) return reply(d.response);
      ctx.metrics.fileDownloaded();
      const block = send(t.corrId, t.entityId, d.response);
      const b = d.body;
      await res.sendFile(block, b.source, b.encryption.state, b.size);
      return;
    }
    case 'FACK':
      // Upstream answers OK whatever the store says (the recipient was verified just before).
      await ctx.fileStore.deleteRecipient(t.entityId);
      ctx.metrics.fileDownloadAcked();
      return reply({ tag: 'OK' });
    default:
      // FNEW and PING never get here (they are separate verified kinds).
      return reply(errResp({ type: 'INTERNAL' }));
  }
}

/**
 * Upstream `verifyXFTPTransmission`: FNEW is verified with the key it carries; PING needs nothing;
 * other commands look their entity up in its ID space. Unknown ID or status `off` → AUTH after a
 * dummy verification (uniform timing); `blocked` → BLOCKED (sent as AUTH below v3) without one.
 */
async function verifyTransmission(
  ctx: XftpContext,
  params: SessionParams,
  t: XFTPServerTransmission,
): Promise<Verified | FileResponse> {
  const a: AuthInput = {
    auth: t.auth,
    authorized: t.authorized,
    corrId: t.corrId,
    sessionKey: params.sessionKey,
  };
  const cmd = t.command;
  if (cmd.tag === 'FNEW')
    return verifyCmdAuthorization(ctx.provider, a, cmd.file.sndKey) ? { kind: 'new', cmd } : AUTH;
  if (cmd.tag === 'PING') return { kind: 'ping' };
  let found: { file: FileRec; key: Uint8Array } | undefined;
  if (t.party === 'sender') {
    const f = await ctx.fileStore.getFileBySender(t.entityId);
    found = f && { file: f, key: f.senderKey };
  } else {
    const r = await ctx.fileStore.getFileByRecipient(t.entityId);
    found = r && { file: r.file, key: r.recipientKey };
  }
  if (found === undefined) return dummyVerifyCmd(ctx.provider, a) || AUTH;
  const status = found.file.status;
  if (status.kind === 'blocked') return errResp({ type: 'BLOCKED', info: status.info });
  const key = status.kind === 'active' ? decodeKey(found.key) : undefined;
  if (key === undefined) return dummyVerifyCmd(ctx.provider, a) || AUTH;
  return verifyCmdAuthorization(ctx.provider, a, key)
    ? { kind: 'file', cmd, file: found.file }
    : AUTH;
}

function decodeKey(der: Uint8Array): PublicKey | undefined {
  try {
    return decodePubKeyDer(der);
  } catch {
    return undefined;
  }
}

/** Upstream `createFile` after `allowNew`: password, then chunk size, then the records. */
async function createFile(ctx: XftpContext, cmd: FileCommandOf<'FNEW'>): Promise<FileResponse> {
  const pw = ctx.newFileBasicAuth;
  const passwordOk =
    pw === undefined ||
    (cmd.basicAuth !== undefined &&
      cmd.basicAuth.length === pw.length &&
      constantTimeEqual(cmd.basicAuth, pw));
  if (!ctx.allowNewFiles || !passwordOk) return AUTH;
  if (!ctx.allowedChunkSizes.has(cmd.file.size)) return errResp({ type: 'SIZE' });
  const r = await ctx.fileStore.createFile({
    senderKey: encodePubKeyDer(cmd.file.sndKey),
    size: cmd.file.size,
    digest: cmd.file.digest,
    recipientKeys: keysDer(cmd.rcvKeys),
  });
  if (!r.ok) return errResp({ type: 'INTERNAL' });
  ctx.metrics.fileCreated(r.recipientIds.length);
  const [first, ...rest] = r.recipientIds;
  if (first === undefined) return errResp({ type: 'INTERNAL' });
  return { tag: 'SIDS', senderId: r.senderId, recipientIds: [first, ...rest] };
}

async function addRecipients(
  ctx: XftpContext,
  file: FileRec,
  keys: readonly [PublicKey, ...PublicKey[]],
): Promise<FileResponse> {
  const r = await ctx.fileStore.addRecipients(file.senderId, keysDer(keys));
  if (!r.ok) return r.error === 'NOT_FOUND' ? AUTH : errResp({ type: 'INTERNAL' });
  ctx.metrics.recipientsAdded(r.recipientIds.length);
  const [first, ...rest] = r.recipientIds;
  if (first === undefined) return errResp({ type: 'INTERNAL' });
  return { tag: 'RIDS', recipientIds: [first, ...rest] };
}

/**
 * Upstream `deleteServerFile_`: the record and its recipients go first (every ID then answers
 * AUTH), the body after; a body that cannot be removed is FILE_IO (it stays as an orphan).
 */
async function deleteServerFile(ctx: XftpContext, file: FileRec): Promise<FileResponse> {
  const r = await ctx.fileStore.deleteFile(file.senderId);
  if (!r.ok) return AUTH;
  ctx.metrics.fileDeleted();
  if (r.body !== 'none') {
    try {
      await ctx.blobStore.delete(blobKeyForSender(file.senderId));
    } catch (e) {
      ctx.log.error('cannot delete a chunk body', { error: e instanceof Error ? e.message : '' });
      return errResp({ type: 'FILE_IO' });
    }
  }
  return { tag: 'OK' };
}

function keysDer(keys: readonly [PublicKey, ...PublicKey[]]): [Uint8Array, ...Uint8Array[]] {
  const [first, ...rest] = keys;
  return [encodePubKeyDer(first), ...rest.map(encodePubKeyDer)];
}
