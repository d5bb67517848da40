// A raw SMP client for malformed transmissions (smp-transport's clientHandshake + the protocol's
// transmission encoder): it sends exactly the bytes a test gives and hands back every transmission
// as the client decoded it. Same approach as libs/gateway/test/support/harness.ts, but over an
// address of a running relay or cluster.
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import {
  encodeErrorTypeBytes,
  encodeTransmission,
  parseServerAddress,
} from '@simplex-relay/protocol';
import type { ClientTransmission, OutgoingTransmission } from '@simplex-relay/protocol';
import { clientHandshake, tlsClientOptions } from '@simplex-relay/smp-transport';
import type { SmpClientConnection } from '@simplex-relay/smp-transport';
import { WAIT_MS, provider } from './client.ts';

export const ascii = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** `ERR <code>` (wire text) or the tag of a received transmission. */
export function show(t: ClientTransmission): string {
  if (!t.result.ok) return `undecodable ${t.result.error.type}`;
  const m = t.result.msg;
  return m.tag === 'ERR' ? `ERR ${ascii(encodeErrorTypeBytes(18, m.error))}` : m.tag;
}

export class RawClient {
  readonly #queue: ClientTransmission[] = [];
  #waiter: (() => void) | undefined;
  readonly #ended: Promise<void>;

  private constructor(readonly conn: SmpClientConnection) {
    this.#ended = (async () => {
      try {
        for await (const b of conn.receive()) {
          if (b.type === 'transmissions') this.#queue.push(...b.transmissions);
          this.#waiter?.();
        }
      } catch {
        // closed by the server
      }
      this.#waiter?.();
    })();
  }

  static async connect(address: string): Promise<RawClient> {
    const a = parseServerAddress(address);
    const host = a.server.hosts[0].host;
    const port = Number(a.server.port);
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tls.connect(tlsClientOptions({ host, port }));
      s.once('secureConnect', () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
    return new RawClient(await clientHandshake(socket, { provider, keyHash: a.server.keyHash }));
  }

  get version(): number {
    return this.conn.params.version;
  }

  async send(ts: readonly OutgoingTransmission[]): Promise<void> {
    await this.conn.sendTransmissions(ts.map((t) => encodeTransmission(this.conn.params, t)));
  }

  /** The next `n` transmissions received. */
  async take(n: number, ms = WAIT_MS): Promise<ClientTransmission[]> {
    const end = Date.now() + ms;
    while (this.#queue.length < n) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out with ${this.#queue.length}/${n} transmissions`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => (this.#waiter = r)),
        new Promise<void>((r) => (timer = setTimeout(r, left))),
        this.#ended,
      ]);
      clearTimeout(timer);
      this.#waiter = undefined;
      if (this.#queue.length < n && this.conn.blocks.socket.destroyed) break;
    }
    if (this.#queue.length < n)
      throw new Error(`connection ended with ${this.#queue.length}/${n} transmissions`);
    return this.#queue.splice(0, n);
  }

  close(): void {
    this.conn.close();
  }
}
