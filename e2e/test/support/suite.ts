// Set-up shared by the end-to-end suites: a deployment started before a describe block's tests and
// stopped after them, connections closed after every test, and tests that print the processes' log
// tails when they fail.
import { after, afterEach, before, it } from 'node:test';
import { ShardRouter } from '@simplex-relay/bus';
import type { VersionRange } from '@simplex-relay/protocol';
import { createTestDatabase, startCluster, startEmbeddedRelay } from '@simplex-relay/testing';
import type {
  Cluster,
  ClusterOptions,
  EmbeddedRelay,
  EmbeddedRelayOptions,
  TestDatabase,
} from '@simplex-relay/testing';
import { Conn } from './client.ts';

/** A started cluster and a router that places IDs on vshards as the cluster does. */
export interface LiveCluster {
  readonly cluster: Cluster;
  readonly router: ShardRouter;
  /** Index (in `cluster.stores`) of the store holding the queue with this sender ID. */
  storeOfSender(senderId: Uint8Array): number;
}

/** Starts a cluster before the current describe block's tests and stops it after them. */
export function useCluster(opts: ClusterOptions): () => LiveCluster {
  let live: LiveCluster | undefined;
  before(async () => {
    const cluster = await startCluster(opts);
    const router = new ShardRouter(Buffer.from(cluster.shardKey, 'hex'), cluster.vshardCount);
    live = {
      cluster,
      router,
      storeOfSender: (id) => cluster.stores.indexOf(cluster.storeOfVshard(router.ofClientId(id))),
    };
  });
  after(async () => {
    await live?.cluster.stop();
  });
  return () => {
    if (live === undefined) throw new Error('the cluster did not start');
    return live;
  };
}

/**
 * Starts the one-process relay before the current describe block's tests and stops it after them.
 * With `databasePrefix` it runs on a fresh external database (dropped afterwards) instead of its
 * embedded PostgreSQL, which is quicker when the test does not need the embedded one.
 */
export function useEmbeddedRelay(
  opts: EmbeddedRelayOptions & { readonly databasePrefix?: string } = {},
): () => EmbeddedRelay {
  const { databasePrefix, ...relayOpts } = opts;
  let relay: EmbeddedRelay | undefined;
  let db: TestDatabase | undefined;
  before(async () => {
    if (databasePrefix !== undefined) db = await createTestDatabase({ prefix: databasePrefix });
    relay = await startEmbeddedRelay({
      ...relayOpts,
      ...(db && { env: { ...relayOpts.env, DATABASE_URL: db.url } }),
    });
  });
  after(async () => {
    await relay?.stop();
    await db?.drop();
  });
  return () => {
    if (relay === undefined) throw new Error('the relay did not start');
    return relay;
  };
}

/**
 * `connect(address, v)` for the current describe block's tests: `v` is an exact version or a range
 * (default `defaultVersion`, else the client's own range); every connection is closed after each test.
 */
export function perTestConnections(
  defaultVersion?: number,
): (address: string, v?: number | VersionRange) => Promise<Conn> {
  const conns: Conn[] = [];
  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close()));
  });
  return async (address, v = defaultVersion) => {
    const c = await Conn.open(address, typeof v === 'number' ? { min: v, max: v } : v);
    conns.push(c);
    return c;
  };
}

/** `it`, printing the deployment's log tails when the test fails. */
export function testWithLogs(
  target: () => { logTail(): string },
): (name: string, fn: () => Promise<void>) => void {
  return (name, fn) => {
    it(name, async () => {
      try {
        await fn();
      } catch (e) {
        console.error(`--- process logs after the failure of "${name}" ---\n${target().logTail()}`);
        throw e;
      }
    });
  };
}
