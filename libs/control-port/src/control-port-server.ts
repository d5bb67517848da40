// The operator control port (upstream `Server.hs: runCPServer, runCPClient`, and the XFTP server's
// copy of them): plain text over TCP on 127.0.0.1 (upstream `runLocalTCPServer`), one command per
// line, one answer line each. A session starts without a role; `auth <password>` sets it once. The
// server's own commands come from a `ControlCommands`. Every command except auth, help, quit and the
// empty line is audit-logged as upstream does, but by name, role and outcome only: upstream logs the
// whole line, which would put a queue or file ID in the log; this never logs an ID, a password or
// the peer's address.
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { classifyLine } from './line.ts';
import type { CommandParser } from './line.ts';
import { RolePasswords, UNAUTHORIZED, allows, authReply } from './roles.ts';
import type { ControlRole } from './roles.ts';

/** The control port (INI `[TRANSPORT] control_port`, `[AUTH] control_port_*_password`). */
export interface ControlPortOptions {
  /** TCP port (upstream default 5224 for SMP, 5226 for XFTP); 0 picks a free one. */
  readonly port: number;
  /** Bind address; default 127.0.0.1 (upstream binds only there since 6.0.4). */
  readonly host?: string;
  /** `control_port_admin_password`; without it no session becomes admin. */
  readonly adminPassword?: Uint8Array;
  /** `control_port_user_password`; without it no session becomes user. */
  readonly userPassword?: Uint8Array;
}

/** Where audit and error lines go (plain messages, no fields). */
export interface ControlLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A command's answer line and the outcome written to the audit log (no IDs in it). */
export interface ControlAnswer {
  readonly reply: string;
  readonly outcome: string;
}

/** One server's commands beyond auth, help and quit. */
export interface ControlCommands<C> {
  /** The lines sent on connect (upstream: "<server> control port\n'help' for supported commands"). */
  readonly greeting: string;
  /** The answer to `help`. */
  readonly help: string;
  readonly parse: CommandParser<C>;
  /** The command's name in the audit log and the role it needs. */
  describe(command: C): { readonly name: string; readonly role: ControlRole };
  /** Runs a command the session's role allows. A rejection answers `error: INTERNAL`. */
  run(command: C, role: ControlRole): Promise<ControlAnswer>;
}

/** A line longer than this ends the session (no command comes close). */
const MAX_LINE = 8192;

/** The control port listener and its sessions. */
export class ControlPortServer<C> {
  readonly #options: ControlPortOptions;
  readonly #commands: ControlCommands<C>;
  readonly #logger: ControlLogger;
  readonly #passwords: RolePasswords;
  readonly #sessions = new Set<Socket>();
  #server: net.Server | undefined;

  constructor(options: ControlPortOptions, commands: ControlCommands<C>, logger: ControlLogger) {
    this.#options = options;
    this.#commands = commands;
    this.#logger = logger;
    this.#passwords = new RolePasswords(options.adminPassword, options.userPassword);
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<AddressInfo> {
    if (this.#server) throw new TypeError('control port already listening');
    const server = net.createServer((s) => this.#session(s));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, this.#options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.#logger.error(`control port error: ${e.message}`));
    return server.address() as AddressInfo;
  }

  /** Stops listening and ends every session. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sessions) s.destroy();
    if (server?.listening) await new Promise<void>((r) => server.close(() => r()));
  }

  #session(socket: Socket): void {
    this.#sessions.add(socket);
    socket.once('close', () => this.#sessions.delete(socket));
    socket.on('error', () => undefined);
    socket.setEncoding('latin1');
    let role: ControlRole = 'none';
    let buffered = '';
    let chain = Promise.resolve();
    let open = true;
    const say = (line: string): void => {
      if (open && !socket.destroyed) socket.write(`${line}\n`, 'latin1');
    };
    say(this.#commands.greeting);
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while (open && (nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        // One line at a time, in order, as upstream's loop reads the next line after answering.
        chain = chain.then(async () => {
          if (!open) return;
          const parsed = classifyLine(line, this.#commands.parse);
          if (!parsed.ok) return say(`error: ${parsed.error}`);
          const cmd = parsed.command;
          if (cmd.shared === undefined) return say(await this.#run(cmd.own, role));
          const shared = cmd.shared;
          switch (shared.type) {
            case 'quit':
              open = false;
              socket.end();
              return;
            case 'auth': {
              const requested = this.#passwords.roleOf(shared.password);
              say(authReply(role, requested));
              if (role === 'none') role = requested;
              return;
            }
            case 'help':
              return say(this.#commands.help);
            case 'skip':
              return;
          }
        });
      }
      if (buffered.length > MAX_LINE) {
        open = false;
        socket.destroy();
      }
    });
  }

  /** One of the server's own commands; its answer line. */
  async #run(cmd: C, role: ControlRole): Promise<string> {
    const { name, role: needed } = this.#commands.describe(cmd);
    if (!allows(role, needed)) {
      this.#audit(name, role, 'refused: role');
      return UNAUTHORIZED;
    }
    try {
      const { reply, outcome } = await this.#commands.run(cmd, role);
      this.#audit(name, role, outcome);
      return reply;
    } catch (e) {
      this.#logger.error(`ControlPort: ${name} by ${role} failed: ${(e as Error).name}`);
      return 'error: INTERNAL';
    }
  }

  #audit(command: string, role: ControlRole, outcome: string): void {
    const line = `ControlPort: ${command} by ${role}: ${outcome}`;
    if (outcome.startsWith('refused')) this.#logger.warn(line);
    else this.#logger.log(line);
  }
}
