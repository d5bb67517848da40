// The requester side of the bus operator contract (libs/bus contract.ts, OperatorRequest): sends one
// request to the store owning the queue's vshard (sender IDs hash with `ofClientId`, recipient IDs
// carry theirs, `ofServerId`) and waits for the answer on this requester's operator-answer subject.
// A store that no longer owns the vshard answers NOT_OWNER: the request is sent again once the shard
// map names another owner.
import { decodeOperatorAnswer, encodeOperatorRequest } from '@simplex-relay/bus';
import type {
  BusSubscription,
  BusTransport,
  OperatorAction,
  OperatorOutcome,
  OperatorQueueRef,
  ShardRouter,
  Subjects,
} from '@simplex-relay/bus';
import { ParseError } from '@simplex-relay/protocol';
import type { GatewayLogger } from '../ports.ts';
import type { ShardMap } from '../shard-map.ts';
import type { ControlOutcome } from './control-replies.ts';

/** How often a request follows NOT_OWNER to a new owner. */
const MAX_ATTEMPTS = 3;
/** The pause before asking again after NOT_OWNER (about one store heartbeat). */
const RETRY_PAUSE_MS = 1000;

/** What the client needs. */
export interface OperatorClientDeps {
  /** This requester's bus ID (the gateway's): answers come on `subjects.operatorAnswers(id)`. */
  readonly requesterId: string;
  readonly transport: BusTransport;
  readonly subjects: Subjects;
  readonly router: ShardRouter;
  readonly shardMap: ShardMap;
  /** How long to wait for an owner and then for its answer. */
  readonly timeoutMs: number;
  readonly logger: GatewayLogger;
}

interface Pending {
  readonly storeId: string;
  readonly resolve: (o: OperatorOutcome | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

/** Runs operator actions on the stores owning the queues. */
export class OperatorClient {
  readonly #pending = new Map<number, Pending>();
  #sub: BusSubscription | undefined;
  #next = 1;

  constructor(private readonly d: OperatorClientDeps) {}

  /** Subscribes to the answers; resolves once the subscription is in place on the bus. */
  async start(): Promise<void> {
    if (this.#sub) return;
    this.#sub = this.d.transport.subscribe(
      this.d.subjects.operatorAnswers(this.d.requesterId),
      (m) => this.#onAnswer(m.data),
    );
    await this.d.transport.flush();
  }

  /** Unsubscribes; requests still waiting end as UNAVAILABLE. */
  stop(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.resolve(undefined);
    }
    this.#pending.clear();
  }

  /** Runs `action` on the queue; never rejects. */
  async run(queue: OperatorQueueRef, action: OperatorAction): Promise<ControlOutcome> {
    const vshard =
      'senderId' in queue
        ? this.d.router.ofClientId(queue.senderId)
        : this.d.router.ofServerId(queue.recipientId);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const storeId = await this.d.shardMap.waitForOwner(vshard, this.d.timeoutMs);
      if (storeId === undefined || this.#sub === undefined) break;
      const outcome = await this.#ask(storeId, vshard, queue, action);
      if (outcome === undefined) break;
      if (outcome.ok || outcome.error !== 'NOT_OWNER') return outcome;
      if (attempt < MAX_ATTEMPTS) await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
    return { ok: false, error: 'UNAVAILABLE' };
  }

  #ask(
    storeId: string,
    vshard: number,
    queue: OperatorQueueRef,
    action: OperatorAction,
  ): Promise<OperatorOutcome | undefined> {
    const requestId = this.#requestId();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        this.d.logger.warn('an operator request was not answered in time');
        resolve(undefined);
      }, this.d.timeoutMs);
      this.#pending.set(requestId, { storeId, resolve, timer });
      try {
        const req = { requesterId: this.d.requesterId, requestId, vshard, queue, action };
        this.d.transport.publish(this.d.subjects.operator(storeId), encodeOperatorRequest(req));
      } catch (e) {
        this.#pending.delete(requestId);
        clearTimeout(timer);
        this.d.logger.error(`operator request not published: ${(e as Error).message}`);
        resolve(undefined);
      }
    });
  }

  #onAnswer(data: Uint8Array): void {
    let a;
    try {
      a = decodeOperatorAnswer(data);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.d.logger.warn('dropped an undecodable operator answer');
      return;
    }
    const p = this.#pending.get(a.requestId);
    if (p === undefined || p.storeId !== a.storeId) return;
    this.#pending.delete(a.requestId);
    clearTimeout(p.timer);
    p.resolve(a.outcome);
  }

  #requestId(): number {
    const id = this.#next;
    this.#next = id >= 0xffffffff ? 1 : id + 1;
    return id;
  }
}
