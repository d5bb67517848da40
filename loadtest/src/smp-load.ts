// The SMP load driver: many queues, senders and recipients on separate client connections, a closed
// loop of `window` messages in flight per queue. A message counts when its SEND was answered OK, its
// MSG reached the subscriber and the subscriber's ACK was answered; latency is SEND issued → MSG
// received. Messages of one queue arrive in order (spec smp.md §7.3), so each MSG is matched to the
// oldest undelivered SEND of its queue without opening the body. With `proxy`, each queue also has a
// sender connection to a proxy relay, and a round either SENDs directly or through the proxy
// (private message routing, spec smp.md §7.11): the same queues, keys and recipients either way.
import { nodeProvider } from '@simplex-relay/node-crypto';
import { generateKeyPair, maxMessageLength } from '@simplex-relay/protocol';
import type { EntityId, PrivateKey } from '@simplex-relay/protocol';
import { SmpClient, type ProxiedRelay, type SmpEvent } from '@simplex-relay/smp-client';

/** Shape of the load. */
export interface LoadOptions {
  readonly queues: number;
  readonly senderConnections: number;
  readonly recipientConnections: number;
  /** Messages in flight per queue (1: the next SEND waits for the previous message's ACK). */
  readonly window: number;
  /** SEND body bytes; default the maximum of the negotiated version (16,048 at v18). */
  readonly bodyBytes?: number;
  /**
   * Work around the client's block-order bug (see `serializeWrites`); false shows the bug: blocks
   * answered `ERR BLOCK`, their SENDs never answered.
   */
  readonly serializeClientWrites: boolean;
  /**
   * Private message routing: also `senderConnections` clients to `addrs` (round-robin), each with
   * one proxy session (`PRXY`) to `relay`, the relay of the direct senders; rounds pick the path.
   */
  readonly proxy?: { readonly addrs: readonly string[]; readonly relay: string };
}

/** How a round's SENDs reach the relay: on a direct connection, or as `PFWD` through the proxy. */
export type SendPath = 'direct' | 'proxied';

/** A sender connection to the proxy and its session with the relay (one `PRXY` per connection). */
interface ProxiedSender {
  readonly conn: Conn;
  readonly session: ProxiedRelay;
}

/** One measured round. */
export interface RoundResult {
  readonly messages: number;
  readonly seconds: number;
  /** SEND issued → MSG received, ms, one per delivered message. */
  readonly latenciesMs: number[];
  readonly errors: number;
  /** The hard cap ended the round before the target was reached. */
  readonly capped: boolean;
  /** 16 KB blocks written by the clients (client → relay) and read by them (relay → client). */
  readonly blocksIn: number;
  readonly blocksOut: number;
  /** Messages still unfinished when the round ended, by the step they were waiting for. */
  readonly unfinished: {
    readonly sendOk: number;
    readonly msg: number;
    readonly ackAnswer: number;
    /** Unanswered SENDs per sender connection. */
    readonly sendOkByConnection: number[];
  };
}

interface Conn {
  readonly client: SmpClient;
  /** Plaintext bytes read from the TLS socket (all whole blocks after the handshake). */
  bytesRead: number;
}

interface InFlight {
  readonly t0: number;
  ok: boolean;
  delivered: boolean;
  acked: boolean;
  failed: boolean;
}

interface Queue {
  readonly rcv: Conn;
  readonly snd: Conn;
  /** The proxied sender of this queue (the same index among proxied senders as `snd`). */
  readonly psnd: ProxiedSender | undefined;
  readonly rcvId: EntityId;
  readonly sndId: EntityId;
  readonly rcvKey: PrivateKey;
  readonly sndKey: PrivateKey;
  readonly inflight: InFlight[];
}

const BLOCK = 16_384;
const idKey = (id: Uint8Array): string => Buffer.from(id).toString('latin1');

/**
 * One `sendTransmissions` at a time on this connection. smp-transport's `SmpConnection.
 * sendTransmissions` encrypts each block (advancing the chain key) just before `writeBlock`; when an
 * earlier call waits for 'drain', a later call's block is encrypted first but the earlier call's
 * next block reaches the socket first, so the server cannot decrypt either (`ERR BLOCK`, and the
 * commands in them are never answered). SmpClientCore flushes without waiting for the previous
 * flush, so many 16 KB SENDs from one connection hit this. The gateway serializes its writes itself.
 */
