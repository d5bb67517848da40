// The bus transport port: publish bytes to a subject, subscribe a handler. Two implementations:
// NATS (nats-transport.ts) for the cluster and in-process (in-process-transport.ts) for the
// one-process relay and unit tests. Headers carry trace context (W3C `traceparent`).

/** Message headers (e.g. `traceparent`); never identifiers. */
export type BusHeaders = Readonly<Record<string, string>>;

/** A received message. */
export interface BusMessage {
  readonly data: Uint8Array;
  readonly headers?: BusHeaders;
}

/** A subscription handle. */
export interface BusSubscription {
  unsubscribe(): void;
}

/** Publish/subscribe on subjects; delivery order per (publisher, subject) is preserved. */
export interface BusTransport {
  publish(subject: string, data: Uint8Array, headers?: BusHeaders): void;
  subscribe(subject: string, handler: (msg: BusMessage) => void): BusSubscription;
  /** Resolves when everything published so far has left this process. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
