// In-process bus for the one-process relay and tests: the same subjects and bytes as NATS, with
// delivery on a later microtask so publishers never re-enter their subscribers synchronously.
import type { BusHeaders, BusMessage, BusSubscription, BusTransport } from './transport.ts';

/** A BusTransport inside one process; order per subject is preserved. */
export class InProcessTransport implements BusTransport {
  readonly #subs = new Map<string, Set<(m: BusMessage) => void>>();
  #closed = false;

  publish(subject: string, data: Uint8Array, headers?: BusHeaders): void {
    if (this.#closed) throw new Error('bus closed');
    const handlers = this.#subs.get(subject);
    if (!handlers || handlers.size === 0) return;
    const msg: BusMessage = headers ? { data, headers } : { data };
    for (const h of handlers) queueMicrotask(() => h(msg));
  }

  subscribe(subject: string, handler: (msg: BusMessage) => void): BusSubscription {
    let set = this.#subs.get(subject);
    if (!set) this.#subs.set(subject, (set = new Set()));
    set.add(handler);
    return { unsubscribe: () => set.delete(handler) };
  }

  async flush(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#subs.clear();
  }
}
