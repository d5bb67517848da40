// A test SMP client over the store's bus contract: each TestConn plays one client connection held
// by a gateway; it signs commands with real keys (Ed25519, Ed448 or an X25519 authenticator),
// builds CommandOps exactly as a gateway would and decodes answers and events with the protocol
// library. Gateways are either direct (calling QueueService.handleRequest) or real bus peers.
import { randomBytes } from 'node:crypto';
import {
  authorizedBytes,
  cbAuthenticate,
  cbDecrypt,
  cbNonce,
  decodeBrokerMsg,
  decodeRcvMsgBody,
  dhSecret,
  encodeCommand,
  generateKeyPair,
  sign,
} from '@simplex-relay/protocol';
import type {
  BrokerMsg,
  Command,
  CryptoProvider,
  KeyPair,
  PrivateKey,
  PublicKey,
  RcvMsgBody,
} from '@simplex-relay/protocol';
import type { CommandOp, ConnRef, OpResult, StoreOp } from '@simplex-relay/bus';
import type { EventSink } from '../../src/index.ts';

export const rnd = (n = 24): Uint8Array => new Uint8Array(randomBytes(n));
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A received transmission. */
export interface Rx {
  readonly entityId: Uint8Array;
  readonly msg: BrokerMsg;
}

/** Events per connection of one gateway, with waiting. */
export class Mailbox {
  readonly #boxes = new Map<number, Rx[]>();
  readonly #waiters = new Map<number, () => void>();

  push(connId: number, rx: Rx): void {
    let b = this.#boxes.get(connId);
    if (!b) this.#boxes.set(connId, (b = []));
    b.push(rx);
    this.#waiters.get(connId)?.();
  }

  /** Everything received so far (removed). */
  take(connId: number): Rx[] {
    const b = this.#boxes.get(connId) ?? [];
    this.#boxes.delete(connId);
    return b;
  }

  /** The next event, waiting up to `ms`. */
  async next(connId: number, ms = 2000): Promise<Rx> {
    const deadline = Date.now() + ms;
    for (;;) {
      const b = this.#boxes.get(connId);
      if (b && b.length > 0) return b.shift()!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no event arrived');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.#waiters.set(connId, () => {
          clearTimeout(t);
          resolve();
        });
      });
      this.#waiters.delete(connId);
    }
  }
}

/** How a test gateway reaches the store. */
export interface GatewayLink {
  readonly gatewayId: string;
  readonly mailbox: Mailbox;
  /** Version of each connection, to decode its events. */
  readonly versions: Map<number, number>;
  request(ops: StoreOp[]): Promise<OpResult[]>;
}

/** Routes the service's events straight into direct gateways' mailboxes. */
export class RoutingSink implements EventSink {
  readonly gateways = new Map<string, GatewayLink>();
  emit(conn: ConnRef, entityId: Uint8Array, msg: Uint8Array): void {
    const g = this.gateways.get(conn.gatewayId);
    if (!g) return;
    const v = g.versions.get(conn.connId) ?? 18;
    g.mailbox.push(conn.connId, { entityId, msg: decodeBrokerMsg(v, msg) });
  }
}

