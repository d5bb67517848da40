// The XFTP control port (upstream `FileTransfer/Server.hs: runCPServer`): the shared control port
// (@simplex-relay/control-port: TCP on 127.0.0.1, auth and roles, help and quit, audit lines by
// command name and outcome, never the file ID) with the XFTP commands, which run the server's
// operator methods. Answers are upstream's: `ok`, or `error: AUTH` for an unknown recipient ID.
import type { AddressInfo } from 'node:net';
import { ControlPortServer } from '@simplex-relay/control-port';
import type {
  ControlAnswer,
  ControlCommands,
  ControlPortOptions,
} from '@simplex-relay/control-port';
import type { BlockingInfo } from '@simplex-relay/protocol';
import type { Logger } from '../ports.ts';
import { parseXftpCommand, xftpRequiredRole } from './xftp-control-command.ts';
import type { XftpControlCommand } from './xftp-control-command.ts';

/** The first lines a session gets (upstream prints them on connect). */
export const XFTP_GREETING = "XFTP server control port\n'help' for supported commands";

/**
 * The `help` line: the commands this server implements. Upstream's reads "commands: stats-rts,
 * delete, help, quit" (it leaves out `block`, and `stats-rts` prints GHC runtime statistics).
 */
export const XFTP_HELP = 'commands: delete, block, help, quit';

/** What the control port runs: `XftpServer.deleteFile` / `blockFile` (true = done, false = unknown). */
export interface XftpFileOperator {
  deleteFile(recipientId: Uint8Array): Promise<boolean>;
  blockFile(recipientId: Uint8Array, info: BlockingInfo): Promise<boolean>;
}

/** The XFTP control port listener and its sessions. */
export class XftpControlServer {
  readonly #server: ControlPortServer<XftpControlCommand>;

  constructor(options: ControlPortOptions, files: XftpFileOperator, log: Logger) {
    const commands: ControlCommands<XftpControlCommand> = {
      greeting: XFTP_GREETING,
      help: XFTP_HELP,
      parse: parseXftpCommand,
      describe: (c) => ({ name: c.type, role: xftpRequiredRole(c) }),
      run: (c) => run(files, c),
    };
    this.#server = new ControlPortServer(options, commands, {
      log: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    });
  }

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<AddressInfo> {
    return this.#server.listen();
  }

  /** Stops listening and ends every session. */
  close(): Promise<void> {
    return this.#server.close();
  }
}

/** One command the session's role allows (upstream `processCP`). */
async function run(files: XftpFileOperator, cmd: XftpControlCommand): Promise<ControlAnswer> {
  switch (cmd.type) {
    case 'stats-rts':
      return { reply: 'stats-rts not implemented', outcome: 'not implemented' };
    case 'delete':
      return answer(await files.deleteFile(cmd.recipientId));
    case 'block':
      return answer(await files.blockFile(cmd.recipientId, cmd.info));
  }
}

/** Upstream prints `ok`, or `error: ` and the `XFTPErrorType`: AUTH when no file has that ID. */
function answer(done: boolean): ControlAnswer {
  return done ? { reply: 'ok', outcome: 'ok' } : { reply: 'error: AUTH', outcome: 'AUTH' };
}
