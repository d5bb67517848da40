// One queue-store instance, assembled: migrate the schema, open the Postgres store for the owned
// vshards, claim them, build the service and put it on the bus. Shared by the NestJS queue-store
// app and the one-process relay so both run exactly the same wiring.
import type { BusTransport, ShardRouter, Subjects } from '@simplex-relay/bus';
import type { CryptoProvider } from '@simplex-relay/protocol';
import { PostgresQueueStore, migrateQueueStore } from '@simplex-relay/queue-store';
import type { QueueServiceMetrics } from './metrics.ts';
import type { QueueServiceOptions } from './config.ts';
import type { ServiceLogger } from './ports.ts';
import { QueueService } from './queue-service.ts';
import { BusEventSink, StoreNode } from './store-node.ts';

/** Everything one store instance needs. */
export interface StoreStackOptions {
  readonly storeId: string;
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** Owned vshards. */
  readonly vshards: Iterable<number>;
  readonly router: ShardRouter;
  readonly transport: BusTransport;
  readonly subjects: Subjects;
  readonly crypto: CryptoProvider;
  readonly service?: QueueServiceOptions;
  readonly metrics?: QueueServiceMetrics;
  readonly logger?: ServiceLogger;
  /** Run pending migrations first (default true). */
  readonly migrate?: boolean;
  /** Called if the vshard claim is lost (the Postgres session holding it died): the host should exit. */
  readonly onClaimLost?: (err: Error) => void;
}

/** A running store instance. */
export interface StoreStack {
  readonly service: QueueService;
  readonly node: StoreNode;
  readonly store: PostgresQueueStore;
  /** Stops taking requests, finishes accepted ops, releases the claim and closes the pool. */
  stop(): Promise<void>;
}

/** Starts a store instance; rejects (and cleans up) if migration or the vshard claim fails. */
export async function startStoreStack(o: StoreStackOptions): Promise<StoreStack> {
  if (o.migrate !== false) await migrateQueueStore(o.databaseUrl);
  const store = new PostgresQueueStore({
    connectionString: o.databaseUrl,
    vshards: o.vshards,
    vshardCount: o.router.count,
    ...(o.poolSize !== undefined && { poolSize: o.poolSize }),
  });
  const events = new BusEventSink(o.storeId, o.transport, o.subjects);
  const service = new QueueService({
    store,
    router: o.router,
    events,
    crypto: o.crypto,
    ...(o.metrics && { metrics: o.metrics }),
    ...(o.logger && { logger: o.logger }),
    ...(o.service && { options: o.service }),
  });
  try {
    await service.start(o.onClaimLost ? { onClaimLost: o.onClaimLost } : {});
  } catch (e) {
    await store.close();
    throw e;
  }
  const node = new StoreNode({
    storeId: o.storeId,
    // A new epoch on every start tells gateways to re-register their subscriptions here.
    epoch: BigInt(Date.now()),
    transport: o.transport,
    subjects: o.subjects,
    service,
    events,
    ...(o.metrics && { metrics: o.metrics }),
    ...(o.logger && { logger: o.logger }),
  });
  node.start();
  return {
    service,
    node,
    store,
    async stop() {
      await node.stop();
      await service.stop();
      await store.close();
    },
  };
}
