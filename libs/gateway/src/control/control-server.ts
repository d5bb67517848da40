// The operator control port (upstream `Server.hs: runCPServer, runCPClient, controlPortAuth`): plain
// text over TCP on 127.0.0.1, one command per line, one answer line each. A session starts without a
// role; `auth <password>` makes it admin or user once. Queue commands go over the bus to the store that
// owns the queue (operator-client.ts). Every command except auth, help and quit is audit-logged as
// upstream does, but by name and outcome only: never the queue ID, the password or the address.
import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { BusTransport, ShardRouter, Subjects } from '@simplex-relay/bus';
import type { GatewayLogger } from '../ports.ts';
import type { ShardMap } from '../shard-map.ts';
import { allows, parseControlLine, requiredRole } from './control-command.ts';
import type { ControlCommand, ControlRole } from './control-command.ts';
import {
  GREETING,
  HELP,
  UNAUTHORIZED,
  authReply,
  blockReply,
  deleteReply,
  statusReply,
  unblockReply,
} from './control-replies.ts';
import type { ControlOutcome } from './control-replies.ts';
import { OperatorClient } from './operator-client.ts';

/** The control port (INI `[TRANSPORT] control_port`, `[AUTH] control_port_*_password`). */
export interface ControlPortOptions {
  /** TCP port (upstream default 5224); 0 picks a free one. */
  readonly port: number;
  /** Bind address; default 127.0.0.1 (upstream binds only there since 6.0.4). */
  readonly host?: string;
  /** `control_port_admin_password`; without it no session becomes admin. */
  readonly adminPassword?: Uint8Array;
  /** `control_port_user_password`; without it no session becomes user. */
  readonly userPassword?: Uint8Array;
}

/** What the control server needs from its gateway. */
export interface ControlServerDeps {
  readonly options: ControlPortOptions;
  /** The gateway's bus ID: operator answers come on its operator-answer subject. */
  readonly requesterId: string;
  readonly transport: BusTransport;
  readonly subjects: Subjects;
  readonly router: ShardRouter;
  readonly shardMap: ShardMap;
  /** Wait for a store's answer (the gateway's answer timeout). */
  readonly timeoutMs: number;
  readonly logger: GatewayLogger;
}

/** A line longer than this ends the session (no command comes close). */
const MAX_LINE = 8192;

/** The control port listener and its sessions. */
export class ControlServer {
  readonly #d: ControlServerDeps;
  readonly #operator: OperatorClient;
  readonly #sessions = new Set<Socket>();
  readonly #admin: Buffer | undefined;
  readonly #user: Buffer | undefined;
  #server: net.Server | undefined;

  constructor(d: ControlServerDeps) {
    this.#d = d;
    this.#operator = new OperatorClient(d);
    this.#admin = d.options.adminPassword && digest(d.options.adminPassword);
    this.#user = d.options.userPassword && digest(d.options.userPassword);
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<AddressInfo> {
    if (this.#server) throw new TypeError('control port already listening');
    await this.#operator.start();
    const server = net.createServer((s) => this.#session(s));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#d.options.port, this.#d.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.#d.logger.error(`control port error: ${e.message}`));
    return server.address() as AddressInfo;
  }

  /** Stops listening and ends every session. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#operator.stop();
    for (const s of this.#sessions) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
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
    say(GREETING);
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while (open && (nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        chain = chain.then(async () => {
          if (!open) return;
          const parsed = parseControlLine(line);
          if (!parsed.ok) return say(`error: ${parsed.error}`);
          const cmd = parsed.command;
          if (cmd.type === 'quit') {
            open = false;
            socket.end();
            return;
          }
          if (cmd.type === 'auth') {
            const requested = this.#roleOf(cmd.password);
            say(authReply(role, requested));
            if (role === 'none') role = requested;
            return;
          }
          const reply = await this.#run(cmd, role);
          if (reply !== undefined) say(reply);
        });
      }
      if (buffered.length > MAX_LINE) {
        open = false;
        socket.destroy();
      }
    });
  }

  /** One command other than auth and quit; its answer line (none for an empty line). */
  async #run(
    cmd: Exclude<ControlCommand, { type: 'auth' | 'quit' }>,
    role: ControlRole,
  ): Promise<string | undefined> {
    if (cmd.type === 'skip') return undefined;
    if (cmd.type === 'help') return HELP;
    const name = cmd.type === 'unimplemented' ? cmd.name : cmd.type;
    if (!allows(role, requiredRole(cmd))) {
      this.#audit(name, role, 'refused: role');
      return UNAUTHORIZED;
    }
    if (cmd.type === 'unimplemented') {
      this.#audit(name, role, 'not implemented');
      return `${name} not implemented`;
    }
    const { outcome, reply } = await this.#queueCommand(cmd);
    const result = !outcome.ok
      ? outcome.error
      : cmd.type === 'status'
        ? 'ok'
        : `ok, status before: ${outcome.status.kind}`;
    this.#audit(name, role, result);
    return reply;
  }

  async #queueCommand(
    cmd: Extract<ControlCommand, { senderId: Uint8Array }>,
  ): Promise<{ outcome: ControlOutcome; reply: string }> {
    const queue = { senderId: cmd.senderId };
    switch (cmd.type) {
      case 'block': {
        const outcome = await this.#operator.run(queue, { type: 'block', info: cmd.info });
        return { outcome, reply: blockReply(outcome, cmd.info) };
      }
      case 'unblock': {
        const outcome = await this.#operator.run(queue, { type: 'unblock' });
        return { outcome, reply: unblockReply(outcome) };
      }
      case 'delete': {
        const outcome = await this.#operator.run(queue, { type: 'delete' });
        return { outcome, reply: deleteReply(outcome) };
      }
      case 'status': {
        const outcome = await this.#operator.run(queue, { type: 'status' });
        return { outcome, reply: statusReply(outcome) };
      }
    }
  }

  #audit(command: string, role: ControlRole, outcome: string): void {
    const line = `ControlPort: ${command} by ${role}: ${outcome}`;
    if (outcome.startsWith('refused')) this.#d.logger.warn(line);
    else this.#d.logger.log(line);
  }

  #roleOf(password: Uint8Array): ControlRole {
    const d = digest(password);
    // Both comparisons always run, in constant time, so timing tells nothing about either password.
    const admin = this.#admin !== undefined && timingSafeEqual(d, this.#admin);
    const user = this.#user !== undefined && timingSafeEqual(d, this.#user);
    return admin ? 'admin' : user ? 'user' : 'none';
  }
}

const digest = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();
