// Parsing one control port line as upstream `ControlProtocol.strP` through `strDecode` does: the
// first word names the command, arguments follow in upstream's text encodings, and the whole line
// must be consumed. The words every control port shares (`auth`, `help`, `quit`, the empty line) are
// parsed here; the rest by the server's own parser. Error texts are attoparsec's, printed after
// `error: `, so scripts written against upstream servers see the same lines.
import {
  ParseError,
  asciiBytes,
  decodeBase64Url,
  decodeBlockingInfo,
  isValidBasicAuth,
} from '@simplex-relay/protocol';
import type { BlockingInfo } from '@simplex-relay/protocol';

/** A parsed line: a command, or the error text upstream would print after `error: `. */
export type ParsedLine<C> =
  { readonly ok: true; readonly command: C } | { readonly ok: false; readonly error: string };

/** The commands of every control port (upstream `CPAuth`, `CPHelp`, `CPQuit`, `CPSkip`). */
export type BaseCommand =
  | { readonly type: 'auth'; readonly password: Uint8Array }
  | { readonly type: 'help' }
  | { readonly type: 'quit' }
  /** An empty line: no answer. */
  | { readonly type: 'skip' };

/** A server's parser of its own command words; `rest` is everything after the first space. */
export type CommandParser<C> = (word: string, rest: string | undefined) => ParsedLine<C>;

/** attoparsec's `Failed reading: …` error. */
export const failed = (what: string): { readonly ok: false; readonly error: string } => ({
  ok: false,
  error: `Failed reading: ${what}`,
});

/** The answer to an unknown command word. */
export const unknownCommand = failed('bad ControlProtocol command');

/** A command without arguments: anything after its word is an error, as with `strDecode`. */
export function noArgs<C>(rest: string | undefined, command: C): ParsedLine<C> {
  return rest === undefined ? { ok: true, command } : { ok: false, error: 'endOfInput' };
}

/** A parsed command: one of the shared words, or the server's own. */
export type LineCommand<C> =
  | { readonly shared: BaseCommand; readonly own?: never }
  | { readonly own: C; readonly shared?: never };

/** Parses one line (without its line ending), shared words first, then the server's own. */
export function classifyLine<C>(
  line: string,
  parseOwn: CommandParser<C>,
): ParsedLine<LineCommand<C>> {
  const sp = line.indexOf(' ');
  const word = sp < 0 ? line : line.slice(0, sp);
  const rest = sp < 0 ? undefined : line.slice(sp + 1);
  const shared = (p: ParsedLine<BaseCommand>): ParsedLine<LineCommand<C>> =>
    p.ok ? { ok: true, command: { shared: p.command } } : p;
  switch (word) {
    case '':
      return shared(noArgs(rest, { type: 'skip' }));
    case 'help':
      return shared(noArgs(rest, { type: 'help' }));
    case 'quit':
      return shared(noArgs(rest, { type: 'quit' }));
    case 'auth':
      return shared(rest === undefined ? failed('not enough input') : parseAuth(rest));
    default: {
      const p = parseOwn(word, rest);
      return p.ok ? { ok: true, command: { own: p.command } } : p;
    }
  }
}

/** As `classifyLine`, as one flat union (for servers whose commands are tagged by `type` too). */
export function parseLine<C>(
  line: string,
  parseOwn: CommandParser<C>,
): ParsedLine<BaseCommand | C> {
  const p = classifyLine(line, parseOwn);
  if (!p.ok) return p;
  const c = p.command;
  return { ok: true, command: c.shared ?? (c.own as C) };
}

/** `<id>` as the only argument: a base64url entity ID (upstream `_strP` of an `EntityId`). */
export function parseEntityId(rest: string | undefined): ParsedLine<Uint8Array> {
  const id = rest === undefined ? undefined : base64UrlPrefix(rest);
  if (id === undefined || rest === undefined) return failed('base64url');
  if (id.length !== rest.length) return { ok: false, error: 'endOfInput' };
  return { ok: true, command: id.bytes };
}

/** `<id> <info>`: an entity ID and a `BlockingInfo` (`reason=spam|content[,notice={json}]`). */
export function parseEntityIdAndBlockingInfo(
  rest: string | undefined,
): ParsedLine<{ readonly id: Uint8Array; readonly info: BlockingInfo }> {
  const id = rest === undefined ? undefined : base64UrlPrefix(rest);
  if (id === undefined || rest === undefined) return failed('base64url');
  if (rest[id.length] !== ' ') return failed("expected ' '");
  try {
    const info = decodeBlockingInfo(asciiBytes(rest.slice(id.length + 1)));
    return { ok: true, command: { id: id.bytes, info } };
  } catch (e) {
    if (e instanceof ParseError || e instanceof RangeError) return failed(e.message);
    throw e;
  }
}

/** A base64url token at the start of `s` (upstream `base64urlP`), decoded. */
function base64UrlPrefix(s: string): { bytes: Uint8Array; length: number } | undefined {
  const length = /^[A-Za-z0-9_-]+=*/.exec(s)?.[0].length ?? 0;
  if (length === 0) return undefined;
  try {
    return { bytes: decodeBase64Url(s.slice(0, length)), length };
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
}

/** `auth <password>`: everything up to an `@`, every byte a valid BasicAuth byte (upstream `strP`). */
function parseAuth(rest: string): ParsedLine<BaseCommand> {
  const at = rest.indexOf('@');
  const text = at < 0 ? rest : rest.slice(0, at);
  if (text.length === 0) return failed('takeWhile1');
  // Lines are read as Latin-1, one character per byte, as upstream reads ByteStrings.
  const password = asciiBytes(text);
  if (!isValidBasicAuth(password)) return failed('invalid character in BasicAuth');
  if (at >= 0) return { ok: false, error: 'endOfInput' };
  return { ok: true, command: { type: 'auth', password } };
}
