// Launchers of the real thing for end-to-end tests and benchmarks (loadtest/):
//
// - `startCluster({ gateways, stores })`: the distributed mode as separate processes — N
//   `apps/queue-store` instances splitting the vshards, M `apps/smp-gateway` instances with one
//   server identity — over the real nats-server (NATS_URL, default 127.0.0.1:4222) and a fresh
//   PostgreSQL database (createTestDatabase), with a unique bus prefix, shard key and free ports.
// - `startEmbeddedRelay()`: `apps/relay` (`npm start`: everything in one process, embedded
//   PostgreSQL) as a child process with a temporary DATA_DIR.
//
// Both resolve only once clients can use them (see each function), print a process's log tail when
// it fails to start or crashes, and never leave processes behind (processes.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeProvider } from '@simplex-relay/node-crypto';
import { SmpClient, SmpError } from '@simplex-relay/smp-client';
import { openProcessGroup } from './process-group.ts';
import { testSubjectPrefix } from './nats.ts';
import {
  REPO_ROOT,
  ManagedProcess,
  cpuSeconds,
  delay,
  freePorts,
  treeCpuSeconds,
  waitHttpOk,
  type ManagedProcessSpec,
  type ProcessHandle,
} from './processes.ts';

export { cpuSeconds, treeCpuSeconds, freePorts };
export type { ProcessHandle, ProcessExit } from './processes.ts';

/** A gateway process of a cluster. */
export interface GatewayHandle extends ProcessHandle {
  /** `smp://<fingerprint>[:<password>]@127.0.0.1:<port>` of this gateway. */
  readonly address: string;
  readonly smpPort: number;
  /** Its bus ID (GATEWAY_ID). */
  readonly gatewayId: string;
  /** Its control port on 127.0.0.1 (ClusterOptions.controlPort). */
  readonly controlPort?: number;
}

/** A queue-store process of a cluster. */
export interface StoreHandle extends ProcessHandle {
  /** Its bus ID (STORE_ID). */
  readonly storeId: string;
  /** The vshards it owns, inclusive. */
  readonly vshards: { readonly from: number; readonly to: number };
}

/** Options of startCluster; every field has a default. */
export interface ClusterOptions {
  /** Gateway processes (default 2). */
  readonly gateways?: number;
  /** Queue-store processes (default 2); they split the vshards into equal contiguous ranges. */
  readonly stores?: number;
  /** VSHARD_COUNT (default 1024). */
  readonly vshardCount?: number;
  /** Server password (CREATE_PASSWORD on every process); it is part of the addresses. */
  readonly password?: string;
  /** NATS servers (default NATS_URL or nats://127.0.0.1:4222). */
  readonly natsUrl?: string;
  /** Use this database instead of a fresh one (it is then neither migrated away nor dropped). */
  readonly databaseUrl?: string;
  /** Extra environment for every process (e.g. `{ LOG_LEVEL: 'debug' }`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra environment for the gateways (e.g. `{ STORE_ANSWER_TIMEOUT_MS: '5000' }`). */
  readonly gatewayEnv?: Readonly<Record<string, string>>;
  /** Extra environment for the stores (e.g. `{ MSG_QUEUE_QUOTA: '16' }`). */
  readonly storeEnv?: Readonly<Record<string, string>>;
  /** Open a control port on every gateway (CONTROL_PORT on a free port) with these passwords. */
  readonly controlPort?: { readonly adminPassword: string; readonly userPassword: string };
  /** Limit for starting (and for each restart), ms (default 60 000). */
  readonly startTimeoutMs?: number;
  /** Keep the temporary directory (logs, certs) after stop() (default: only when a process crashed, or env KEEP_CLUSTER_LOGS=1). */
  readonly keepLogs?: boolean;
}

