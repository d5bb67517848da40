// The bus over NATS core pub/sub (no JetStream: durability is Postgres's job, and an answer that
// is lost with a dead process is retried by the client). One NATS connection per process.
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { BusHeaders, BusMessage, BusSubscription, BusTransport } from './transport.ts';

/** Options for connecting to NATS. */
export interface NatsTransportOptions {
  /** e.g. `nats://127.0.0.1:4222`; several comma-separated servers allowed. */
  readonly url: string;
  /** Connection name shown by the NATS server (no identifiers). */
  readonly name?: string;
}

/** A BusTransport over one NATS connection. */
export class NatsTransport implements BusTransport {
  private constructor(private readonly nc: NatsConnection) {}

  /** Connects, retrying while the server starts (up to ~10 s). */
  static async connect(o: NatsTransportOptions): Promise<NatsTransport> {
    const nc = await connect({
      servers: o.url.split(',').map((s) => s.trim()),
      ...(o.name !== undefined && { name: o.name }),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: true,
      timeout: 10_000,
    });
    return new NatsTransport(nc);
  }

  publish(subject: string, data: Uint8Array, headers?: BusHeaders): void {
    if (headers && Object.keys(headers).length > 0) {
      const h = natsHeaders();
      for (const [k, v] of Object.entries(headers)) h.set(k, v);
      this.nc.publish(subject, data, { headers: h });
    } else {
      this.nc.publish(subject, data);
    }
  }

  subscribe(subject: string, handler: (msg: BusMessage) => void): BusSubscription {
    const sub = this.nc.subscribe(subject, {
      callback: (err, m) => {
        if (err) return;
        let headers: Record<string, string> | undefined;
        if (m.headers) {
          headers = {};
          for (const [k] of m.headers) headers[k] = m.headers.get(k);
        }
        handler(headers ? { data: m.data, headers } : { data: m.data });
      },
    });
    return { unsubscribe: () => sub.unsubscribe() };
  }

  async flush(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain();
  }
}
