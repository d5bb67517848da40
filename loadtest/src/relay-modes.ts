// The ways the relay runs in the benchmark, each with the processes whose CPU is accounted:
// embedded (apps/relay: one Node process plus its embedded PostgreSQL), distributed
// (apps/smp-gateway ×N + apps/queue-store ×M over nats-server and the local PostgreSQL), and
// proxied (two embedded relays, A as the senders' proxy for queues on B, spec smp.md §7.11), all
// started by libs/testing's launchers, which never leave processes or databases behind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, startEmbeddedRelay } from '@simplex-relay/testing';
import type { Cluster, EmbeddedRelay } from '@simplex-relay/testing';
import pg from 'pg';
import { commGroup, descendants, readProc, type CpuGroup, type ProcInfo } from './proc-cpu.ts';

/** A running relay under test. */
export interface ModeUnderTest {
  readonly name: string;
  /** Addresses for sender and recipient connections (round-robin). */
  readonly senderAddrs: readonly string[];
  readonly recipientAddrs: readonly string[];
  /** The processes to account, in print order. */
  readonly cpuGroups: readonly CpuGroup[];
  /** What each CPU group measures, printed under the table. */
  readonly notes: readonly string[];
  /** Admin URL of the PostgreSQL server this mode uses (for the database floor on the same server). */
  readonly pgAdminUrl: string;
  /** The relay's database (for pg_stat_database counters). */
  readonly pgDatabase: string;
  /** Store connection pool size in total (the database floor uses the same). */
  readonly pgPoolSize: number;
  /**
   * Private message routing: sender connections to `senderAddrs` (a proxy relay) with sessions to
   * `relay` (the relay of `senderAddrs` above); the bench then measures both paths.
   */
  readonly proxy?: { readonly senderAddrs: readonly string[]; readonly relay: string };
  stop(): Promise<void>;
}

/** Default pool of a store (queue-store DB_POOL_SIZE / PostgresQueueStore poolSize). */
const STORE_POOL_SIZE = 10;

const selfOnly = (pid: number) => (procs: readonly ProcInfo[]) =>
  procs.filter((p) => p.pid === pid);

/** Backends of one database: their titles read `postgres: [cluster: ]user <db> host(port) state`. */
const backendsOf = (db: string) => (procs: readonly ProcInfo[]) =>
  procs.filter((p) => p.comm === 'postgres' && p.cmdline.includes(` ${db} `));

/** A client backend's title ends in `host(port) state` or `[local] state`. */
const CLIENT_BACKEND = / \d+\.\d+\.\d+\.\d+\(\d+\) | \[local\] /;

/** The postmaster of the server at `url`: the parent of our own backend. */
async function postmasterPid(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ppid = readProc(r.rows[0]?.pid ?? 0)?.ppid;
    if (ppid === undefined) throw new Error('cannot find the PostgreSQL server process');
    return ppid;
  } finally {
    await c.end();
  }
}

/** `apps/relay` as one child process with its embedded PostgreSQL. */
export async function embeddedMode(): Promise<ModeUnderTest> {
  const relay = await startEmbeddedRelay();
  try {
    return describeEmbedded(relay);
  } catch (e) {
    await relay.stop();
    throw e;
  }
}

