// Test harness: a gateway on 127.0.0.1 with the upstream fixture identity, scripted fake stores on
// the bus, and a raw SMP test client (smp-transport's clientHandshake + protocol encoders; the
// smp-client library is not ready yet). Waits are on events with deadlines, never fixed sleeps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import {
  ShardRouter,
  Subjects,
  decodeStoreRequest,
  encodeAnswerParts,
  encodeEventParts,
  encodeGatewayInbound,
  encodeStoreHeartbeat,
} from '@simplex-relay/bus';
import type {
  BusTransport,
  ConnEvent,
  OpResult,
  StoreOp,
  StoreRequest,
  VShardRange,
} from '@simplex-relay/bus';
import { checkServerCredentials } from '@simplex-relay/node-crypto';
import { encodeBrokerMsg, encodeTransmission } from '@simplex-relay/protocol';
import type { BrokerMsg, ClientTransmission, OutgoingTransmission } from '@simplex-relay/protocol';
import { clientHandshake, tlsClientOptions } from '@simplex-relay/smp-transport';
import type { SmpClientConnection } from '@simplex-relay/smp-transport';
import { Gateway, gatewayTlsFromCredentials } from '../../src/index.ts';
import type { GatewayLimits, GatewayLogger } from '../../src/index.ts';

const vectors = join(import.meta.dirname, '../../../protocol/test/vectors');

/** Upstream tests/fixtures server identity (ca.crt fingerprint LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=). */
export function fixtureCredentials(): ReturnType<typeof gatewayTlsFromCredentials> & {
  fingerprint: string;
} {
  const read = (f: string): string => readFileSync(join(vectors, f), 'utf8');
  const creds = checkServerCredentials({
    caCertPem: read('ca.crt'),
    serverCertPem: read('server.crt'),
    serverKeyPem: read('server.key'),
  });
  return { ...gatewayTlsFromCredentials(creds), fingerprint: creds.fingerprint };
}

