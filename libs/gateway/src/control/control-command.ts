// The SMP control port's commands (upstream `Server/Control.hs: ControlProtocol`, its `strP`): one
// command per line, the first word names it, arguments in upstream's text encodings — sender IDs in
// base64url, `BlockingInfo` as `reason=spam|content[,notice={json}]`. The words every control port
// shares (auth, help, quit) and the argument encodings are @simplex-relay/control-port's; this adds
// the SMP words and which role each needs (`Server.hs: runCPClient`).
import {
  noArgs,
  parseEntityId,
  parseEntityIdAndBlockingInfo,
  parseLine,
  unknownCommand,
} from '@simplex-relay/control-port';
import type { BaseCommand, ControlRole, ParsedLine as Parsed } from '@simplex-relay/control-port';
import type { BlockingInfo } from '@simplex-relay/protocol';

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

/** The SMP words beyond the shared ones. */
export type SmpControlCommand =
  | { readonly type: 'block'; readonly senderId: Uint8Array; readonly info: BlockingInfo }
  | { readonly type: 'unblock'; readonly senderId: Uint8Array }
  | { readonly type: 'delete'; readonly senderId: Uint8Array }
  | { readonly type: 'status'; readonly senderId: Uint8Array }
  | { readonly type: 'unimplemented'; readonly name: UnimplementedName };

/** One parsed line (upstream `ControlProtocol`). */
export type ControlCommand = BaseCommand | SmpControlCommand;

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

/** The result of parsing a line: a command, or the error text upstream would print after `error: `. */
export type ParsedLine = Parsed<ControlCommand>;

/**
 * Parses one line (without its line ending). Like upstream `strDecode`, the whole line must be
 * consumed: a command without arguments followed by anything is an error.
 */
export function parseControlLine(line: string): ParsedLine {
  return parseLine(line, parseSmpCommand);
}

/** The SMP words (the shared ones are parsed before). */
export function parseSmpCommand(word: string, rest: string | undefined): Parsed<SmpControlCommand> {
  switch (word) {
    case 'block': {
      const p = parseEntityIdAndBlockingInfo(rest);
      if (!p.ok) return p;
      return { ok: true, command: { type: 'block', senderId: p.command.id, info: p.command.info } };
    }
    case 'unblock':
    case 'delete':
    case 'status': {
      const p = parseEntityId(rest);
      return p.ok ? { ok: true, command: { type: word, senderId: p.command } } : p;
    }
    default:
      if (Object.hasOwn(UNIMPLEMENTED, word))
        return noArgs(rest, { type: 'unimplemented', name: word as UnimplementedName });
      return unknownCommand;
  }
}