/** `label` names the relay in CPU rows when a mode runs more than one ('' for one). */
function describeEmbedded(relay: EmbeddedRelay, label = ''): ModeUnderTest {
  const pid = relay.pid;
  if (pid === undefined) throw new Error('the relay is not running');
  // The embedded cluster's superuser password and port, as apps/relay wrote them under DATA_DIR.
  const password = readFileSync(join(relay.dataDir, 'postgres.password'), 'utf8').trim();
  const pgPort = readFileSync(join(relay.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split(
    '\n',
  )[3];
  return {
    name: 'embedded',
    senderAddrs: [relay.address],
    recipientAddrs: [relay.address],
    cpuGroups: [
      { name: `relay ${label}${label && ' '}(node)`, select: selfOnly(pid) },
      {
        name: `embedded postgres${label && ' '}${label}`,
        select: (procs) => descendants(pid, procs).filter((p) => p.pid !== pid),
        includeReaped: true,
      },
    ],
    notes: [
      'embedded postgres = every descendant of the relay process (postmaster, backends, walwriter, …), incl. exited backends',
    ],
    pgAdminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/postgres`,
    pgDatabase: 'smp',
    pgPoolSize: STORE_POOL_SIZE,
    stop: () => relay.stop(),
  };
}

/**
 * Two `apps/relay` processes, each with its own DATA_DIR, identity and embedded PostgreSQL: A (the
 * proxy) and B (the queues' relay). Direct senders and every recipient use B; proxied senders A.
 */
export async function proxiedMode(): Promise<ModeUnderTest> {
  const started = await Promise.allSettled([startEmbeddedRelay(), startEmbeddedRelay()]);
  const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(up.map((r) => r.stop()));
  };
  try {
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [a, b] = up as [EmbeddedRelay, EmbeddedRelay];
    const ma = describeEmbedded(a, 'A');
    const mb = describeEmbedded(b, 'B');
    return {
      ...mb,
      name: 'proxied',
      cpuGroups: [...ma.cpuGroups, ...mb.cpuGroups],
      notes: [
        'embedded postgres A/B = every descendant of relay A/B (postmaster, backends, walwriter, …), incl. exited backends',
        'A and B run during both paths: direct rounds (senders on B) and proxied rounds (senders on A) alternate',
      ],
      proxy: { senderAddrs: [a.address], relay: b.address },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** `gateways` gateways and `stores` stores as separate processes over NATS and the local PostgreSQL. */
export async function clusterMode(gateways: number, stores: number): Promise<ModeUnderTest> {
  const cluster = await startCluster({ gateways, stores });
  try {
    return await describeCluster(cluster, gateways, stores);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}

async function describeCluster(
  cluster: Cluster,
  gateways: number,
  stores: number,
): Promise<ModeUnderTest> {
  const url = new URL(cluster.databaseUrl);
  const db = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const groups: CpuGroup[] = [];
  for (const g of cluster.gateways) {
    if (g.pid === undefined) throw new Error(`${g.name} is not running`);
    groups.push({ name: g.name, select: selfOnly(g.pid) });
  }
  for (const s of cluster.stores) {
    if (s.pid === undefined) throw new Error(`${s.name} is not running`);
    groups.push({ name: s.name, select: selfOnly(s.pid) });
  }
  groups.push({ name: 'postgres backends', select: backendsOf(db) });
  const postmaster = await postmasterPid(cluster.databaseUrl);
  groups.push({
    name: 'postgres background',
    // The server's own processes: postmaster, walwriter, checkpointer, bgwriter, autovacuum…
    select: (procs) =>
      descendants(postmaster, procs).filter((p) => !CLIENT_BACKEND.test(p.cmdline)),
  });
  groups.push(commGroup('nats-server', 'nats-server'));
  const sharedNote = 'shared with anything else using this server during the run';
  return {
    name: `cluster ${gateways}gw+${stores}st`,
    senderAddrs: cluster.addresses,
    recipientAddrs: [...cluster.addresses].reverse(),
    cpuGroups: groups,
    notes: [
      `postgres backends = the backends connected to this run's database (${db})`,
      `postgres background = every postgres process that is not a client backend (walwriter, checkpointer, …); ${sharedNote}`,
      `nats-server = the nats-server process; ${sharedNote}`,
    ],
    pgAdminUrl: url.toString(),
    pgDatabase: db,
    pgPoolSize: STORE_POOL_SIZE * stores,
    stop: () => cluster.stop(),
  };
}

/** Counters of one database (pg_stat_database; flushed by backends about once a second). */
export interface DbCounters {
  readonly commits: number;
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  /** Rows returned by queries (tup_returned + tup_fetched). */
  readonly read: number;
}

/** Reads the counters of `db` on the server of `adminUrl`. */
export async function dbCounters(adminUrl: string, db: string): Promise<DbCounters> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query<Record<string, string>>(
      `SELECT xact_commit, tup_inserted, tup_updated, tup_deleted, tup_returned + tup_fetched AS rd
         FROM pg_stat_database WHERE datname = $1`,
      [db],
    );
    const row = r.rows[0] ?? {};
    const n = (k: string): number => Number(row[k] ?? 0);
    return {
      commits: n('xact_commit'),
      inserted: n('tup_inserted'),
      updated: n('tup_updated'),
      deleted: n('tup_deleted'),
      read: n('rd'),
    };
  } finally {
    await c.end();
  }
}