/** Resolves when `pred` holds, polling on timers; rejects after `ms`. */
export async function waitFor(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Rejects if `p` does not settle within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

export const te = (s: string): Uint8Array => new TextEncoder().encode(s);
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const ascii = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** What a store does with one op: a result, or undefined (no answer). */
export type OpScript = (op: StoreOp, req: StoreRequest, store: FakeStore) => OpResult | undefined;

/** Answers every command `ERR AUTH` (queue not found), like a store with no queues. */
export const authScript: OpScript = (op) =>
  op.type === 'command'
    ? {
        type: 'transmissions',
        items: [
          {
            useCorrId: true,
            entityId: op.entityId,
            msg: encodeBrokerMsg(op.smpVersion, { tag: 'ERR', error: { type: 'AUTH' } }),
          },
        ],
      }
    : undefined;

/** A result with one response message. */
export const respond = (op: StoreOp & { type: 'command' }, msg: BrokerMsg): OpResult => ({
  type: 'transmissions',
  items: [{ useCorrId: true, entityId: op.entityId, msg: encodeBrokerMsg(op.smpVersion, msg) }],
});

/** A scripted store node on the bus: records requests, answers by script, sends heartbeats and events. */
export class FakeStore {
  readonly requests: StoreRequest[] = [];
  script: OpScript = authScript;
  /** While true, requests are recorded and kept unanswered in `held`. */
  hold = false;
  readonly held: StoreRequest[] = [];
  #unsub: (() => void) | undefined;

  constructor(
    readonly transport: BusTransport,
    readonly subjects: Subjects,
    readonly storeId: string,
    public vshards: VShardRange[],
    public epoch = 1n,
  ) {}

  start(): this {
    const sub = this.transport.subscribe(this.subjects.store(this.storeId), (m) => {
      const req = decodeStoreRequest(m.data);
      this.requests.push(req);
      if (this.hold) this.held.push(req);
      else this.answer(req);
    });
    this.#unsub = () => sub.unsubscribe();
    return this;
  }

  stop(): void {
    this.#unsub?.();
  }

  heartbeat(): void {
    this.transport.publish(
      this.subjects.storeHeartbeat,
      encodeStoreHeartbeat({ storeId: this.storeId, epoch: this.epoch, vshards: this.vshards }),
    );
  }

  /** Answers a request by script (ops without a result are left out: only trailing ones may be). */
  answer(req: StoreRequest): void {
    const results: OpResult[] = [];
    for (const op of req.ops) {
      const r = this.script(op, req, this);
      if (r === undefined) break;
      results.push(r);
    }
    if (results.length === 0) return;
    for (const part of encodeAnswerParts(this.storeId, req.batchId, results))
      this.transport.publish(this.subjects.gateway(req.gatewayId), part);
  }

  /** Answers with explicit results for ops `first…` of a request (one answer part). */
  answerWith(req: StoreRequest, first: number, results: OpResult[]): void {
    const part = encodeGatewayInbound({
      type: 'answer',
      storeId: this.storeId,
      batchId: req.batchId,
      first,
      results,
    });
    this.transport.publish(this.subjects.gateway(req.gatewayId), part);
  }

  releaseHeld(): void {
    this.hold = false;
    for (const r of this.held.splice(0)) this.answer(r);
  }

  events(gatewayId: string, events: ConnEvent[]): void {
    for (const part of encodeEventParts(this.storeId, events))
      this.transport.publish(this.subjects.gateway(gatewayId), part);
  }

  /** Command ops received so far. */
  commands(): (StoreOp & { type: 'command' })[] {
    return this.requests.flatMap((r) =>
      r.ops.filter((o): o is StoreOp & { type: 'command' } => o.type === 'command'),
    );
  }

  opsOf<T extends StoreOp['type']>(type: T): (StoreOp & { type: T })[] {
    return this.requests.flatMap((r) =>
      r.ops.filter((o): o is StoreOp & { type: T } => o.type === type),
    );
  }

  async waitRequests(n: number, ms = 5000): Promise<void> {
    await waitFor(() => this.requests.length >= n, `${n} request(s) at ${this.storeId}`, ms);
  }
}

/** A raw SMP client over real TLS. */
export class TestClient {
  readonly #queue: ClientTransmission[] = [];
  #waiter: (() => void) | undefined;
  readonly ended: Promise<void>;

  private constructor(readonly conn: SmpClientConnection) {
    this.ended = (async () => {
      try {
        for await (const b of conn.receive()) {
          if (b.type === 'transmissions') this.#queue.push(...b.transmissions);
          this.#waiter?.();
        }
      } catch {
        // the gateway closed the connection
      }
      this.#waiter?.();
    })();
  }

  static async connect(
    port: number,
    keyHash: Uint8Array,
    alpn?: readonly string[],
  ): Promise<TestClient> {
    const socket = await connectTls(port, alpn);
    return new TestClient(await clientHandshake(socket, { keyHash }));
  }

  get version(): number {
    return this.conn.params.version;
  }

  /** Sends transmissions (batched into as few blocks as fit). */
  async send(ts: readonly OutgoingTransmission[]): Promise<void> {
    await this.conn.sendTransmissions(ts.map((t) => encodeTransmission(this.conn.params, t)));
  }

  /** The next `n` received transmissions. */
  async take(n: number, ms = 5000): Promise<ClientTransmission[]> {
    const end = Date.now() + ms;
    while (this.#queue.length < n) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out with ${this.#queue.length}/${n} transmissions`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => (this.#waiter = r)),
        new Promise<void>((r) => (timer = setTimeout(r, left))),
        this.ended,
      ]);
      clearTimeout(timer);
      this.#waiter = undefined;
      if (this.#queue.length < n && this.conn.blocks.socket.destroyed) break;
    }
    if (this.#queue.length < n)
      throw new Error(`connection ended with ${this.#queue.length}/${n} transmissions`);
    return this.#queue.splice(0, n);
  }

  get received(): number {
    return this.#queue.length;
  }

  close(): void {
    this.conn.close();
  }
}

/** TLS connect with the SMP client options; resolves on 'secureConnect'. */
export function connectTls(port: number, alpn?: readonly string[]): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect(
      tlsClientOptions({ host: '127.0.0.1', port, ...(alpn !== undefined && { alpn }) }),
    );
    s.once('secureConnect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** A logger that records lines (to check they carry no identifiers). */
export class RecordingLogger implements GatewayLogger {
  readonly lines: string[] = [];
  log(m: string): void {
    this.lines.push(m);
  }
  warn(m: string): void {
    this.lines.push(m);
  }
  error(m: string): void {
    this.lines.push(m);
  }
  debug(m: string): void {
    this.lines.push(m);
  }
}

/** A gateway with two fake stores owning the two halves of 1024 vshards. */
export interface Cluster {
  readonly gateway: Gateway;
  readonly port: number;
  readonly keyHash: Uint8Array;
  readonly router: ShardRouter;
  readonly stores: readonly [FakeStore, FakeStore];
  readonly logger: RecordingLogger;
  connect(alpn?: readonly string[]): Promise<TestClient>;
  close(): Promise<void>;
}

export async function startCluster(
  transport: BusTransport,
  prefix: string,
  limits: Partial<GatewayLimits> = {},
  opts: { announce?: boolean } = {},
): Promise<Cluster> {
  const subjects = new Subjects(prefix);
  const router = new ShardRouter(new Uint8Array(32).fill(0x5a), 1024);
  const { tls: tlsOpts, identity } = fixtureCredentials();
  const logger = new RecordingLogger();
  const gateway = new Gateway({
    transport,
    subjects,
    router,
    tls: tlsOpts,
    identity,
    logger,
    limits: { answerTimeoutMs: 2000, ...limits },
    // Proxying is tested in proxy.int-spec.ts; here PRXY/PFWD answer as upstream with it off.
    proxy: { allowSmpProxy: false },
  });
  const stores = [
    new FakeStore(transport, subjects, 'store-a', [{ from: 0, to: 511 }]).start(),
    new FakeStore(transport, subjects, 'store-b', [{ from: 512, to: 1023 }]).start(),
  ] as const;
  const { port } = await gateway.listen(0, '127.0.0.1');
  await transport.flush();
  if (opts.announce !== false) {
    for (const s of stores) s.heartbeat();
    await waitFor(
      () =>
        gateway.shardMap.ownerOf(0) !== undefined && gateway.shardMap.ownerOf(1023) !== undefined,
      'shard map',
    );
  }
  const clients: TestClient[] = [];
  return {
    gateway,
    port,
    keyHash: identity.keyHash,
    router,
    stores,
    logger,
    connect: async (alpn) => {
      const c = await TestClient.connect(port, identity.keyHash, alpn);
      clients.push(c);
      return c;
    },
    close: async () => {
      for (const c of clients) c.close();
      for (const s of stores) s.stop();
      await gateway.close();
    },
  };
}
