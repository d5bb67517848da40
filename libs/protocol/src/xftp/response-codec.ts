// Wire codec of XFTP responses (spec xftp.md §6, Appendix A1). Upstream `FileTransfer/Protocol.hs:
// encodeProtocol @FileResponse` (with the `BLOCKED` → `AUTH` downgrade below v3),
// `protocolP @FileResponse`, and `checkCredentials @FileResponse` (the client's entity ID check).
import type { Decoder } from '../encoding/decoder.ts';
import { Writer } from '../encoding/writer.ts';
import type { ParseError } from '../errors.ts';
import { decodeDhKey } from '../crypto/keys.ts';
import { NONCE_LENGTH } from '../crypto/nonce.ts';
import { writeDhKey } from '../smp/command-codec.ts';
import type { EntityId } from '../smp/commands.ts';
import type { FileResponse, FileResponseTag, NonEmptyList } from './commands.ts';
import {
  decodeXFTPErrorType,
  downgradeXFTPError,
  writeXFTPErrorType,
  xftpCmdError,
} from './errors.ts';
import type { XFTPErrorType } from './errors.ts';
import { parseTagged, taggedValue } from './tagged-parse.ts';

/** Outcome of parsing a response: the response, or the `CMD` error the client reports. */
export type FileResponseParseResult =
  | { readonly ok: true; readonly response: FileResponse }
  | { readonly ok: false; readonly error: 'UNKNOWN' | 'SYNTAX'; readonly cause?: ParseError };

function writeIds(w: Writer, ids: NonEmptyList<EntityId>): void {
  if (ids.length === 0) throw new RangeError('recipient IDs must not be empty');
  w.list(ids, (w2, id) => w2.bytes(id));
}

/** Encodes a response for version `v` (`ERR BLOCKED` is sent as `ERR AUTH` below v3). */
export function encodeFileResponse(v: number, r: FileResponse): Uint8Array {
  const w = new Writer(64);
  switch (r.tag) {
    case 'SIDS':
      writeIds(w.ascii('SIDS ').bytes(r.senderId), r.recipientIds);
      break;
    case 'RIDS':
      writeIds(w.ascii('RIDS '), r.recipientIds);
      break;
    case 'FILE':
      if (r.nonce.length !== NONCE_LENGTH) throw new RangeError('FILE nonce must be 24 bytes');
      writeDhKey(w.ascii('FILE '), r.srvDhKey);
      w.raw(r.nonce);
      break;
    case 'ERR':
      writeXFTPErrorType(w.ascii('ERR '), downgradeXFTPError(v, r.error));
      break;
    default:
      w.ascii(r.tag);
  }
  return w.finish();
}

const sp = (d: Decoder): Decoder => {
  d.expectByte(0x20, 'space');
  return d;
};
const ids = (d: Decoder): NonEmptyList<EntityId> => d.nonEmpty((x) => x.bytes());

type ParamsParser = (d: Decoder) => FileResponse;

/** Tag → parameter parser (upstream `decodeTag @FileResponseTag` + `protocolP`). */
const PARSERS: ReadonlyMap<string, ParamsParser> = new Map<string, ParamsParser>([
  [
    'SIDS',
    (d) => {
      const senderId = sp(d).bytes();
      return { tag: 'SIDS', senderId, recipientIds: ids(d) };
    },
  ],
  ['RIDS', (d) => ({ tag: 'RIDS', recipientIds: ids(sp(d)) })],
  [
    'FILE',
    (d) => {
      const srvDhKey = decodeDhKey(sp(d));
      return { tag: 'FILE', srvDhKey, nonce: d.take(NONCE_LENGTH) };
    },
  ],
  ['OK', () => ({ tag: 'OK' })],
  ['ERR', (d) => ({ tag: 'ERR', error: decodeXFTPErrorType(sp(d)) })],
  ['PONG', () => ({ tag: 'PONG' })],
]);

/** True if `tag` is a known response tag. */
export function isFileResponseTag(tag: string): tag is FileResponseTag {
  return PARSERS.has(tag);
}

/** Parses a response as upstream `parseProtocol`: unknown tag → `UNKNOWN`, bad parameters → `SYNTAX`. */
export function parseFileResponse(_v: number, bytes: Uint8Array): FileResponseParseResult {
  const r = parseTagged(PARSERS, bytes);
  return r.ok ? { ok: true, response: r.value } : r;
}

/** Decodes a response, throwing ParseError. */
export function decodeFileResponse(_v: number, bytes: Uint8Array): FileResponse {
  return taggedValue(parseTagged(PARSERS, bytes), 'XFTP response');
}

/**
 * The client's entity check (upstream `checkCredentials @FileResponse`, Appendix A1): `SIDS` and
 * `PONG` need an empty entity ID (else `CMD HAS_AUTH`), `ERR` may carry any, the others need one
 * (else `CMD NO_ENTITY`).
 */
export function checkFileResponseCredentials(
  r: FileResponse,
  entityId: EntityId,
): XFTPErrorType | undefined {
  const hasEntity = entityId.length > 0;
  switch (r.tag) {
    case 'SIDS':
    case 'PONG':
      return hasEntity ? xftpCmdError('HAS_AUTH') : undefined;
    case 'ERR':
      return undefined;
    default:
      return hasEntity ? undefined : xftpCmdError('NO_ENTITY');
  }
}
