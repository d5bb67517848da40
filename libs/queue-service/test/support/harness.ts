// A QueueService on a chosen backend with a fake clock, recording metrics and direct gateways.
import { ShardRouter } from '@simplex-relay/bus';
import type { CryptoProvider } from '@simplex-relay/protocol';
import { nobleProvider } from '@simplex-relay/protocol';
import {
  MemoryQueueStore,
  PostgresQueueStore,
  migrateQueueStore,
} from '@simplex-relay/queue-store';
import type { QueueStore } from '@simplex-relay/queue-store';
import { createTestDatabase } from '@simplex-relay/testing';
import type { TestDatabase } from '@simplex-relay/testing';
import * as nodeCrypto from '@simplex-relay/node-crypto';
import { QueueService } from '../../src/index.ts';
import type {
  QueueServiceCounter,
  QueueServiceMetrics,
  QueueServiceOptions,
  Timers,
} from '../../src/index.ts';
import { DirectGateway, RoutingSink, TestConn } from './client.ts';

/** The native provider when libs/node-crypto exports it, else the pure one. */
export const testCrypto: CryptoProvider =
  (nodeCrypto as { nodeProvider?: CryptoProvider }).nodeProvider ?? nobleProvider;

export const SHARD_KEY = new Uint8Array(32).fill(0x5a);

export type Backend = 'memory' | 'postgres';

/** Counters kept in a map. */
export class RecordingMetrics implements QueueServiceMetrics {
  readonly counts = new Map<string, number>();
  inc(c: QueueServiceCounter, by = 1): void {
    this.counts.set(c, (this.counts.get(c) ?? 0) + by);
  }
  get(c: QueueServiceCounter): number {
    return this.counts.get(c) ?? 0;
  }
}

/** A clock the test moves. */
export class FakeClock {
  constructor(public ms = Date.UTC(2025, 0, 15, 12)) {}
  now(): number {
    return this.ms;
  }
  advance(sec: number): void {
    this.ms += sec * 1000;
  }
}

/** Timers that never fire on their own. */
export class ManualTimers implements Timers {
  readonly active = new Map<number, { fn: () => void; ms: number }>();
  #n = 0;
  setInterval(fn: () => void, ms: number): unknown {
    this.active.set(++this.#n, { fn, ms });
    return this.#n;
  }
  clearInterval(h: unknown): void {
    this.active.delete(h as number);
  }
  fireAll(): void {
    for (const t of this.active.values()) t.fn();
  }
}

/** One Postgres database per test file, migrated. */
export class PgDatabase {
  #db: TestDatabase | undefined;
  async url(): Promise<string> {
    if (!this.#db) {
      this.#db = await createTestDatabase({ prefix: 'queue_service' });
      await migrateQueueStore(this.#db.url);
    }
    return this.#db.url;
  }
  async drop(): Promise<void> {
    await this.#db?.drop();
  }
}

export const quietLogger = { error: () => undefined, warn: () => undefined };

export interface Harness {
  readonly service: QueueService;
  readonly store: QueueStore;
  readonly router: ShardRouter;
  readonly clock: FakeClock;
  readonly timers: ManualTimers;
  readonly metrics: RecordingMetrics;
  readonly sink: RoutingSink;
  /** A direct gateway (created on first use). */
  gateway(id: string): DirectGateway;
  /** A new connection on a gateway (default "gw1"). */
  conn(v?: number, gatewayId?: string): TestConn;
  close(): Promise<void>;
}

/** Builds a service over a new store (memory, or Postgres on `pg`). */
export async function makeHarness(
  backend: Backend,
  pg: PgDatabase | undefined,
  o: {
    options?: QueueServiceOptions;
    vshards?: number[];
    clock?: FakeClock;
    store?: QueueStore;
  } = {},
): Promise<Harness> {
  const store =
    o.store ??
    (backend === 'memory'
      ? new MemoryQueueStore(o.vshards ? { vshards: o.vshards } : {})
      : new PostgresQueueStore({
          connectionString: await pg!.url(),
          ...(o.vshards && { vshards: o.vshards }),
        }));
  const router = new ShardRouter(SHARD_KEY);
  const clock = o.clock ?? new FakeClock();
  const timers = new ManualTimers();
  const metrics = new RecordingMetrics();
  const sink = new RoutingSink();
  const service = new QueueService({
    store,
    router,
    events: sink,
    crypto: testCrypto,
    clock,
    timers,
    metrics,
    logger: quietLogger,
    ...(o.options && { options: o.options }),
  });
  const gateways = new Map<string, DirectGateway>();
  const gateway = (id: string): DirectGateway => {
    let g = gateways.get(id);
    if (!g) gateways.set(id, (g = new DirectGateway(id, service, sink)));
    return g;
  };
  return {
    service,
    store,
    router,
    clock,
    timers,
    metrics,
    sink,
    gateway,
    conn: (v = 18, gatewayId = 'gw1') => new TestConn(testCrypto, gateway(gatewayId), v),
    async close() {
      await service.stop();
      await store.close();
    },
  };
}
