// NATS subjects of the bus. Two per process, never one per queue (house rule: no per-queue
// subscriptions): a store listens on its own subject, a gateway on its own. The prefix separates
// clusters and test runs sharing one nats-server.

/** Subject names under a prefix such as `smp` (tests use a unique prefix per run). */
export class Subjects {
  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix))
      throw new RangeError(`bad subject prefix "${prefix}"`);
  }
  /** Requests for one store instance. */
  store(storeId: string): string {
    return `${this.prefix}.store.${token(storeId)}`;
  }
  /** Everything for one gateway: answers and events, in store order. */
  gateway(gatewayId: string): string {
    return `${this.prefix}.gw.${token(gatewayId)}`;
  }
  /** Store heartbeats (shard ownership). */
  get storeHeartbeat(): string {
    return `${this.prefix}.hb.store`;
  }
  /** Gateway heartbeats (liveness). */
  get gatewayHeartbeat(): string {
    return `${this.prefix}.hb.gw`;
  }
}

function token(id: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new RangeError(`bad bus id "${id}"`);
  return id;
}