function serializeWrites(client: SmpClient): void {
  const conn = client.connection;
  const send = conn.sendTransmissions.bind(conn);
  let tail: Promise<unknown> = Promise.resolve();
  conn.sendTransmissions = (ts) => {
    const p = tail.then(() => send(ts));
    tail = p.catch(() => undefined);
    return p;
  };
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pooled<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** Connected clients and secured, subscribed queues, ready for rounds of messages. */
export class SmpLoad {
  private readonly queues: Queue[] = [];
  private readonly byRcvId = new Map<string, Queue>();
  private body: Uint8Array = new Uint8Array(0);
  // State of the current round.
  private target = 0;
  private issued = 0;
  private completed = 0;
  private failed = 0;
  private errors = 0;
  private stopped = true;
  private path: SendPath = 'direct';
  private latencies: number[] = [];
  private lastCompletion = 0;
  private wake: (() => void) | undefined;
  /** First error texts, for the report. */
  readonly errorSamples: string[] = [];

  private constructor(
    private readonly senders: Conn[],
    private readonly recipients: Conn[],
    private readonly proxied: ProxiedSender[],
    private readonly opts: LoadOptions,
  ) {}

  /**
   * Connects `senderConnections` clients round-robin over `senderAddrs` and `recipientConnections`
   * over `recipientAddrs`, creates the queues on recipient connections (subscribed) and secures
   * them from sender connections (SKEY). Keys are Ed25519, as the SimpleX agent's defaults. With
   * `opts.proxy`, connects the proxied senders and opens their sessions (queues are secured
   * directly; the same sender key signs both paths' SENDs).
   */
  static async setup(
    senderAddrs: readonly string[],
    recipientAddrs: readonly string[],
    opts: LoadOptions,
  ): Promise<SmpLoad> {
    const load = new SmpLoad([], [], [], opts);
    try {
      const connect = async (addr: string, events: boolean): Promise<Conn> => {
        const client = await SmpClient.connect(addr, {
          provider: nodeProvider,
          commandTimeoutMs: 60_000,
          ...(events && { onEvent: (e: SmpEvent) => load.onEvent(e) }),
        });
        if (opts.serializeClientWrites) serializeWrites(client);
        const c: Conn = { client, bytesRead: 0 };
        client.connection.blocks.socket.on('data', (d: Buffer) => {
          c.bytesRead += d.length;
        });
        return c;
      };
      for (let i = 0; i < opts.recipientConnections; i++)
        load.recipients.push(
          await connect(recipientAddrs[i % recipientAddrs.length] as string, true),
        );
      for (let i = 0; i < opts.senderConnections; i++)
        load.senders.push(await connect(senderAddrs[i % senderAddrs.length] as string, false));
      const proxy = opts.proxy;
      if (proxy)
        for (let i = 0; i < opts.senderConnections; i++) {
          const conn = await connect(proxy.addrs[i % proxy.addrs.length] as string, false);
          load.proxied.push({ conn, session: await conn.client.createProxySession(proxy.relay) });
        }
      const version = load.senders[0]?.client.params.version ?? 18;
      load.body = nodeProvider.randomBytes(opts.bodyBytes ?? maxMessageLength(version));
      const R = opts.recipientConnections;
      const S = opts.senderConnections;
      await pooled(
        Array.from({ length: opts.queues }, (_, i) => i),
        32,
        async (i) => {
          // Every (recipient, sender) connection pair over R×S consecutive queues: with two
          // gateways, half the queues cross gateways and half do not.
          const rcv = load.recipients[i % R] as Conn;
          const s = Math.floor(i / R) % S;
          const snd = load.senders[s] as Conn;
          const rcvKey = generateKeyPair(nodeProvider, 'ed25519');
          const q = await rcv.client.createQueue({
            rcvAuthKey: rcvKey,
            rcvDhKey: generateKeyPair(nodeProvider, 'x25519'),
            subscribe: true,
            queueReqData: { mode: 'messaging' },
          });
          const sndKey = generateKeyPair(nodeProvider, 'ed25519');
          await snd.client.secureSndQueue(q.sndId, sndKey);
          const queue: Queue = {
            rcv,
            snd,
            psnd: load.proxied[s],
            rcvId: q.rcvId,
            sndId: q.sndId,
            rcvKey: rcvKey.priv,
            sndKey: sndKey.priv,
            inflight: [],
          };
          load.queues.push(queue);
          load.byRcvId.set(idKey(q.rcvId), queue);
        },
      );
      return load;
    } catch (e) {
      await load.close();
      throw e;
    }
  }

  /** Negotiated SMP version and SEND body size. */
  get describe(): { version: number; bodyBytes: number } {
    return { version: this.senders[0]?.client.params.version ?? 0, bodyBytes: this.body.length };
  }

  /**
   * Sends `messages` messages (about evenly over the queues) and waits until each is complete, or
   * until `capMs` has passed (then no more SENDs are issued and in-flight ones get `drainMs`).
   * `path` 'proxied' needs `LoadOptions.proxy`.
   */
  async round(
    messages: number,
    capMs: number,
    path: SendPath = 'direct',
    drainMs = 10_000,
  ): Promise<RoundResult> {
    if (path === 'proxied' && this.proxied.length === 0)
      throw new RangeError('a proxied round needs LoadOptions.proxy');
    this.path = path;
    this.target = messages;
    this.issued = 0;
    this.completed = 0;
    this.failed = 0;
    this.errors = 0;
    this.latencies = [];
    this.stopped = false;
    const sent0 = this.blocksWritten();
    const read0 = this.blocksRead();
    const t0 = performance.now();
    this.lastCompletion = t0;
    for (let k = 0; k < this.opts.window; k++) for (const q of this.queues) this.issue(q);
    const finished = new Promise<void>((r) => {
      this.wake = r;
    });
    this.checkDone();
    let capped = false;
    await Promise.race([
      finished,
      new Promise<void>((r) => setTimeout(r, capMs).unref()).then(() => {
        capped = true;
      }),
    ]);
    this.stopped = true;
    if (capped) {
      // Only what is already in flight may still finish.
      await Promise.race([
        new Promise<void>((r) => {
          this.wake = r;
          this.checkDone();
        }),
        new Promise<void>((r) => setTimeout(r, drainMs).unref()),
      ]);
    }
    this.wake = undefined;
    const senders = path === 'proxied' ? this.proxied.map((p) => p.conn) : this.senders;
    const unfinished = {
      sendOk: 0,
      msg: 0,
      ackAnswer: 0,
      sendOkByConnection: senders.map(() => 0),
    };
    for (const q of this.queues)
      for (const m of q.inflight) {
        if (m.failed) continue;
        if (!m.ok) {
          unfinished.sendOk++;
          const i = senders.indexOf(path === 'proxied' ? (q.psnd?.conn as Conn) : q.snd);
          unfinished.sendOkByConnection[i] = (unfinished.sendOkByConnection[i] ?? 0) + 1;
        }
        if (!m.delivered) unfinished.msg++;
        else if (!m.acked) unfinished.ackAnswer++;
      }
    return {
      unfinished,
      messages: this.completed,
      seconds: (this.lastCompletion - t0) / 1000,
      latenciesMs: this.latencies,
      errors: this.errors,
      capped,
      blocksIn: this.blocksWritten() - sent0,
      blocksOut: this.blocksRead() - read0,
    };
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.conns().map((c) => c.client.close().catch(() => undefined)));
  }

  private conns(): Conn[] {
    return [...this.senders, ...this.proxied.map((p) => p.conn), ...this.recipients];
  }

  private blocksWritten(): number {
    let n = 0;
    for (const c of this.conns()) n += c.client.blocksSent;
    return n;
  }

  private blocksRead(): number {
    let n = 0;
    for (const c of this.conns()) n += c.bytesRead;
    return Math.round(n / BLOCK);
  }

  private noteError(e: unknown): void {
    this.errors++;
    if (this.errorSamples.length < 5) this.errorSamples.push(String(e).slice(0, 200));
  }

  private issue(q: Queue): void {
    if (this.stopped || this.issued >= this.target) return;
    this.issued++;
    const m: InFlight = {
      t0: performance.now(),
      ok: false,
      delivered: false,
      acked: false,
      failed: false,
    };
    q.inflight.push(m);
    const sent =
      this.path === 'proxied' && q.psnd
        ? q.psnd.conn.client.proxySendMessage(
            q.psnd.session,
            q.sndId,
            q.sndKey,
            { notification: false },
            this.body,
          )
        : q.snd.client.sendMessage(q.sndId, q.sndKey, this.body);
    sent.then(
      () => {
        m.ok = true;
        this.settle(q);
      },
      (e: unknown) => {
        // Never delivered: drop it so the next MSG is matched to the next SEND.
        this.noteError(e);
        m.failed = true;
        this.settle(q);
      },
    );
  }

  private onEvent(e: SmpEvent): void {
    if (e.type === 'message' && e.msg.tag === 'MSG') {
      const q = this.byRcvId.get(idKey(e.entityId));
      if (q) this.deliver(q, e.msg.msgId);
      else this.noteError(new Error('MSG for an unknown queue'));
    } else if (e.type === 'message') this.noteError(new Error(`event ${e.msg.tag}`));
    else this.noteError(new Error(`event ${e.type}`));
  }

  private deliver(q: Queue, msgId: Uint8Array): void {
    const now = performance.now();
    const m = q.inflight.find((x) => !x.delivered && !x.failed);
    if (m === undefined) {
      this.noteError(new Error('MSG with no SEND outstanding (re-delivery?)'));
    } else {
      m.delivered = true;
      this.latencies.push(now - m.t0);
    }
    q.rcv.client.ack(q.rcvId, q.rcvKey, msgId).then(
      (next) => {
        if (m) m.acked = true;
        this.settle(q);
        // With more than one message in the queue, ACK is answered with the next one.
        if (next) this.deliver(q, next.msgId);
      },
      (e: unknown) => {
        this.noteError(e);
        if (m) m.failed = true;
        this.settle(q);
      },
    );
  }

  /** Retires finished messages at the head of the queue's list and refills the window. */
  private settle(q: Queue): void {
    let freed = 0;
    while (q.inflight.length > 0) {
      const h = q.inflight[0] as InFlight;
      if (h.failed) this.failed++;
      else if (h.ok && h.acked) this.completed++;
      else break;
      q.inflight.shift();
      freed++;
    }
    if (freed > 0) this.lastCompletion = performance.now();
    for (let k = 0; k < freed; k++) this.issue(q);
    this.checkDone();
  }

  private checkDone(): void {
    if (this.wake === undefined) return;
    const inFlight = this.issued - this.completed - this.failed;
    if (inFlight === 0 && (this.stopped || this.issued >= this.target)) this.wake();
  }
}
