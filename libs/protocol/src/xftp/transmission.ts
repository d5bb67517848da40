// XFTP transmissions in 16 KB blocks (spec xftp.md §5): batch framing with exactly one transmission,
// session ID on the wire, no service signatures. Upstream `FileTransfer/Protocol.hs:
// xftpEncodeAuthTransmission, xftpEncodeTransmission, xftpEncodeBatch1, xftpDecodeTServer,
// xftpDecodeTClient, checkCredentials @FileCommand`, over `Messaging/Protocol.hs: tEncodeBatch1, tParse,
// transmissionP, tDecodeServer, tDecodeClient` and `Messaging/Client.hs: authTransmission`.
import { Writer, bytesEqual } from '../encoding/writer.ts';
import { CryptoError, ParseError, TransportError } from '../errors.ts';
import { cbAuthenticate } from '../crypto/auth.ts';
import type { PrivateKey, PublicKey } from '../crypto/keys.ts';
import { cbNonce } from '../crypto/nonce.ts';
import { pad, unPad } from '../crypto/padding.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { sign } from '../crypto/sign.ts';
import { decodeBatch } from '../transport/block.ts';
import type { EntityId } from '../smp/commands.ts';
import { authorizedBytes, decodeTAuth, parseRawTransmission } from '../smp/transmission.ts';
import type { RawTransmission, TransmissionAuth, TransmissionParams } from '../smp/transmission.ts';
import { XFTP_BLOCK_SIZE } from './chunks.ts';
import { encodeFileCommand, parseFileCommand } from './command-codec.ts';
import { FILE_COMMAND_PARTY } from './commands.ts';
import type { FileCommand, FileParty, FileResponse } from './commands.ts';
import { xftpCmdError } from './errors.ts';
import type { XFTPErrorType } from './errors.ts';
import {
  checkFileResponseCredentials,
  encodeFileResponse,
  parseFileResponse,
} from './response-codec.ts';

const EMPTY: Uint8Array = new Uint8Array(0);

/** Parameters of an XFTP session: always sessionId on the wire, never service auth (`THandleParams`). */
export function xftpTransmissionParams(version: number, sessionId: Uint8Array): TransmissionParams {
  return { version, sessionId, implySessId: false, serviceAuth: false };
}

/** `0x01 || Large(transmission)`: a batch of one (upstream `tEncodeBatch1 False`). */
export function tEncodeBatch1(transmission: Uint8Array): Uint8Array {
  if (transmission.length > 0xffff) throw new TransportError('LARGE_MSG', 'transmission too large');
  return new Writer(transmission.length + 3).byte(1).large(transmission).finish();
}

/** The 16384-byte block of one transmission; TransportError `LARGE_MSG` if it does not fit. */
export function xftpEncodeBatch1(transmission: Uint8Array): Uint8Array {
  const batch = tEncodeBatch1(transmission);
  if (batch.length > XFTP_BLOCK_SIZE - 2)
    throw new TransportError('LARGE_MSG', 'transmission does not fit an XFTP block');
  return pad(batch, XFTP_BLOCK_SIZE);
}

/** `sb(sessionId) || sb(corrId) || sb(entityId) || message`: what is sent and what a key signs. */
export function xftpAuthorizedBytes(
  p: TransmissionParams,
  corrId: Uint8Array,
  entityId: EntityId,
  message: Uint8Array,
): Uint8Array {
  return authorizedBytes(p.sessionId, corrId, entityId, message);
}

/** An unsigned block: `pad(01 || Large(00 || authorized), 16384)` (upstream `xftpEncodeTransmission`). */
export function xftpEncodeTransmission(
  p: TransmissionParams,
  corrId: Uint8Array,
  entityId: EntityId,
  message: Uint8Array,
): Uint8Array {
  const authorized = xftpAuthorizedBytes(p, corrId, entityId, message);
  return xftpEncodeBatch1(new Writer(authorized.length + 1).byte(0).raw(authorized).finish());
}

