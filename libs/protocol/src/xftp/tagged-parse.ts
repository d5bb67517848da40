// The tag dispatch XFTP commands and responses share (spec xftp.md §6): upstream
// `Messaging/Protocol.hs: parseProtocol`, where the tag is the bytes before the first space, an
// unknown tag is `UNKNOWN` and a known tag whose parameters do not parse exactly to the end
// (trailing bytes included) is `SYNTAX`.
import { Decoder } from '../encoding/decoder.ts';
import { bytesAscii } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';
import { tagLength } from '../smp/command-codec.ts';

/** Outcome of {@link parseTagged}: the value, or the `CMD` error upstream answers. */
export type TaggedParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: 'UNKNOWN' | 'SYNTAX'; readonly cause?: ParseError };

/** Picks the parser by tag and runs it on the rest, which it must consume to the end. */
export function parseTagged<T>(
  parsers: ReadonlyMap<string, (d: Decoder) => T>,
  bytes: Uint8Array,
): TaggedParseResult<T> {
  const n = tagLength(bytes);
  const parser = parsers.get(bytesAscii(bytes.subarray(0, n)));
  if (parser === undefined) return { ok: false, error: 'UNKNOWN' };
  const d = new Decoder(bytes);
  d.take(n);
  try {
    const value = parser(d);
    d.assertEnd();
    return { ok: true, value };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: 'SYNTAX', cause: e };
    throw e;
  }
}

/** The value of a {@link parseTagged} result, or its ParseError (`unknown <what> tag` for UNKNOWN). */
export function taggedValue<T>(r: TaggedParseResult<T>, what: string): T {
  if (r.ok) return r.value;
  throw r.cause ?? new ParseError(`unknown ${what} tag`, 0);
}
