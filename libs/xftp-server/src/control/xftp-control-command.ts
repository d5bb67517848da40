// The XFTP control port's commands (upstream `FileTransfer/Server/Control.hs: ControlProtocol`):
// `delete <fileId>` and `block <fileId> <info>` take a recipient ID in base64url (upstream looks the
// file up with `getFile fs SFRecipient`), `stats-rts` is accepted but GHC runtime statistics do not
// exist here. The shared words (auth, help, quit) are @simplex-relay/control-port's.
import {
  noArgs,
  parseEntityId,
  parseEntityIdAndBlockingInfo,
  unknownCommand,
} from '@simplex-relay/control-port';
import type { ControlRole, ParsedLine } from '@simplex-relay/control-port';
import type { BlockingInfo } from '@simplex-relay/protocol';

/** The XFTP words beyond the shared ones. */
export type XftpControlCommand =
  | { readonly type: 'delete'; readonly recipientId: Uint8Array }
  | { readonly type: 'block'; readonly recipientId: Uint8Array; readonly info: BlockingInfo }
  | { readonly type: 'stats-rts' };

/**
 * The role a command needs. Upstream checks none for `stats-rts` and `withUserRole` for both file
 * commands, so a user may delete a file here (the SMP port keeps `delete` for admins).
 */
export function xftpRequiredRole(c: XftpControlCommand): ControlRole {
  return c.type === 'stats-rts' ? 'none' : 'user';
}

/** Parses the XFTP words (the shared ones are parsed before). */
export function parseXftpCommand(
  word: string,
  rest: string | undefined,
): ParsedLine<XftpControlCommand> {
  switch (word) {
    case 'stats-rts':
      return noArgs(rest, { type: 'stats-rts' });
    case 'delete': {
      const p = parseEntityId(rest);
      return p.ok ? { ok: true, command: { type: 'delete', recipientId: p.command } } : p;
    }
    case 'block': {
      const p = parseEntityIdAndBlockingInfo(rest);
      if (!p.ok) return p;
      return {
        ok: true,
        command: { type: 'block', recipientId: p.command.id, info: p.command.info },
      };
    }
    default:
      return unknownCommand;
  }
}