/** A response block at the session's version (corrId and entityId echo the request, §5.1). */
export function xftpEncodeResponse(
  p: TransmissionParams,
  corrId: Uint8Array,
  entityId: EntityId,
  r: FileResponse,
): Uint8Array {
  return xftpEncodeTransmission(p, corrId, entityId, encodeFileResponse(p.version, r));
}

/** A command to send; `corrId` defaults to empty, as the native client sends it. */
export interface XFTPCommandTransmission {
  readonly corrId?: Uint8Array;
  readonly entityId: EntityId;
  readonly command: FileCommand;
}

/**
 * A command block, authorized with `privKey` when given (upstream `xftpEncodeAuthTransmission`):
 * Ed25519/Ed448 sign the authorized bytes; an X25519 key makes the 80-byte authenticator with the
 * server's session key from the handshake (TransportError `NO_AUTH` without one, `TENoServerAuth`).
 */
export function xftpEncodeAuthTransmission(
  c: CryptoProvider,
  p: TransmissionParams,
  privKey: PrivateKey | undefined,
  t: XFTPCommandTransmission,
  serverSessionKey?: PublicKey,
): Uint8Array {
  const corrId = t.corrId ?? EMPTY;
  const authorized = xftpAuthorizedBytes(
    p,
    corrId,
    t.entityId,
    encodeFileCommand(p.version, t.command),
  );
  let auth: Uint8Array = EMPTY;
  if (privKey !== undefined) {
    if (privKey.alg === 'x25519') {
      if (serverSessionKey === undefined)
        throw new TransportError('NO_AUTH', 'no server session key for an X25519 authenticator');
      auth = cbAuthenticate(c, serverSessionKey, privKey, cbNonce(corrId), authorized);
    } else auth = sign(c, privKey, authorized);
  }
  return xftpEncodeBatch1(
    new Writer(authorized.length + auth.length + 1).bytes(auth).raw(authorized).finish(),
  );
}

/** A command that passed the framing and credential checks (upstream `SignedTransmission FileCmd`). */
export interface XFTPServerTransmission {
  readonly ok: true;
  /** Absent only for PING. */
  readonly auth?: TransmissionAuth;
  /** The signed bytes: `sb(sessionId) || sb(corrId) || sb(entityId) || command`. */
  readonly authorized: Uint8Array;
  readonly corrId: Uint8Array;
  /** Empty for FNEW and PING; the sender ID or recipient ID otherwise (see `party`). */
  readonly entityId: EntityId;
  readonly command: FileCommand;
  /** The ID space of `entityId`. */
  readonly party: FileParty;
}

/** A block the server answers with `ERR` (corrId/entityId as upstream echoes them, Appendix A1). */
export interface XFTPFailedTransmission {
  readonly ok: false;
  readonly corrId: Uint8Array;
  readonly entityId: EntityId;
  readonly error: XFTPErrorType;
}

const blockError = (corrId: Uint8Array = EMPTY): XFTPFailedTransmission => ({
  ok: false,
  corrId,
  entityId: EMPTY,
  error: { type: 'BLOCK' },
});

/**
 * Unpads a block and returns its single transmission, or undefined for `BLOCK` (upstream
 * `xftpDecodeTransmission`: unPad, then `tParse` must yield exactly one transmission).
 */
function singleTransmission(p: TransmissionParams, block: Uint8Array): RawTransmission | undefined {
  if (block.length !== XFTP_BLOCK_SIZE) return undefined;
  try {
    const ts = decodeBatch(unPad(block));
    if (ts.length !== 1) return undefined;
    return parseRawTransmission(p, ts[0] as Uint8Array);
  } catch (e) {
    if (e instanceof ParseError || e instanceof CryptoError) return undefined;
    throw e;
  }
}

/**
 * Server-side decoding in upstream order (§5.2): head not 16384 bytes, bad padding, batch count ≠ 1
 * or unparsable transmission → `BLOCK` (empty corrId); session ID mismatch → `SESSION`; bad
 * authorization length → `BLOCK` (both echo the corrId); unknown tag / bad parameters → `CMD
 * UNKNOWN`/`SYNTAX`, then `checkFileCredentials` (both echo corrId and entityId).
 */
