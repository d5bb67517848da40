// The SMP control port (upstream `Server.hs: runCPServer, runCPClient`): the shared control port
// (@simplex-relay/control-port: TCP on 127.0.0.1, auth and roles, help and quit, audit lines by
// command name and outcome, never the queue ID) with the SMP commands. Queue commands go over the
// bus to the store that owns the queue (operator-client.ts).
import type { AddressInfo } from 'node:net';
import { ControlPortServer } from '@simplex-relay/control-port';
import type {
  ControlAnswer,
  ControlCommands,
  ControlPortOptions,
} from '@simplex-relay/control-port';
import type { BusTransport, ShardRouter, Subjects } from '@simplex-relay/bus';
import type { GatewayLogger } from '../ports.ts';
import type { ShardMap } from '../shard-map.ts';
import { parseSmpCommand, requiredRole } from './control-command.ts';
import type { SmpControlCommand } from './control-command.ts';
import {
  GREETING,
  HELP,
  blockReply,
  deleteReply,
  statusReply,
  unblockReply,
} from './control-replies.ts';
import type { ControlOutcome } from './control-replies.ts';
import { OperatorClient } from './operator-client.ts';

export type { ControlPortOptions };

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

/** The SMP control port listener and its sessions. */
export class ControlServer {
  readonly #operator: OperatorClient;
  readonly #server: ControlPortServer<SmpControlCommand>;
  #listening = false;

  constructor(d: ControlServerDeps) {
    this.#operator = new OperatorClient(d);
    const commands: ControlCommands<SmpControlCommand> = {
      greeting: GREETING,
      help: HELP,
      parse: parseSmpCommand,
      describe: (c) => ({
        name: c.type === 'unimplemented' ? c.name : c.type,
        role: requiredRole(c),
      }),
      run: (c) => this.#run(c),
    };
    this.#server = new ControlPortServer(d.options, commands, d.logger);
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<AddressInfo> {
    if (this.#listening) throw new TypeError('control port already listening');
    this.#listening = true;
    await this.#operator.start();
    return this.#server.listen();
  }

  /** Stops listening and ends every session. */
  async close(): Promise<void> {
    this.#listening = false;
    this.#operator.stop();
    await this.#server.close();
  }

  /** One SMP command the session's role allows. */
  async #run(cmd: SmpControlCommand): Promise<ControlAnswer> {
    if (cmd.type === 'unimplemented')
      return { reply: `${cmd.name} not implemented`, outcome: 'not implemented' };
    const { outcome, reply } = await this.#queueCommand(cmd);
    const result = !outcome.ok
      ? outcome.error
      : cmd.type === 'status'
        ? 'ok'
        : `ok, status before: ${outcome.status.kind}`;
    return { reply, outcome: result };
  }

  async #queueCommand(
    cmd: Exclude<SmpControlCommand, { type: 'unimplemented' }>,
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
}