/** A running cluster (see startCluster). */
export interface Cluster {
  /** One address per gateway, in gateway order. */
  readonly addresses: readonly string[];
  readonly gateways: readonly GatewayHandle[];
  readonly stores: readonly StoreHandle[];
  /** Server identity fingerprint (base64url of the CA key hash). */
  readonly fingerprint: string;
  readonly password: string | undefined;
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly busPrefix: string;
  /** SHARD_KEY as hex: `new ShardRouter(hexToBytes(shardKey), vshardCount)` routes IDs like the cluster. */
  readonly shardKey: string;
  readonly vshardCount: number;
  readonly certDir: string;
  readonly logDir: string;
  /** The store owning `vshard`. */
  storeOfVshard(vshard: number): StoreHandle;
  /** Waits until every running process is ready and every running gateway reaches every store. */
  waitReady(): Promise<void>;
  /** CPU seconds (user + system) used so far by a live process (Linux /proc). */
  cpuSeconds(pid: number): number;
  /** Log tails of every process. */
  logTail(lines?: number): string;
  /** Stops every process (SIGTERM, then SIGKILL after 10 s), drops the database, removes temp files. */
  stop(): Promise<void>;
}

const NATS_DEFAULT = 'nats://127.0.0.1:4222';

/**
 * Starts a cluster: a fresh database (createTestDatabase), a unique BUS_PREFIX (testSubjectPrefix),
 * a temporary CERT_DIR with new server credentials, a random SHARD_KEY and free ports; then the
 * store and gateway processes, all at once. Resolves when every process's /readyz answers 200 and
 * every gateway has answered a PING and a probe batch of `SEND`s to random sender IDs with
 * `ERR AUTH` — an answer only a store can give, and the probes cover every store with
 * overwhelming probability (≥ 32 per store). The probes are visible in the stores' error counters.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const nGateways = opts.gateways ?? 2;
  const nStores = opts.stores ?? 2;
  const vshardCount = opts.vshardCount ?? 1024;
  if (nGateways < 1 || nStores < 1 || nStores > vshardCount)
    throw new RangeError('a cluster needs ≥ 1 gateway and 1..vshardCount stores');
  const natsUrl = opts.natsUrl ?? process.env['NATS_URL'] ?? NATS_DEFAULT;
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const group = await openProcessGroup({
    name: 'cluster',
    databaseUrl: opts.databaseUrl,
    keepFiles: opts.keepLogs,
  });
  const { certDir, logDir, databaseUrl, procs, stop } = group;

  try {
    const busPrefix = testSubjectPrefix('cluster');
    const shardKey = randomBytes(32).toString('hex');
    const control = opts.controlPort;
    const ports = await freePorts(nStores + (control ? 3 : 2) * nGateways);
    const common: Record<string, string> = {
      NATS_URL: natsUrl,
      BUS_PREFIX: busPrefix,
      SHARD_KEY: shardKey,
      VSHARD_COUNT: String(vshardCount),
      OPS_HOST: '127.0.0.1',
      ...(opts.password !== undefined && { CREATE_PASSWORD: opts.password }),
      ...opts.env,
    };
    const auth = opts.password === undefined ? '' : `:${opts.password}`;

    let started = false;
    const readyThenProbe = async (p: ManagedProcess, deadline: number): Promise<void> => {
      await waitHttpOk(`http://127.0.0.1:${p.opsPort}/readyz`, p, deadline);
      // After a restart: the whole cluster must serve again, as after the first start.
      if (started) await waitClusterReady(deadline);
    };

    const stores: StoreProcess[] = [];
    for (let i = 0; i < nStores; i++) {
      const from = Math.floor((i * vshardCount) / nStores);
      const to = Math.floor(((i + 1) * vshardCount) / nStores) - 1;
      const storeId = `store-${i}`;
      stores.push(
        new StoreProcess(
          {
            name: storeId,
            cwd: join(REPO_ROOT, 'apps/queue-store'),
            script: 'src/main.ts',
            env: {
              ...common,
              STORE_ID: storeId,
              VSHARDS: `${from}-${to}`,
              DATABASE_URL: databaseUrl,
              OPS_PORT: String(ports[i]),
              ...opts.storeEnv,
            },
            logFile: join(logDir, `${storeId}.log`),
            opsPort: ports[i] as number,
            waitReady: readyThenProbe,
            startTimeoutMs,
          },
          storeId,
          { from, to },
        ),
      );
    }
    const gateways: GatewayProcess[] = [];
    for (let i = 0; i < nGateways; i++) {
      const smpPort = ports[nStores + 2 * i] as number;
      const opsPort = ports[nStores + 2 * i + 1] as number;
      const controlPort = control ? ports[nStores + 2 * nGateways + i] : undefined;
      const gatewayId = `gateway-${i}`;
      gateways.push(
        new GatewayProcess(
          {
            name: gatewayId,
            cwd: join(REPO_ROOT, 'apps/smp-gateway'),
            script: 'src/main.ts',
            env: {
              ...common,
              GATEWAY_ID: gatewayId,
              SMP_PORT: String(smpPort),
              SMP_BIND: '127.0.0.1',
              CERT_DIR: certDir,
              OPS_PORT: String(opsPort),
              ...(control &&
                controlPort !== undefined && {
                  CONTROL_PORT: String(controlPort),
                  CONTROL_PORT_ADMIN_PASSWORD: control.adminPassword,
                  CONTROL_PORT_USER_PASSWORD: control.userPassword,
                }),
              ...opts.gatewayEnv,
            },
            logFile: join(logDir, `${gatewayId}.log`),
            opsPort,
            waitReady: readyThenProbe,
            startTimeoutMs,
          },
          `smp://${group.fingerprint}${auth}@127.0.0.1:${smpPort}`,
          smpPort,
          gatewayId,
          controlPort,
        ),
      );
    }
    procs.push(...stores, ...gateways);

    const waitClusterReady = async (deadline: number): Promise<void> => {
      for (const p of procs)
        if (p.running) await waitHttpOk(`http://127.0.0.1:${p.opsPort}/readyz`, p, deadline);
      const probes = Math.max(64, 32 * nStores);
      for (const g of gateways) if (g.running) await probeGateway(g.address, probes, deadline);
    };

    for (const p of procs) p.start();
    await Promise.all(procs.map((p) => p.waitReady()));
    await waitClusterReady(Date.now() + startTimeoutMs).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}\n${procs.map((p) => p.logTail(15)).join('\n')}`);
    });

    started = true;
    const cluster: Cluster = {
      addresses: gateways.map((g) => g.address),
      gateways,
      stores,
      fingerprint: group.fingerprint,
      password: opts.password,
      databaseUrl,
      natsUrl,
      busPrefix,
      shardKey,
      vshardCount,
      certDir,
      logDir,
      storeOfVshard: (v) => {
        const s = stores.find((x) => v >= x.vshards.from && v <= x.vshards.to);
        if (s === undefined) throw new RangeError(`no store owns vshard ${v}`);
        return s;
      },
      waitReady: () => waitClusterReady(Date.now() + startTimeoutMs),
      cpuSeconds,
      logTail: group.logTail,
      stop,
    };
    return cluster;
  } catch (e) {
    await stop();
    throw e;
  }
}

class GatewayProcess extends ManagedProcess implements GatewayHandle {
  constructor(
    spec: ManagedProcessSpec,
    readonly address: string,
    readonly smpPort: number,
    readonly gatewayId: string,
    readonly controlPort?: number,
  ) {
    super(spec);
  }
}

class StoreProcess extends ManagedProcess implements StoreHandle {
  constructor(
    spec: ManagedProcessSpec,
    readonly storeId: string,
    readonly vshards: { readonly from: number; readonly to: number },
  ) {
    super(spec);
  }
}

/**
 * PING, then `probes` unauthorized SENDs to random sender IDs in one batch: each must come back
 * `ERR AUTH` from the owning store (a gateway that has not heard of a vshard's owner yet waits for
 * its heartbeat). Retries until `deadline`.
 */