export function xftpDecodeTServer(
  p: TransmissionParams,
  block: Uint8Array,
): XFTPServerTransmission | XFTPFailedTransmission {
  const raw = singleTransmission(p, block);
  if (raw === undefined) return blockError();
  const { corrId, entityId } = raw;
  // tls-unique is public (it is on the wire), so a plain comparison is fine.
  if (raw.sessionId === undefined || !bytesEqual(raw.sessionId, p.sessionId))
    return { ok: false, corrId, entityId: EMPTY, error: { type: 'SESSION' } };
  let auth: TransmissionAuth | undefined;
  try {
    auth = decodeTAuth(raw.authenticator);
  } catch (e) {
    if (e instanceof ParseError) return blockError(corrId);
    throw e;
  }
  const parsed = parseFileCommand(p.version, raw.command);
  if (!parsed.ok) return { ok: false, corrId, entityId, error: xftpCmdError(parsed.error) };
  const error = checkFileCredentials(parsed.command, auth !== undefined, entityId);
  if (error !== undefined) return { ok: false, corrId, entityId, error };
  return {
    ok: true,
    authorized: raw.authorized,
    corrId,
    entityId,
    command: parsed.command,
    party: FILE_COMMAND_PARTY[parsed.command.tag],
    ...(auth !== undefined && { auth }),
  };
}

/**
 * Credential shape before any lookup (upstream `checkCredentials @FileCommand`, §5.2 step 6): FNEW
 * needs an authorization and no entity; PING neither; every other command both.
 */
export function checkFileCredentials(
  cmd: FileCommand,
  hasAuth: boolean,
  entityId: EntityId,
): XFTPErrorType | undefined {
  const hasEntity = entityId.length > 0;
  switch (cmd.tag) {
    case 'FNEW':
      if (!hasAuth) return xftpCmdError('NO_AUTH');
      return hasEntity ? xftpCmdError('HAS_AUTH') : undefined;
    case 'PING':
      return hasAuth || hasEntity ? xftpCmdError('HAS_AUTH') : undefined;
    default:
      return hasAuth && hasEntity ? undefined : xftpCmdError('NO_AUTH');
  }
}

/** A response block as the client sees it (upstream `xftpDecodeTClient`). */
export interface XFTPClientTransmission {
  readonly corrId: Uint8Array;
  readonly entityId: EntityId;
  readonly result:
    | { readonly ok: true; readonly response: FileResponse }
    | { readonly ok: false; readonly error: XFTPErrorType };
}

/**
 * Client-side decoding: a head that is not one block or does not frame → `BLOCK`; another session
 * ID → `SESSION`; then the response (`CMD UNKNOWN`/`SYNTAX`) and its entity check. An `ERR` response
 * is a successful decode (`result.response.tag === 'ERR'`), as upstream's `protocolError` sees it.
 */
export function xftpDecodeTClient(
  p: TransmissionParams,
  block: Uint8Array,
): XFTPClientTransmission {
  const raw = singleTransmission(p, block);
  if (raw === undefined)
    return { corrId: EMPTY, entityId: EMPTY, result: { ok: false, error: { type: 'BLOCK' } } };
  const { corrId, entityId } = raw;
  if (raw.sessionId === undefined || !bytesEqual(raw.sessionId, p.sessionId))
    return { corrId, entityId: EMPTY, result: { ok: false, error: { type: 'SESSION' } } };
  const parsed = parseFileResponse(p.version, raw.command);
  if (!parsed.ok)
    return { corrId, entityId, result: { ok: false, error: xftpCmdError(parsed.error) } };
  const error = checkFileResponseCredentials(parsed.response, entityId);
  return {
    corrId,
    entityId,
    result: error === undefined ? { ok: true, response: parsed.response } : { ok: false, error },
  };
}
