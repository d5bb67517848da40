// The subscription registry of the vshards this store owns (spec smp.md §8.1, §11.1–§11.2):
// upstream keeps it per server process (`ServerSubscribers`) plus per connection (`Client.
// subscriptions`); here one store holds both for its queues, with connections named by ConnRef.
// A connection's state for a queue is one of: the queue's subscriber (SUB mode), GET mode (upstream
// `ProhibitSub`), or nothing. Mutations of one queue happen inside that queue's lane.
import type { ConnRef } from '@simplex-relay/bus';

/** The message delivered on a connection and not yet acknowledged (upstream `Sub.delivered`). */
export interface Delivered {
  readonly msgId: Uint8Array;
  /** Seconds. */
  readonly ts: number;
}

/** The subscriber of a queue. */
export interface RcvSub {
  readonly conn: ConnRef;
  readonly connKey: string;
  /** Negotiated SMP version of the connection: events are encoded for it. */
  smpVersion: number;
  delivered: Delivered | undefined;
}

/** GET-mode state of one connection on one queue. */
export interface GetSub {
  delivered: Delivered | undefined;
}

/** The subscriber of a notifier. */
export interface NtfSub {
  readonly conn: ConnRef;
  readonly connKey: string;
  smpVersion: number;
  /** The queue (recipient ID, hex) the notifier belongs to: its lane key. */
  readonly queueKey: string;
}

interface ConnEntries {
  readonly rcv: Set<string>;
  readonly get: Set<string>;
  readonly ntf: Set<string>;
}

/** A connection's key in the registry. */
export const connKeyOf = (c: ConnRef): string => `${c.gatewayId}\u0000${c.connId}`;

/** In-memory registry; keys are hex IDs. */
export class SubscriptionRegistry {
  readonly #rcv = new Map<string, RcvSub>();
  readonly #get = new Map<string, Map<string, GetSub>>();
  readonly #ntf = new Map<string, NtfSub>();
  readonly #byConn = new Map<string, ConnEntries>();
  readonly #byGateway = new Map<string, Set<string>>();

  /** The queue's subscriber. */
  subscriber(queueKey: string): RcvSub | undefined {
    return this.#rcv.get(queueKey);
  }

  /** The connection's GET-mode state on the queue. */
  getState(queueKey: string, connKey: string): GetSub | undefined {
    return this.#get.get(queueKey)?.get(connKey);
  }

  /**
   * Makes `conn` the queue's subscriber with nothing delivered; returns the previous subscriber if
   * it was another connection (it must get END).
   */
  subscribe(
    queueKey: string,
    conn: ConnRef,
    smpVersion: number,
  ): { sub: RcvSub; previous?: RcvSub } {
    const connKey = connKeyOf(conn);
    const prev = this.#rcv.get(queueKey);
    if (prev !== undefined && prev.connKey === connKey) {
      prev.smpVersion = smpVersion;
      prev.delivered = undefined;
      return { sub: prev };
    }
    if (prev !== undefined) this.#detach(prev.connKey, 'rcv', queueKey);
    const sub: RcvSub = { conn, connKey, smpVersion, delivered: undefined };
    this.#rcv.set(queueKey, sub);
    this.#ensure(conn).rcv.add(queueKey);
    return prev === undefined ? { sub } : { sub, previous: prev };
  }

  /** Starts (or returns) GET mode of `conn` on the queue. */
  getMode(queueKey: string, conn: ConnRef): GetSub {
    const connKey = connKeyOf(conn);
    let m = this.#get.get(queueKey);
    if (m === undefined) this.#get.set(queueKey, (m = new Map()));
    let s = m.get(connKey);
    if (s === undefined) {
      m.set(connKey, (s = { delivered: undefined }));
      this.#ensure(conn).get.add(queueKey);
    }
    return s;
  }

  /** Removes the subscriber if it is `connKey` (any connection when omitted); returns it. */
  unsubscribe(queueKey: string, connKey?: string): RcvSub | undefined {
    const s = this.#rcv.get(queueKey);
    if (s === undefined || (connKey !== undefined && s.connKey !== connKey)) return undefined;
    this.#rcv.delete(queueKey);
    this.#detach(s.connKey, 'rcv', queueKey);
    return s;
  }

