// The queue store as a NestJS microservice: a custom transport strategy whose `listen` puts the
// store instance on the bus. The hot path does not go through Nest's message handlers: bus
// payloads are binary (16 KB bodies) and answers must keep per-gateway order, which Nest's
// serializer and per-message dispatch do not give (measured: Nest's NATS transport costs
// ~1.2–1.4× raw request/reply, shared/reference/tooling.md §4).
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { NatsTransport, ShardRouter, Subjects } from '@simplex-relay/bus';
import { nodeProvider } from '@simplex-relay/node-crypto';
import { looseLogger, type Logger, type Registry } from '@simplex-relay/observability';
import { asciiBytes } from '@simplex-relay/protocol';
import {
  prometheusQueueServiceMetrics,
  startStoreStack,
  type StoreStack,
} from '@simplex-relay/queue-service';
import type { Readiness } from '@simplex-relay/nest-ops';
import type { QueueStoreConfig } from '../config/queue-store.config.ts';

/** Runs one store instance for the lifetime of the Nest microservice. */
export class StoreBusStrategy extends Server implements CustomTransportStrategy {
  #stack: StoreStack | undefined;
  #bus: NatsTransport | undefined;

  constructor(
    private readonly cfg: QueueStoreConfig,
    private readonly log: Logger,
    private readonly registry: Registry,
    private readonly readiness: Readiness,
  ) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const c = this.cfg;
      this.#bus = await NatsTransport.connect({
        url: c.NATS_URL,
        name: `queue-store ${c.STORE_ID}`,
      });
      this.#stack = await startStoreStack({
        storeId: c.STORE_ID,
        databaseUrl: c.DATABASE_URL,
        poolSize: c.DB_POOL_SIZE,
        vshards: c.vshards,
        router: new ShardRouter(c.SHARD_KEY, c.VSHARD_COUNT),
        transport: this.#bus,
        subjects: new Subjects(c.BUS_PREFIX),
        crypto: nodeProvider,
        service: {
          allowNewQueues: c.NEW_QUEUES,
          messageTtlSec: c.EXPIRE_MESSAGES_DAYS * 86_400,
          notificationTtlSec: c.EXPIRE_NTFS_HOURS * 3_600,
          expireMessagesOnSend: c.EXPIRE_MESSAGES_ON_SEND,
          msgQueueQuota: c.MSG_QUEUE_QUOTA,
          dailyBlockQueueQuota: c.DAILY_BLOCK_QUEUE_QUOTA,
          ...(c.CREATE_PASSWORD !== undefined && {
            newQueueBasicAuth: asciiBytes(c.CREATE_PASSWORD),
          }),
        },
        metrics: prometheusQueueServiceMetrics(this.registry),
        logger: looseLogger(this.log.child('QueueService')),
        onClaimLost: () => {
          // Another instance may take these vshards now: stop serving them at once.
          this.readiness.ready = false;
          this.log.error('lost the vshard claim; exiting');
          process.exitCode = 1;
          void this.close().then(() => process.exit(1));
        },
      });
      this.readiness.ready = true;
      this.log.info('store started', { vshards: c.vshards.length });
      callback();
    } catch (e) {
      callback(e);
    }
  }

  async close(): Promise<void> {
    this.readiness.ready = false;
    await this.#stack?.stop();
    this.#stack = undefined;
    await this.#bus?.close();
    this.#bus = undefined;
  }

  on(): void {
    throw new Error('the queue store has no Nest event handlers');
  }

  unwrap<T>(): T {
    return this.#stack as T;
  }
}
