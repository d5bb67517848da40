// XFTP wire errors (spec xftp.md §9): the closed union mirroring upstream
// `FileTransfer/Transport.hs: XFTPErrorType` with its binary `Encoding` instance (`smpEncode`/`smpP`),
// and the `BLOCKED` → `AUTH` downgrade of `FileTransfer/Protocol.hs: encodeProtocol @FileResponse`.
// `CMD` sub-codes and `BlockingInfo` are shared with SMP (`Messaging/Protocol.hs`).
import { decodeAll } from '../encoding/decoder.ts';
import type { Decoder } from '../encoding/decoder.ts';
import { bytesAscii, encode } from '../encoding/writer.ts';
import type { Writer } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';
import { CommandError, decodeBlockingInfo, encodeBlockingInfo } from '../smp/errors.ts';
import type { BlockingInfo } from '../smp/errors.ts';
import { blockedFilesXFTPVersion } from './versions.ts';

/** Error names without a detail (upstream nullary `XFTPErrorType` constructors). */
export const XFTP_SIMPLE_ERRORS = [
  'BLOCK',
  'SESSION',
  'HANDSHAKE',
  'AUTH',
  'SIZE',
  'QUOTA',
  'DIGEST',
  'CRYPTO',
  'NO_FILE',
  'HAS_FILE',
  'FILE_IO',
  'TIMEOUT',
  'INTERNAL',
  'DUPLICATE_',
] as const;
/** A nullary XFTP error name. */
export type XFTPSimpleError = (typeof XFTP_SIMPLE_ERRORS)[number];

/**
 * Every XFTP wire error (upstream `XFTPErrorType`). `CRYPTO`, `HAS_FILE` and `DUPLICATE_` are never
 * sent by a server, but clients parse them, so they are part of the union.
 */
export type XFTPErrorType =
  | { readonly type: 'CMD'; readonly cmd: CommandError }
  | { readonly type: 'BLOCKED'; readonly info: BlockingInfo }
  | { readonly type: XFTPSimpleError };

/** Shorthand for `CMD e`. */
export const xftpCmdError = (cmd: CommandError): XFTPErrorType => ({ type: 'CMD', cmd });

const SIMPLE: ReadonlySet<string> = new Set(XFTP_SIMPLE_ERRORS);
const CMD_CODES: ReadonlySet<string> = new Set(Object.values(CommandError));

/** Writes the error text as upstream `smpEncode @XFTPErrorType` does (no version downgrade). */
export function writeXFTPErrorType(w: Writer, e: XFTPErrorType): void {
  switch (e.type) {
    case 'CMD':
      if (!CMD_CODES.has(e.cmd)) throw new RangeError(`bad CommandError ${String(e.cmd)}`);
      w.ascii('CMD ').ascii(e.cmd);
      return;
    case 'BLOCKED':
      // XFTP keeps the notice at every version ≥ 3 (unlike SMP, which drops it below v18).
      w.ascii('BLOCKED ').raw(encodeBlockingInfo(e.info));
      return;
    default:
      if (!SIMPLE.has(e.type)) throw new RangeError(`bad XFTPErrorType ${String(e.type)}`);
      w.ascii(e.type);
  }
}

/** The error as the version can carry it: `BLOCKED` becomes `AUTH` below v3 (`encodeProtocol`). */
export function downgradeXFTPError(v: number, e: XFTPErrorType): XFTPErrorType {
  return e.type === 'BLOCKED' && v < blockedFilesXFTPVersion ? { type: 'AUTH' } : e;
}

/** The word up to the next space or the end (upstream `A.takeTill (== ' ')`). */
function word(d: Decoder): string {
  const rest = d.buf.subarray(d.offset);
  const sp = rest.indexOf(0x20);
  return bytesAscii(d.take(sp < 0 ? rest.length : sp));
}

/** Reads an error text (upstream `smpP @XFTPErrorType`); the caller checks the end of input. */
export function decodeXFTPErrorType(d: Decoder): XFTPErrorType {
  const at = d.offset;
  const tag = word(d);
  if (SIMPLE.has(tag)) return { type: tag as XFTPSimpleError };
  if (tag === 'CMD') {
    d.expectByte(0x20, 'space');
    const c = word(d);
    if (c === 'NO_QUEUE') return xftpCmdError('NO_ENTITY'); // upstream's legacy spelling
    if (!CMD_CODES.has(c)) throw new ParseError('bad CommandError', at);
    return xftpCmdError(c as CommandError);
  }
  if (tag === 'BLOCKED') {
    d.expectByte(0x20, 'space');
    // `BlockingInfo` takes the rest of the input (its notice is `A.takeByteString` JSON).
    return { type: 'BLOCKED', info: decodeBlockingInfo(d.rest()) };
  }
  throw new ParseError('bad XFTPErrorType', at);
}

/** The error text as bytes (no downgrade): the body of a bare handshake error (§4.6). */
export function encodeXFTPErrorTypeBytes(e: XFTPErrorType): Uint8Array {
  return encode((w) => writeXFTPErrorType(w, e), 64);
}

/** Parses a whole buffer as an error text. */
export function decodeXFTPErrorTypeBytes(b: Uint8Array): XFTPErrorType {
  return decodeAll(b, decodeXFTPErrorType);
}
