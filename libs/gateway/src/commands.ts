// What the gateway decides per command without a store (spec smp.md §7.5, §7.10, §7.11.3–4, §6.5),
// and where every other command goes (§6.4 parties, docs/architecture.md "Shards"). Mirrors the parts
// of upstream `Server.hs: verifyQueueTransmission` (service checks) and `processCommand` (PING,
// processProxiedCmd, processForwardedCommand) that need no queue.
import { randomBytes } from 'node:crypto';
import { SERVER_ID_LENGTH } from '@simplex-relay/bus';
import type { ShardRouter } from '@simplex-relay/bus';
import type { BrokerMsg, CheckedTransmission, Command, ErrorType } from '@simplex-relay/protocol';

/** A locally produced answer: the message and the entity ID it carries. */
export interface LocalAnswer {
  readonly msg: BrokerMsg;
  readonly entityId: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const err = (error: ErrorType, entityId: Uint8Array): LocalAnswer => ({
  msg: { tag: 'ERR', error },
  entityId,
});

/**
 * The answer the gateway gives itself, or undefined when the command goes to a store. `RFWD` never
 * gets here: the connection hands it to forwarded.ts (`receiveForwarded`).
 */
export function localAnswer(t: CheckedTransmission<Command>): LocalAnswer | undefined {
  const cmd = t.command;
  // No session is a service session: this server never requests TLS client certificates (§3.5,
  // §9.3), so a service signature is never valid (`verifyServiceSig`: `(Nothing, Just _)` → SERVICE)
  // and SUBS/NSUBS fail `verifyServiceCmd` with SERVICE (spec Corrections, §7.1 table).
  if (t.serviceSig !== undefined || cmd.tag === 'SUBS' || cmd.tag === 'NSUBS')
    return err({ type: 'SERVICE' }, t.entityId);
  switch (cmd.tag) {
    case 'PING':
      return { msg: { tag: 'PONG' }, entityId: EMPTY };
    case 'PRXY':
      // `allowProxy = allowSMPProxy && …`: with proxying off every PRXY is refused, password or not.
      return err({ type: 'PROXY', proxy: { type: 'BASIC_AUTH' } }, t.entityId);
    case 'PFWD':
      // No relay sessions exist without the proxy role: `lookupSMPServerClient` finds none.
      return err({ type: 'PROXY', proxy: { type: 'NO_SESSION' } }, t.entityId);
    case 'RFWD':
      // Not reached (see above); never let it fall through to a store.
      return err({ type: 'INTERNAL' }, EMPTY);
    default:
      return undefined;
  }
}

/** Where a store-bound command goes. */
export interface CommandRoute {
  readonly vshard: number;
  /** NEW without a client-chosen sender ID: the sender ID drawn here (its vshard routed the op). */
  readonly newSenderId?: Uint8Array;
}

/**
 * The vshard of a store-bound command by its party (§6.4): recipient and notifier IDs are server
 * IDs with the vshard inside; sender and link IDs (possibly client-chosen) are hashed; NEW goes
 * where its sender ID lives. Link commands may be redirected by the store (link ID ≠ sender ID).
 */
export function routeCommand(
  router: ShardRouter,
  cmd: Command,
  entityId: Uint8Array,
): CommandRoute {
  switch (cmd.tag) {
    case 'NEW': {
      const chosen = cmd.req.queueReqData?.link?.senderId;
      if (chosen !== undefined) return { vshard: router.ofClientId(chosen) };
      const newSenderId = new Uint8Array(randomBytes(SERVER_ID_LENGTH));
      return { vshard: router.ofClientId(newSenderId), newSenderId };
    }
    case 'SEND':
    case 'SKEY':
    case 'LKEY':
    case 'LGET':
      return { vshard: router.ofClientId(entityId) };
    default:
      // Recipient commands and NSUB.
      return { vshard: router.ofServerId(entityId) };
  }
}

/** The wire tag of an encoded broker message (bytes up to the first space). */
export function msgTag(msg: Uint8Array): string {
  let end = msg.indexOf(0x20);
  if (end < 0) end = msg.length;
  if (end > 8) return '';
  return String.fromCharCode(...msg.subarray(0, end));
}

/** The error code of an encoded `ERR …` for metrics: `AUTH`, `CMD SYNTAX`, `PROXY BROKER`, … */
export function errCode(msg: Uint8Array): string {
  const words = String.fromCharCode(...msg.subarray(4, Math.min(msg.length, 40))).split(' ');
  const first = words[0] ?? '';
  if ((first === 'CMD' || first === 'PROXY') && words[1])
    return `${first} ${words[1].replace(/[^A-Z_]/g, '')}`;
  return first.replace(/[^A-Z_]/g, '');
}

/** The recipient ID of an encoded `IDS` (`"IDS " || sb(rcvId) || …`), if it has that shape. */
export function idsRecipientId(msg: Uint8Array): Uint8Array | undefined {
  const n = msg[4];
  if (msgTag(msg) !== 'IDS' || n === undefined || msg.length < 5 + n) return undefined;
  return msg.slice(5, 5 + n);
}
