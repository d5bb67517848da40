// NATS subjects of the bus. A few per process, never one per queue (house rule: no per-queue
// subscriptions): a store listens on its own request and operator subjects, a gateway on its own
// inbound and operator-answer subjects. The prefix separates clusters and test runs sharing one
// nats-server.

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
  /** Operator requests (block, unblock, delete, status) for one store instance. */
  operator(storeId: string): string {
    return `${this.prefix}.op.${token(storeId)}`;
  }
  /** Answers to one requester's operator requests (a gateway's control port). */
  operatorAnswers(requesterId: string): string {
    return `${this.prefix}.opa.${token(requesterId)}`;
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
