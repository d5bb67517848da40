// The control port's text protocol (upstream `Server/Control.hs: ControlProtocol`, its `strP`): one
// command per line, the first word names it, arguments in upstream's text encodings — sender IDs in
// base64url, `BlockingInfo` as `reason=spam|content[,notice={json}]`, the password as a BasicAuth.
// Also the roles (`CPClientRole`) and which role each command needs (`Server.hs: runCPClient`).
import {
  ParseError,
  asciiBytes,
  decodeBase64Url,
  decodeBlockingInfo,
  isValidBasicAuth,
} from '@simplex-relay/protocol';
import type { BlockingInfo } from '@simplex-relay/protocol';

/** A session's role (upstream `CPClientRole`: CPRNone, CPRUser, CPRAdmin). */
export type ControlRole = 'none' | 'user' | 'admin';

/** Upstream command words this server accepts but does not implement (their role is still checked). */
export const UNIMPLEMENTED = {
  suspend: 'admin',
  resume: 'admin',
  clients: 'admin',
  stats: 'user',
  'stats-rts': 'none',
  threads: 'admin',
  sockets: 'user',
  'socket-threads': 'admin',
  'server-info': 'user',
  save: 'admin',
} as const satisfies Record<string, ControlRole>;

type UnimplementedName = keyof typeof UNIMPLEMENTED;

/** One parsed line (upstream `ControlProtocol`). */
export type ControlCommand =
  | { readonly type: 'auth'; readonly password: Uint8Array }
  | { readonly type: 'block'; readonly senderId: Uint8Array; readonly info: BlockingInfo }
  | { readonly type: 'unblock'; readonly senderId: Uint8Array }
  | { readonly type: 'delete'; readonly senderId: Uint8Array }
  | { readonly type: 'status'; readonly senderId: Uint8Array }
  | { readonly type: 'help' }
  | { readonly type: 'quit' }
  /** An empty line (upstream `CPSkip`): no answer. */
  | { readonly type: 'skip' }
  | { readonly type: 'unimplemented'; readonly name: UnimplementedName };

/** The role a command needs (upstream `withUserRole` / `withAdminRole`; none for the rest). */
export function requiredRole(c: ControlCommand): ControlRole {
  switch (c.type) {
    case 'delete':
      return 'admin';
    case 'block':
    case 'unblock':
    case 'status':
      return 'user';
    case 'unimplemented':
      return UNIMPLEMENTED[c.name];
    default:
      return 'none';
  }
}

/** True if `role` may run a command that needs `needed`. */
export function allows(role: ControlRole, needed: ControlRole): boolean {
  return needed === 'none' || role === 'admin' || (needed === 'user' && role === 'user');
}

/** The result of parsing a line: a command, or the error text upstream would print after `error: `. */
export type ParsedLine =
  | { readonly ok: true; readonly command: ControlCommand }
  | { readonly ok: false; readonly error: string };

const failed = (what: string): ParsedLine => ({ ok: false, error: `Failed reading: ${what}` });

/**
 * Parses one line (without its line ending). Like upstream `strDecode`, the whole line must be
 * consumed: a command without arguments followed by anything is an error.
 */
export function parseControlLine(line: string): ParsedLine {
  const sp = line.indexOf(' ');
  const word = sp < 0 ? line : line.slice(0, sp);
  const rest = sp < 0 ? undefined : line.slice(sp + 1);
  const noArgs = (command: ControlCommand): ParsedLine =>
    rest === undefined ? { ok: true, command } : { ok: false, error: 'endOfInput' };
  switch (word) {
    case '':
      return noArgs({ type: 'skip' });
    case 'help':
      return noArgs({ type: 'help' });
    case 'quit':
      return noArgs({ type: 'quit' });
    case 'auth':
      return rest === undefined ? failed('not enough input') : parseAuth(rest);
    case 'block': {
      const id = rest === undefined ? undefined : senderIdPrefix(rest);
      if (id === undefined || rest === undefined) return failed('base64url');
      if (rest[id.length] !== ' ') return failed("expected ' '");
      try {
        const info = decodeBlockingInfo(asciiBytes(rest.slice(id.length + 1)));
        return { ok: true, command: { type: 'block', senderId: id.bytes, info } };
      } catch (e) {
        if (e instanceof ParseError || e instanceof RangeError) return failed(e.message);
        throw e;
      }
    }
    case 'unblock':
    case 'delete':
    case 'status': {
      const id = rest === undefined ? undefined : senderIdPrefix(rest);
      if (id === undefined || rest === undefined) return failed('base64url');
      if (id.length !== rest.length) return { ok: false, error: 'endOfInput' };
      return { ok: true, command: { type: word, senderId: id.bytes } };
    }
    default:
      if (Object.hasOwn(UNIMPLEMENTED, word))
        return noArgs({ type: 'unimplemented', name: word as UnimplementedName });
      return failed('bad ControlProtocol command');
  }
}

/** A base64url token at the start of `s` (upstream `base64urlP`), decoded. */
function senderIdPrefix(s: string): { bytes: Uint8Array; length: number } | undefined {
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
function parseAuth(rest: string): ParsedLine {
  const at = rest.indexOf('@');
  const text = at < 0 ? rest : rest.slice(0, at);
  if (text.length === 0) return failed('takeWhile1');
  // Lines are read as Latin-1, one character per byte, as upstream reads ByteStrings.
  const password = asciiBytes(text);
  if (!isValidBasicAuth(password)) return failed('invalid character in BasicAuth');
  if (at >= 0) return { ok: false, error: 'endOfInput' };
  return { ok: true, command: { type: 'auth', password } };
}
