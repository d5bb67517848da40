// Wire codec of XFTP commands (spec xftp.md §6). Upstream `FileTransfer/Protocol.hs:
// encodeProtocol @FileCommand`, `protocolP @FileCmd`, `Encoding FileInfo`, and the generic
// `Messaging/Protocol.hs: parseProtocol` (tag = bytes before the first space; UNKNOWN vs SYNTAX).
// No command changed since v1, so the version is taken for symmetry only.
import type { Decoder } from '../encoding/decoder.ts';
import { Writer } from '../encoding/writer.ts';
import type { ParseError } from '../errors.ts';
import { decodeAuthKey, decodeDhKey } from '../crypto/keys.ts';
import type { PublicKey } from '../crypto/keys.ts';
import { decodeBasicAuth, encodeBasicAuth } from '../smp/address.ts';
import { writeAuthKey, writeDhKey } from '../smp/command-codec.ts';
import type { FileCommand, FileCommandTag, FileInfo, NonEmptyList } from './commands.ts';
import { parseTagged, taggedValue } from './tagged-parse.ts';

/** Outcome of parsing a command: the command, or the `CMD` error upstream answers. */
export type FileCommandParseResult =
  | { readonly ok: true; readonly command: FileCommand }
  | { readonly ok: false; readonly error: 'UNKNOWN' | 'SYNTAX'; readonly cause?: ParseError };

/** Writes `sb(spki(sndKey)) || Word32(size) || sb(digest)` (upstream `smpEncode FileInfo`). */
export function encodeFileInfo(w: Writer, f: FileInfo): void {
  writeAuthKey(w, f.sndKey);
  w.word32(f.size).bytes(f.digest);
}

/** Reads a FileInfo (upstream `smpP @FileInfo`). */
export function decodeFileInfo(d: Decoder): FileInfo {
  const sndKey = decodeAuthKey(d);
  const size = d.word32();
  return { sndKey, size, digest: d.bytes() };
}

/** Writes a NonEmpty list of auth keys (count byte then `sb(spki)` each). */
function writeRcvKeys(w: Writer, keys: NonEmptyList<PublicKey>): void {
  if (keys.length === 0) throw new RangeError('recipient keys must not be empty');
  w.list(keys, writeAuthKey);
}

/** Encodes a command (upstream `encodeProtocol`; the same bytes at every version). */
export function encodeFileCommand(_v: number, cmd: FileCommand): Uint8Array {
  const w = new Writer(
    cmd.tag === 'FNEW' || cmd.tag === 'FADD' ? 64 + 50 * cmd.rcvKeys.length : 64,
  );
  switch (cmd.tag) {
    case 'FNEW':
      encodeFileInfo(w.ascii('FNEW '), cmd.file);
      writeRcvKeys(w, cmd.rcvKeys);
      w.maybe(cmd.basicAuth, encodeBasicAuth);
      break;
    case 'FADD':
      writeRcvKeys(w.ascii('FADD '), cmd.rcvKeys);
      break;
    case 'FGET':
      writeDhKey(w.ascii('FGET '), cmd.rcvDhKey);
      break;
    default:
      w.ascii(cmd.tag);
  }
  return w.finish();
}

// Parameters start with the space after the tag (upstream `_smpP`).
const sp = (d: Decoder): Decoder => {
  d.expectByte(0x20, 'space');
  return d;
};

type ParamsParser = (d: Decoder) => FileCommand;
const noParams =
  (tag: 'FPUT' | 'FDEL' | 'FACK' | 'PING'): ParamsParser =>
  () => ({ tag });

/** Tag → parameter parser (upstream `decodeTag @FileCmdTag` + `protocolP @FileCmd`). */
const PARSERS: ReadonlyMap<string, ParamsParser> = new Map<string, ParamsParser>([
  [
    'FNEW',
    (d) => {
      const file = decodeFileInfo(sp(d));
      const rcvKeys = d.nonEmpty(decodeAuthKey);
      const basicAuth = d.maybe(decodeBasicAuth);
      return basicAuth === undefined
        ? { tag: 'FNEW', file, rcvKeys }
        : { tag: 'FNEW', file, rcvKeys, basicAuth };
    },
  ],
  ['FADD', (d) => ({ tag: 'FADD', rcvKeys: sp(d).nonEmpty(decodeAuthKey) })],
  ['FPUT', noParams('FPUT')],
  ['FDEL', noParams('FDEL')],
  ['FGET', (d) => ({ tag: 'FGET', rcvDhKey: decodeDhKey(sp(d)) })],
  ['FACK', noParams('FACK')],
  ['PING', noParams('PING')],
]);

/** True if `tag` is a known command tag. */
export function isFileCommandTag(tag: string): tag is FileCommandTag {
  return PARSERS.has(tag);
}

/**
 * Parses a command as upstream `parseProtocol`: an unknown tag is `UNKNOWN`; a known tag whose
 * parameters do not parse exactly to the end (trailing bytes included) is `SYNTAX`.
 */
export function parseFileCommand(_v: number, bytes: Uint8Array): FileCommandParseResult {
  const r = parseTagged(PARSERS, bytes);
  return r.ok ? { ok: true, command: r.value } : r;
}

/** Decodes a command, throwing ParseError (see parseFileCommand for the UNKNOWN/SYNTAX split). */
export function decodeFileCommand(_v: number, bytes: Uint8Array): FileCommand {
  return taggedValue(parseTagged(PARSERS, bytes), 'XFTP command');
}