/** A gateway that calls the service in-process. */
export class DirectGateway implements GatewayLink {
  readonly mailbox = new Mailbox();
  readonly versions = new Map<number, number>();
  #batch = 0;
  constructor(
    readonly gatewayId: string,
    private readonly service: {
      handleRequest(r: {
        gatewayId: string;
        batchId: number;
        ops: readonly StoreOp[];
      }): Promise<OpResult[]>;
    },
    sink: RoutingSink,
  ) {
    sink.gateways.set(gatewayId, this);
  }
  request(ops: StoreOp[]): Promise<OpResult[]> {
    return this.service.handleRequest({ gatewayId: this.gatewayId, batchId: ++this.#batch, ops });
  }
}

let nextConnId = 1;

/** The answer to one command: the response, and event items of the same result (MSG after SOK). */
export interface Answer {
  readonly entityId: Uint8Array;
  readonly msg: BrokerMsg;
  readonly events: Rx[];
  readonly redirect?: number;
}

/** Options of one command. */
export interface SendOpts {
  readonly key?: PrivateKey;
  readonly entityId?: Uint8Array;
  readonly corrId?: Uint8Array;
  readonly newSenderId?: Uint8Array;
  /** Replace the authorization (e.g. a wrong signature). */
  readonly auth?: Uint8Array;
}

/** One client connection. */
export class TestConn {
  readonly connId = nextConnId++;
  readonly sessionId = rnd(32);
  /** The per-connection server X25519 key pair of the handshake (§4.2). */
  readonly serverKey: KeyPair;

  constructor(
    readonly crypto: CryptoProvider,
    readonly gw: GatewayLink,
    readonly v = 18,
  ) {
    this.serverKey = generateKeyPair(crypto, 'x25519');
    gw.versions.set(this.connId, v);
  }

  /** Builds the op a gateway would send for `cmd`. */
  op(cmd: Command, o: SendOpts = {}): CommandOp {
    const corrId = o.corrId ?? rnd(24);
    const entityId = o.entityId ?? new Uint8Array(0);
    const command = encodeCommand(this.v, cmd);
    const authorized = authorizedBytes(this.sessionId, corrId, entityId, command);
    let auth: Uint8Array = new Uint8Array(0);
    let sessionKey: Uint8Array | undefined;
    if (o.key?.alg === 'x25519') {
      auth = cbAuthenticate(this.crypto, this.serverKey.pub, o.key, cbNonce(corrId), authorized);
      sessionKey = this.serverKey.priv.raw;
    } else if (o.key) auth = sign(this.crypto, o.key, authorized);
    if (o.auth) auth = o.auth;
    return {
      type: 'command',
      connId: this.connId,
      smpVersion: this.v,
      sessionId: this.sessionId,
      corrId,
      entityId,
      auth,
      command,
      ...(sessionKey && { sessionKey }),
      ...(cmd.tag === 'NEW' && { newSenderId: o.newSenderId ?? rnd(24) }),
    };
  }

  /** Sends one command and decodes its answer. */
  async send(cmd: Command, o: SendOpts = {}): Promise<Answer> {
    const op = this.op(cmd, o);
    const [r] = await this.gw.request([op]);
    return this.decode(op, r!);
  }

  /** Decodes one op result. */
  decode(op: CommandOp, r: OpResult): Answer {
    if (r.type === 'redirect')
      return { entityId: op.entityId, msg: { tag: 'OK' }, events: [], redirect: r.vshard };
    const [first, ...rest] = r.items;
    if (!first?.useCorrId) throw new Error('first item must be the response');
    if (rest.some((t) => t.useCorrId)) throw new Error('only one response per command');
    const dec = (m: Uint8Array) => decodeBrokerMsg(this.v, m);
    return {
      entityId: first.entityId,
      msg: dec(first.msg),
      events: rest.map((t) => ({ entityId: t.entityId, msg: dec(t.msg) })),
    };
  }

  /** Events received so far. */
  events(): Rx[] {
    return this.gw.mailbox.take(this.connId);
  }

  nextEvent(ms?: number): Promise<Rx> {
    return this.gw.mailbox.next(this.connId, ms);
  }
}

/** A created queue with the recipient's keys. */
export interface Queue {
  readonly rId: Uint8Array;
  readonly sId: Uint8Array;
  readonly rKey: KeyPair;
  readonly dh: Uint8Array;
  readonly nId?: Uint8Array;
  readonly ntfDh?: Uint8Array;
}

/** Decrypts a MSG for `q`. */
export function decryptMsg(crypto: CryptoProvider, q: Queue, msg: BrokerMsg): RcvMsgBody {
  if (msg.tag !== 'MSG') throw new Error(`expected MSG, got ${msg.tag}`);
  return decodeRcvMsgBody(cbDecrypt(crypto, q.dh, cbNonce(msg.msgId), msg.encBody));
}

/** The text of a MSG for `q` ("QUOTA" for the marker). */
export function msgText(crypto: CryptoProvider, q: Queue, msg: BrokerMsg): string {
  const b = decryptMsg(crypto, q, msg);
  return b.type === 'quota' ? 'QUOTA' : new TextDecoder().decode(b.body);
}

/** Creates a queue with NEW (messaging mode at v ≥ 9 unless told otherwise). */
export async function createQueue(
  c: TestConn,
  o: {
    alg?: 'ed25519' | 'ed448' | 'x25519';
    subscribe?: boolean;
    mode?: 'messaging' | 'contact' | 'none';
    ntf?: { key: PublicKey; dh: PublicKey };
  } = {},
): Promise<Queue> {
  const rKey = generateKeyPair(c.crypto, o.alg ?? 'ed25519');
  const dhKey = generateKeyPair(c.crypto, 'x25519');
  const mode = o.mode ?? 'messaging';
  const a = await c.send(
    {
      tag: 'NEW',
      req: {
        rcvAuthKey: rKey.pub,
        rcvDhKey: dhKey.pub,
        subMode: o.subscribe === false ? 'onlyCreate' : 'subscribe',
        ...(mode !== 'none' && { queueReqData: { mode } }),
        ...(o.ntf && { ntfCreds: { notifierKey: o.ntf.key, rcvNtfDhKey: o.ntf.dh } }),
      },
    },
    { key: rKey.priv },
  );
  if (a.msg.tag !== 'IDS') throw new Error(`NEW failed: ${JSON.stringify(a.msg)}`);
  const ids = a.msg.ids;
  return {
    rId: ids.rcvId,
    sId: ids.sndId,
    rKey,
    dh: dhSecret(c.crypto, ids.rcvPublicDhKey, dhKey.priv),
    ...(ids.serverNtfCreds && { nId: ids.serverNtfCreds.notifierId }),
  };
}

/** `SEND` command. */
export const send = (text: string | Uint8Array, notification = false): Command => ({
  tag: 'SEND',
  flags: { notification },
  body: typeof text === 'string' ? new TextEncoder().encode(text) : text,
});

export const tagOf = (a: { msg: BrokerMsg }): string =>
  a.msg.tag === 'ERR' ? `ERR ${errText(a.msg)}` : a.msg.tag;

function errText(m: BrokerMsg): string {
  if (m.tag !== 'ERR') return '';
  const e = m.error;
  if (e.type === 'CMD') return `CMD ${e.cmd}`;
  return e.type;
}

export { hexOf };