  /** Ends GET mode of `connKey` on the queue (of every connection when omitted). */
  dropGetMode(queueKey: string, connKey?: string): void {
    const m = this.#get.get(queueKey);
    if (m === undefined) return;
    for (const k of connKey === undefined ? [...m.keys()] : [connKey]) {
      if (m.delete(k)) this.#detach(k, 'get', queueKey);
    }
    if (m.size === 0) this.#get.delete(queueKey);
  }

  /** The notifier's subscriber. */
  ntfSubscriber(notifierKey: string): NtfSub | undefined {
    return this.#ntf.get(notifierKey);
  }

  /** Makes `conn` the notifier's subscriber; returns the previous one if it was another connection. */
  subscribeNtf(
    notifierKey: string,
    queueKey: string,
    conn: ConnRef,
    smpVersion: number,
  ): { previous?: NtfSub } {
    const connKey = connKeyOf(conn);
    const prev = this.#ntf.get(notifierKey);
    if (prev !== undefined && prev.connKey === connKey) {
      prev.smpVersion = smpVersion;
      return {};
    }
    if (prev !== undefined) this.#detach(prev.connKey, 'ntf', notifierKey);
    this.#ntf.set(notifierKey, { conn, connKey, smpVersion, queueKey });
    this.#ensure(conn).ntf.add(notifierKey);
    return prev === undefined ? {} : { previous: prev };
  }

  /** Removes the notifier's subscriber if it is `connKey` (any when omitted); returns it. */
  unsubscribeNtf(notifierKey: string, connKey?: string): NtfSub | undefined {
    const s = this.#ntf.get(notifierKey);
    if (s === undefined || (connKey !== undefined && s.connKey !== connKey)) return undefined;
    this.#ntf.delete(notifierKey);
    this.#detach(s.connKey, 'ntf', notifierKey);
    return s;
  }

  /** Drops every entry of every connection of the gateway; returns how many connections had any. */
  dropGateway(gatewayId: string): number {
    const conns = this.#byGateway.get(gatewayId);
    if (conns === undefined) return 0;
    const n = conns.size;
    for (const k of [...conns]) this.dropConnection(k);
    return n;
  }

  /** Drops every entry of one connection. */
  dropConnection(connKey: string): void {
    const e = this.#byConn.get(connKey);
    if (e === undefined) return;
    for (const q of [...e.rcv]) this.unsubscribe(q, connKey);
    for (const q of [...e.get]) this.dropGetMode(q, connKey);
    for (const n of [...e.ntf]) this.unsubscribeNtf(n, connKey);
  }

  /** Entry counts (gauges). */
  get size(): { subscribers: number; getters: number; notifiers: number; connections: number } {
    let getters = 0;
    for (const m of this.#get.values()) getters += m.size;
    return {
      subscribers: this.#rcv.size,
      getters,
      notifiers: this.#ntf.size,
      connections: this.#byConn.size,
    };
  }

  #ensure(conn: ConnRef): ConnEntries {
    const k = connKeyOf(conn);
    let e = this.#byConn.get(k);
    if (e === undefined) {
      this.#byConn.set(k, (e = { rcv: new Set(), get: new Set(), ntf: new Set() }));
      let g = this.#byGateway.get(conn.gatewayId);
      if (g === undefined) this.#byGateway.set(conn.gatewayId, (g = new Set()));
      g.add(k);
    }
    return e;
  }

  #detach(connKey: string, kind: keyof ConnEntries, key: string): void {
    const e = this.#byConn.get(connKey);
    if (e === undefined) return;
    e[kind].delete(key);
    if (e.rcv.size + e.get.size + e.ntf.size === 0) this.#forget(connKey);
  }

  #forget(connKey: string): void {
    this.#byConn.delete(connKey);
    const gatewayId = connKey.slice(0, connKey.indexOf('\u0000'));
    const g = this.#byGateway.get(gatewayId);
    g?.delete(connKey);
    if (g?.size === 0) this.#byGateway.delete(gatewayId);
  }
}
