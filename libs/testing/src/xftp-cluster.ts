// Launcher of the distributed XFTP mode for end-to-end tests: N `apps/xftp-gateway` processes that
// share one server identity (CERT_DIR), one PostgreSQL database and schema (chunk records) and one
// blob directory (chunk bodies), each on its own XFTP port on 127.0.0.1. Any gateway can then serve
// a chunk another one stored, which is what a deployment behind a load balancer relies on.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openProcessGroup } from './process-group.ts';
import {
  REPO_ROOT,
  ManagedProcess,
  freePorts,
  waitHttpOk,
  type ManagedProcessSpec,
  type ProcessHandle,
} from './processes.ts';

/** An xftp-gateway process of an XFTP cluster. */
export interface XftpGatewayHandle extends ProcessHandle {
  /** `xftp://<fingerprint>@127.0.0.1:<port>` of this gateway. */
  readonly address: string;
  readonly xftpPort: number;
}

/** Options of startXftpCluster; every field has a default. */
export interface XftpClusterOptions {
  /** Gateway processes (default 2). */
  readonly gateways?: number;
  /** DATABASE_SCHEMA shared by every gateway (default `xftp_e2e`). */
  readonly schema?: string;
  /** Use this database instead of a fresh one (it is then not dropped). */
  readonly databaseUrl?: string;
  /** Extra environment for every gateway (e.g. `{ CREATE_PASSWORD: 'secret' }`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Limit for starting (and for each restart), ms (default 60 000). */
  readonly startTimeoutMs?: number;
  /** Keep the temporary directory (certs, blobs, logs) after stop(). */
  readonly keepFiles?: boolean;
}

/** A running XFTP cluster (see startXftpCluster). */
export interface XftpCluster {
  /** One address per gateway, in gateway order; they differ only in the port. */
  readonly addresses: readonly string[];
  readonly gateways: readonly XftpGatewayHandle[];
  /** Server identity fingerprint (base64url of the CA key hash), the same on every gateway. */
  readonly fingerprint: string;
  readonly certDir: string;
  readonly blobDir: string;
  readonly databaseUrl: string;
  readonly schema: string;
  readonly logDir: string;
  /** Log tails of every gateway. */
  logTail(lines?: number): string;
  /** Stops every gateway (SIGTERM, then SIGKILL after 10 s), drops the database, removes temp files. */
  stop(): Promise<void>;
}

/**
 * Starts the gateways with fresh credentials in a temporary CERT_DIR (the same files `init`
 * writes), a fresh database (createTestDatabase) and a temporary BLOB_DIR. Gateway 0 starts first
 * and applies the migrations; the others start together after it. Each resolves when its /readyz
 * answers 200, which the gateway sets only once its XFTP port is listening.
 */
export async function startXftpCluster(opts: XftpClusterOptions = {}): Promise<XftpCluster> {
  const n = opts.gateways ?? 2;
  if (n < 1) throw new RangeError('an XFTP cluster needs ≥ 1 gateway');
  const schema = opts.schema ?? 'xftp_e2e';
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const group = await openProcessGroup({
    name: 'xftp-cluster',
    databaseUrl: opts.databaseUrl,
    keepFiles: opts.keepFiles,
  });
  const { certDir, logDir, databaseUrl, procs, stop } = group;
  const blobDir = join(group.dir, 'files');

  try {
    await mkdir(blobDir, { recursive: true });
    const ports = await freePorts(2 * n);
    const gateways: XftpGatewayProcess[] = [];
    for (let i = 0; i < n; i++) {
      const xftpPort = ports[2 * i] as number;
      const opsPort = ports[2 * i + 1] as number;
      const name = `xftp-gateway-${i}`;
      gateways.push(
        new XftpGatewayProcess(
          {
            name,
            cwd: join(REPO_ROOT, 'apps/xftp-gateway'),
            script: 'src/main.ts',
            env: {
              XFTP_PORT: String(xftpPort),
              XFTP_BIND: '127.0.0.1',
              XFTP_HOST: '127.0.0.1',
              CERT_DIR: certDir,
              DATABASE_URL: databaseUrl,
              DATABASE_SCHEMA: schema,
              DATABASE_POOL_SIZE: '4',
              BLOB_DIR: blobDir,
              OPS_PORT: String(opsPort),
              OPS_HOST: '127.0.0.1',
              ...opts.env,
            },
            logFile: join(logDir, `${name}.log`),
            opsPort,
            waitReady: (p, deadline) =>
              waitHttpOk(`http://127.0.0.1:${p.opsPort}/readyz`, p, deadline),
            startTimeoutMs,
          },
          `xftp://${group.fingerprint}@127.0.0.1:${xftpPort}`,
          xftpPort,
        ),
      );
    }
    procs.push(...gateways);
    // Gateway 0 creates the schema; concurrent `CREATE SCHEMA IF NOT EXISTS` can race.
    const [first, ...rest] = gateways;
    await (first as XftpGatewayProcess).startAndWait();
    await Promise.all(rest.map((g) => g.startAndWait()));
    return {
      addresses: gateways.map((g) => g.address),
      gateways,
      fingerprint: group.fingerprint,
      certDir,
      blobDir,
      databaseUrl,
      schema,
      logDir,
      logTail: group.logTail,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

class XftpGatewayProcess extends ManagedProcess implements XftpGatewayHandle {
  constructor(
    spec: ManagedProcessSpec,
    readonly address: string,
    readonly xftpPort: number,
  ) {
    super(spec);
  }
}