async function probeGateway(address: string, probes: number, deadline: number): Promise<void> {
  let last: unknown;
  for (;;) {
    const left = Math.max(1000, deadline - Date.now());
    try {
      const c = await SmpClient.connect(address, {
        provider: nodeProvider,
        connectTimeoutMs: Math.min(left, 10_000),
        commandTimeoutMs: left,
      });
      try {
        await c.ping();
        const body = new TextEncoder().encode('probe');
        const rs = await c.sendBatch(
          Array.from({ length: probes }, () => ({
            entityId: new Uint8Array(randomBytes(24)),
            command: { tag: 'SEND' as const, flags: { notification: false }, body },
          })),
        );
        const bad = rs.find(
          (r) => r.ok || !(r.error instanceof SmpError && r.error.error.type === 'AUTH'),
        );
        if (bad === undefined) return;
        last = bad.ok ? new Error(`probe SEND answered ${bad.msg.tag}`) : bad.error;
      } finally {
        await c.close();
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`gateway ${address} does not reach every store: ${String(last)}`);
    await delay(200);
  }
}

/** Options of startEmbeddedRelay; every field has a default. */
export interface EmbeddedRelayOptions {
  /** DATA_DIR (default a new temporary directory, removed by stop()). */
  readonly dataDir?: string;
  /** Extra environment, e.g. `{ SMP_PASSWORD: 'secret' }` or `{ DATABASE_URL: … }` to skip the embedded PostgreSQL. */
  readonly env?: Readonly<Record<string, string>>;
  /** Limit for starting (and for each restart), ms (default 90 000: the first run creates a PostgreSQL cluster). */
  readonly startTimeoutMs?: number;
  /** Keep DATA_DIR and the log after stop(). */
  readonly keepFiles?: boolean;
  /** Open the control port (CONTROL_PORT on a free port); passwords as in `env`, else generated. */
  readonly controlPort?: boolean;
}

/** A running `apps/relay` process. */
export interface EmbeddedRelay extends ProcessHandle {
  /** The address the relay printed (`Server address: …`), host 127.0.0.1. */
  readonly address: string;
  readonly smpPort: number;
  readonly dataDir: string;
  /** The control port on 127.0.0.1 (EmbeddedRelayOptions.controlPort). */
  readonly controlPort?: number;
  /** The XFTP address the relay printed (`XFTP server address: …`); absent with XFTP_ENABLED=off. */
  readonly xftpAddress?: string;
  /** Its XFTP port on 127.0.0.1 (web handshake on, web certificate for localhost and 127.0.0.1). */
  readonly xftpPort: number;
  /** CPU seconds of the relay process and its live descendants (the embedded PostgreSQL). */
  treeCpuSeconds(): number;
  /** Stops the relay (SIGTERM, then SIGKILL) and its embedded PostgreSQL; removes temp files. */
  stop(): Promise<void>;
}

/**
 * Runs `apps/relay` (the `npm start` entry) with DATA_DIR, SMP_PORT, XFTP_PORT, EMBEDDED_PG_PORT
 * and OPS_PORT on free ports (all on 127.0.0.1). Resolves once it printed its address, /readyz answers 200 and
 * it answered a PING. `restart()` keeps DATA_DIR and ports, so the address stays the same.
 */
export async function startEmbeddedRelay(opts: EmbeddedRelayOptions = {}): Promise<EmbeddedRelay> {
  const tmp = await mkdtemp(join(tmpdir(), 'simplex-relay-'));
  // Traversable: as root, the embedded PostgreSQL runs as its own system user under DATA_DIR.
  await chmod(tmp, 0o755);
  const dataDir = opts.dataDir ?? join(tmp, 'data');
  const [smpPort, pgPort, opsPort, xftpPort, controlPort] = (await freePorts(
    opts.controlPort ? 5 : 4,
  )) as [number, number, number, number, number | undefined];
  const xftpEnabled = opts.env?.['XFTP_ENABLED'] !== 'off';
  let address = '';
  let xftpAddress: string | undefined;
  const proc = new ManagedProcess({
    name: 'relay',
    cwd: join(REPO_ROOT, 'apps/relay'),
    script: 'src/main.ts',
    env: {
      DATA_DIR: dataDir,
      SMP_PORT: String(smpPort),
      SMP_BIND: '127.0.0.1',
      SMP_HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(pgPort),
      OPS_PORT: String(opsPort),
      XFTP_PORT: String(xftpPort),
      XFTP_BIND: '127.0.0.1',
      XFTP_HOST: '127.0.0.1',
      ...(controlPort !== undefined && { CONTROL_PORT: String(controlPort) }),
      ...opts.env,
    },
    logFile: join(tmp, 'relay.log'),
    opsPort,
    // SIGTERM lets the relay stop its embedded PostgreSQL.
    exitSignal: 'SIGTERM',
    startTimeoutMs: opts.startTimeoutMs ?? 90_000,
    waitReady: async (p, deadline) => {
      for (;;) {
        const log = p.currentLog();
        const m = /^Server address: (\S+)$/m.exec(log);
        const x = /^XFTP server address: (\S+)$/m.exec(log);
        if (m && (x || !xftpEnabled)) {
          address = m[1] as string;
          xftpAddress = x?.[1];
          break;
        }
        if (!p.running) throw new Error('the relay exited while starting');
        if (Date.now() > deadline) throw new Error('no "Server address:" line');
        await delay(100);
      }
      await waitHttpOk(`http://127.0.0.1:${opsPort}/readyz`, p, deadline);
      const c = await SmpClient.connect(address, {
        provider: nodeProvider,
        connectTimeoutMs: Math.max(1000, deadline - Date.now()),
      });
      try {
        await c.ping();
      } finally {
        await c.close();
      }
    },
  });
  const pgDir = join(dataDir, 'postgres');
  const stopPostgres = async (): Promise<void> => {
    // Only if the relay died without stopping it (e.g. SIGKILL): postmaster.pid is then left behind.
    const pidFile = join(pgDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
    process.kill(pid, 'SIGINT'); // PostgreSQL "fast" shutdown
    const end = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < end) await delay(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await proc.kill('SIGTERM', 30_000);
    await stopPostgres().catch(() => undefined);
    if (
      opts.keepFiles ||
      proc.unexpectedExits.length > 0 ||
      process.env['KEEP_CLUSTER_LOGS'] === '1'
    )
      console.error(`[testing] relay files kept in ${tmp}`);
    else await rm(tmp, { recursive: true, force: true });
  };
  try {
    await proc.startAndWait();
  } catch (e) {
    await stop();
    throw e;
  }
  const relay: EmbeddedRelay = {
    name: proc.name,
    get pid() {
      return proc.pid;
    },
    get running() {
      return proc.running;
    },
    opsPort,
    logFile: proc.logFile,
    get address() {
      return address;
    },
    smpPort,
    get xftpAddress() {
      return xftpAddress;
    },
    xftpPort,
    dataDir,
    ...(controlPort !== undefined && { controlPort }),
    kill: async (signal, timeoutMs) => {
      const exit = await proc.kill(signal, timeoutMs);
      if (signal === undefined || signal === 'SIGKILL') await stopPostgres();
      return exit;
    },
    restart: async () => {
      await proc.kill('SIGTERM', 30_000);
      await stopPostgres();
      await proc.startAndWait();
    },
    metrics: () => proc.metrics(),
    logTail: (lines) => proc.logTail(lines),
    treeCpuSeconds: () => {
      const pid = proc.pid;
      if (pid === undefined) throw new Error('the relay is not running');
      return treeCpuSeconds(pid);
    },
    stop,
  };
  return relay;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
