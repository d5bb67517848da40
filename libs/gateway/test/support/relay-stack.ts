// A real relay stack in one process for gateway tests: the gateway (fixture identity, Prometheus
// metrics) and real queue-store instances — one in-memory store owning every vshard, or two
// Postgres stores sharing one fresh database, each owning half — joined by the in-process bus.
import { InProcessTransport, ShardRouter, Subjects } from '@simplex-relay/bus';
import { nodeProvider } from '@simplex-relay/node-crypto';
import { Registry } from '@simplex-relay/observability';
import { formatServerAddress, parseTransportHost } from '@simplex-relay/protocol';
import {
  BusEventSink,
  QueueService,
  StoreNode,
  startStoreStack,
} from '@simplex-relay/queue-service';
import { MemoryQueueStore } from '@simplex-relay/queue-store';
import { createTestDatabase, testSubjectPrefix } from '@simplex-relay/testing';
import { SmpClient } from '@simplex-relay/smp-client';
import { Gateway, prometheusGatewayMetrics } from '../../src/index.ts';
import type { GatewayLimits } from '../../src/index.ts';
import { fixtureCredentials, waitFor } from './harness.ts';

const VSHARDS = 1024;
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A running gateway + store stack. */
export interface RelayStack {
  readonly gateway: Gateway;
  readonly port: number;
  readonly keyHash: Uint8Array;
  readonly address: string;
  readonly router: ShardRouter;
  readonly subjects: Subjects;
  readonly transport: InProcessTransport;
  readonly registry: Registry;
  /** Store IDs, in vshard order (one for memory, two for Postgres). */
  readonly storeIds: readonly string[];
  /** Stops the store nodes (they stop answering; the gateway still believes they own their vshards). */
  stopStores(): Promise<void>;
  /** A recipient or plain client on this relay. */
  client(): Promise<SmpClient>;
  close(): Promise<void>;
}

/** Which queue store backs the stack. */
export type StoreBackend = 'memory' | 'postgres';

export async function startRelayStack(
  backend: StoreBackend,
  limits: Partial<GatewayLimits> = {},
): Promise<RelayStack> {
  const transport = new InProcessTransport();
  const subjects = new Subjects(testSubjectPrefix('fwd'));
  const router = new ShardRouter(new Uint8Array(32).fill(0x3c), VSHARDS);
  const stops: (() => Promise<void>)[] = [async () => transport.close()];
  const closeAll = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  const storeStops: (() => Promise<void>)[] = [];
  const storeIds: string[] = [];
  try {
    if (backend === 'memory') {
      const storeId = 'mem';
      const events = new BusEventSink(storeId, transport, subjects);
      const service = new QueueService({
        store: new MemoryQueueStore({ vshards: [...Array(VSHARDS).keys()], vshardCount: VSHARDS }),
        router,
        events,
        crypto: nodeProvider,
        logger: quiet,
      });
      await service.start();
      const node = new StoreNode({
        storeId,
        epoch: 1n,
        transport,
        subjects,
        service,
        events,
        logger: quiet,
      });
      node.start();
      storeIds.push(storeId);
      storeStops.push(() => node.stop());
      stops.push(
        () => service.stop(),
        () => node.stop(),
      );
    } else {
      const db = await createTestDatabase({ prefix: 'gw_fwd' });
      stops.push(() => db.drop());
      const half = VSHARDS / 2;
      for (const [storeId, from] of [
        ['pg-a', 0],
        ['pg-b', half],
      ] as const) {
        const stack = await startStoreStack({
          storeId,
          databaseUrl: db.url,
          poolSize: 2,
          vshards: Array.from({ length: half }, (_, i) => from + i),
          router,
          transport,
          subjects,
          crypto: nodeProvider,
          logger: quiet,
        });
        storeIds.push(storeId);
        storeStops.push(() => stack.node.stop());
        stops.push(() => stack.stop());
      }
    }
    const registry = new Registry();
    const { tls, identity } = fixtureCredentials();
    const gateway = new Gateway({
      transport,
      subjects,
      router,
      tls,
      identity,
      provider: nodeProvider,
      metrics: prometheusGatewayMetrics(registry),
      limits: { answerTimeoutMs: 5000, ...limits },
    });
    const { port } = await gateway.listen(0, '127.0.0.1');
    stops.push(() => gateway.close());
    await waitFor(() => gateway.shardMap.complete, 'every vshard has an owner');
    const address = formatServerAddress({
      scheme: 'smp',
      server: {
        keyHash: identity.keyHash,
        hosts: [parseTransportHost('127.0.0.1')],
        port: `${port}`,
      },
    });
    const clients: SmpClient[] = [];
    stops.push(async () => {
      for (const c of clients) await c.close();
    });
    return {
      gateway,
      port,
      keyHash: identity.keyHash,
      address,
      router,
      subjects,
      transport,
      registry,
      storeIds,
      stopStores: async () => {
        for (const s of storeStops.splice(0)) await s();
      },
      client: async () => {
        const c = await SmpClient.connect(address, { provider: nodeProvider });
        clients.push(c);
        return c;
      },
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
