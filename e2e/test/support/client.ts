// Client-side helpers of the end-to-end suites: SmpClient connections that record their events,
// queue creation with fresh keys, and message decryption. Every wait has a deadline.
import assert from 'node:assert/strict';
import { nodeProvider } from '@simplex-relay/node-crypto';
import { generateKeyPair } from '@simplex-relay/protocol';
import type {
  BrokerMsg,
  EntityId,
  KeyPair,
  RcvMsgBody,
  VersionRange,
} from '@simplex-relay/protocol';
import { SmpClient, SmpError, decryptRcvMessage } from '@simplex-relay/smp-client';
import type { CreatedQueue, ReceivedMessage, SmpEvent } from '@simplex-relay/smp-client';

export const provider = nodeProvider;
export const te = (s: string): Uint8Array => new TextEncoder().encode(s);
export const td = (b: Uint8Array): string => new TextDecoder().decode(b);
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const V8: VersionRange = { min: 8, max: 8 };

/** How long a test waits for anything the servers should do at once. */
export const WAIT_MS = 10_000;

/** Resolves when `pred` holds, polling; rejects after `ms`. */
export async function waitFor(pred: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A server event as the client decoded it. */
export type ServerEvent = Extract<SmpEvent, { type: 'message' }>;

/** An SmpClient that files every server-initiated transmission (MSG, END, NMSG, …) in `events`. */
export class Conn {
  readonly events: ServerEvent[] = [];
  /** Anything else: undecodable transmissions, block errors. */
  readonly problems: SmpEvent[] = [];
  #client: SmpClient | undefined;

  get client(): SmpClient {
    if (this.#client === undefined) throw new Error('not connected');
    return this.#client;
  }

  static async open(address: string, vRange?: VersionRange): Promise<Conn> {
    const c = new Conn();
    c.#client = await SmpClient.connect(address, {
      provider,
      commandTimeoutMs: 20_000,
      connectTimeoutMs: 20_000,
      ...(vRange !== undefined && { clientVRange: vRange }),
      onEvent: (e) => (e.type === 'message' ? c.events.push(e) : c.problems.push(e)),
    });
    return c;
  }

  get version(): number {
    return this.client.params.version;
  }

  /** Removes and returns the first event with `tag` for `entityId`, waiting up to `ms`. */
  async take<T extends BrokerMsg['tag']>(
    tag: T,
    entityId: EntityId,
    ms = WAIT_MS,
  ): Promise<Extract<BrokerMsg, { tag: T }>> {
    let found: Extract<BrokerMsg, { tag: T }> | undefined;
    await waitFor(
      () => {
        const i = this.events.findIndex(
          (e) => e.msg.tag === tag && hex(e.entityId) === hex(entityId),
        );
        if (i < 0) return false;
        found = (this.events.splice(i, 1)[0] as ServerEvent).msg as Extract<BrokerMsg, { tag: T }>;
        return true;
      },
      `${tag} event`,
      ms,
    );
    return found as Extract<BrokerMsg, { tag: T }>;
  }

  /** Events with `tag` for `entityId` received so far (not removed). */
  pending(tag: BrokerMsg['tag'], entityId: EntityId): number {
    return this.events.filter((e) => e.msg.tag === tag && hex(e.entityId) === hex(entityId)).length;
  }

  async close(): Promise<void> {
    await this.#client?.close();
  }
}

/** A queue with the recipient's keys. */
export interface TestQueue extends CreatedQueue {
  readonly rcvKey: KeyPair;
  readonly rcvDh: KeyPair;
}

/** NEW with fresh Ed25519/X25519 keys; `mode: 'messaging'` lets the sender SKEY it (v ≥ 9). */
export async function createQueue(
  c: Conn,
  o: { subscribe?: boolean; messaging?: boolean; basicAuth?: Uint8Array } = {},
): Promise<TestQueue> {
  const rcvKey = generateKeyPair(provider, 'ed25519');
  const rcvDh = generateKeyPair(provider, 'x25519');
  const q = await c.client.createQueue({
    rcvAuthKey: rcvKey,
    rcvDhKey: rcvDh,
    subscribe: o.subscribe ?? false,
    ...(o.messaging === true && { queueReqData: { mode: 'messaging' as const } }),
    ...(o.basicAuth !== undefined && { basicAuth: o.basicAuth }),
  });
  return { ...q, rcvKey, rcvDh };
}

/** Opens a `MSG` body with the queue's DH secret (nonce = message ID). */
export function open(
  q: TestQueue,
  m: ReceivedMessage | { msgId: Uint8Array; encBody: Uint8Array },
): RcvMsgBody {
  return decryptRcvMessage(provider, q.rcvDhSecret, m.msgId, m.encBody);
}

/** The text of a normal message (fails on a quota marker). */
export function text(q: TestQueue, m: { msgId: Uint8Array; encBody: Uint8Array }): string {
  const b = open(q, m);
  assert.equal(b.type, 'message', 'a normal message, not the quota marker');
  return td((b as Extract<RcvMsgBody, { type: 'message' }>).body);
}

/** SUB and the message it delivers: the MSG response (old servers) or the MSG event after SOK/OK. */
export async function subscribeAndReceive(c: Conn, q: TestQueue): Promise<ReceivedMessage> {
  const m = await c.client.subscribe(q.rcvId, q.rcvKey.priv);
  if (m !== undefined) return m;
  const e = await c.take('MSG', q.rcvId);
  return { msgId: e.msgId, encBody: e.encBody };
}

/** Asserts that `p` rejects with `ERR <type>` (e.g. 'AUTH', 'NO_MSG', 'QUOTA'). */
export async function rejectsWith(p: Promise<unknown>, type: string, why: string): Promise<void> {
  await assert.rejects(
    p,
    (e: unknown) => {
      assert.ok(e instanceof SmpError, `${why}: expected ERR ${type}, got ${String(e)}`);
      assert.equal(e.error.type, type, why);
      return true;
    },
    why,
  );
}

/** Asserts `ERR CMD <code>`. */
export async function rejectsWithCmd(
  p: Promise<unknown>,
  code: string,
  why: string,
): Promise<void> {
  await assert.rejects(
    p,
    (e: unknown) => {
      assert.ok(e instanceof SmpError, `${why}: expected ERR CMD ${code}, got ${String(e)}`);
      assert.deepEqual(e.error, { type: 'CMD', cmd: code }, why);
      return true;
    },
    why,
  );
}
