// The whole relay in one process: credentials and shard key created on first run under DATA_DIR,
// the embedded PostgreSQL (or DATABASE_URL), one queue-store instance owning every vshard, and one
// gateway, joined by the in-process bus. The same engines run as separate processes in a cluster.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  InProcessTransport,
  ShardRouter,
  Subjects,
  DEFAULT_VSHARD_COUNT,
} from '@simplex-relay/bus';
import {
  Gateway,
  gatewayTlsFromCredentials,
  prometheusGatewayMetrics,
  prometheusProxyMetrics,
} from '@simplex-relay/gateway';
import {
  loadServerCredentials,
  nodeProvider,
  writeServerCredentials,
} from '@simplex-relay/node-crypto';
import {
  createRegistry,
  looseLogger,
  startOpsServer,
  type Logger,
} from '@simplex-relay/observability';
import {
  asciiBytes,
  encodeBase64Url,
  formatServerAddress,
  parseTransportHost,
} from '@simplex-relay/protocol';
import {
  prometheusQueueServiceMetrics,
  startStoreStack,
  type StoreStack,
} from '@simplex-relay/queue-service';
import { loadOrCreateControlPasswords } from './control-passwords.ts';
import { startEmbeddedDb, type EmbeddedDb } from './embedded-db.ts';
import type { RelayConfig } from './relay.config.ts';
import { startEmbeddedXftp } from './xftp.ts';

/** A running relay. */
export interface Relay {
  /** `smp://<fingerprint>[:<password>]@<host>[:<port>]`. */
  readonly address: string;
  readonly port: number;
  readonly fingerprint: string;
  /** The control port on 127.0.0.1, when CONTROL_PORT is set. */
  readonly controlPort?: number;
  /** `xftp://<fingerprint>[:<password>]@<host>:<port>` of the XFTP relay, when XFTP_ENABLED. */
  readonly xftpAddress?: string;
  readonly xftpPort?: number;
  /** The XFTP control port on 127.0.0.1, when XFTP_CONTROL_PORT is set. */
  readonly xftpControlPort?: number;
  stop(): Promise<void>;
}

const VERSION = '0.1.0';

/** Starts the relay; every step that fails undoes the earlier ones. */
export async function startRelay(cfg: RelayConfig, log: Logger): Promise<Relay> {
  const dataDir = resolve(cfg.DATA_DIR);
  // Not 0700: the embedded PostgreSQL runs as its own system user when we are root and must reach
  // DATA_DIR/postgres. Key files are written 0600.
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  if (cfg.DATABASE_URL === undefined && process.getuid?.() === 0) await chmod(dataDir, 0o755);
  const certDir = join(dataDir, 'certs');
  if (!existsSync(join(certDir, 'ca.crt'))) {
    const w = await writeServerCredentials(certDir, {
      algorithm: cfg.CERT_ALGORITHM,
      commonName: cfg.SMP_HOST,
    });
    log.info('created server identity (first run)', { algorithm: cfg.CERT_ALGORITHM });
    log.warn(w.notice);
  }
  const creds = await loadServerCredentials(certDir);
  const shardKey = await loadOrCreateShardKey(join(dataDir, 'shard.key'));

  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let db: EmbeddedDb | undefined;
    let databaseUrl = cfg.DATABASE_URL;
    if (databaseUrl === undefined) {
      db = await startEmbeddedDb(dataDir, cfg.EMBEDDED_PG_PORT, log.child('EmbeddedPostgres'));
      stops.push(() => db!.stop());
      databaseUrl = db.url;
    }
    const registry = createRegistry('relay', VERSION);
    const transport = new InProcessTransport();
    stops.push(() => transport.close());
    const subjects = new Subjects('smp');
    const router = new ShardRouter(shardKey, DEFAULT_VSHARD_COUNT);
    const password = cfg.SMP_PASSWORD === undefined ? undefined : asciiBytes(cfg.SMP_PASSWORD);

    const store: StoreStack = await startStoreStack({
      storeId: 'embedded',
      databaseUrl,
      vshards: Array.from({ length: router.count }, (_, i) => i),
      router,
      transport,
      subjects,
      crypto: nodeProvider,
      service: {
        allowNewQueues: cfg.NEW_QUEUES,
        messageTtlSec: cfg.EXPIRE_MESSAGES_DAYS * 86_400,
        dailyBlockQueueQuota: cfg.DAILY_BLOCK_QUEUE_QUOTA,
        ...(password && { newQueueBasicAuth: password }),
      },
      metrics: prometheusQueueServiceMetrics(registry),
      logger: looseLogger(log.child('QueueService')),
      onClaimLost: () => {
        // Ctrl-C signals the embedded PostgreSQL too, which may end the claim session a moment
        // before our own signal handler runs: only a loss outside a shutdown is an error.
        setTimeout(() => {
          if (stopping) return;
          log.error('lost the vshard claim (database session died); stopping');
          process.exitCode = 1;
          void stopAll();
        }, 200);
      },
    });
    stops.push(() => store.stop());

    const { tls, identity } = gatewayTlsFromCredentials(creds);
    // One pair of passwords for both control ports (SMP and XFTP), kept in one file.
    const control =
      cfg.CONTROL_PORT > 0 || (cfg.XFTP_ENABLED && cfg.XFTP_CONTROL_PORT > 0)
        ? await loadOrCreateControlPasswords(dataDir, {
            admin: cfg.CONTROL_PORT_ADMIN_PASSWORD,
            user: cfg.CONTROL_PORT_USER_PASSWORD,
          })
        : undefined;
    const gateway = new Gateway({
      transport,
      subjects,
      router,
      tls,
      identity,
      provider: nodeProvider,
      ...(password && { serverPassword: password }),
      proxy: {
        allowSmpProxy: cfg.ALLOW_SMP_PROXY,
        clientConcurrency: cfg.PROXY_CLIENT_CONCURRENCY,
        connectTimeoutMs: cfg.PROXY_CONNECT_TIMEOUT_MS,
      },
      proxyMetrics: prometheusProxyMetrics(registry),
      ...(control &&
        cfg.CONTROL_PORT > 0 && {
          controlPort: {
            port: cfg.CONTROL_PORT,
            host: '127.0.0.1',
            adminPassword: asciiBytes(control.admin),
            userPassword: asciiBytes(control.user),
          },
        }),
      logger: looseLogger(log.child('Gateway')),
      metrics: prometheusGatewayMetrics(registry),
    });
    const bound = await gateway.listen(cfg.SMP_PORT, cfg.SMP_BIND);
    stops.push(() => gateway.close());
    // Never the passwords themselves: only where the generated ones are kept.
    if (control?.file !== undefined)
      log.info('control port passwords are kept in a file', { file: control.file });

    const xftp = cfg.XFTP_ENABLED
      ? await startEmbeddedXftp(
          cfg,
          dataDir,
          databaseUrl,
          registry,
          log.child('XftpServer'),
          control,
        )
      : undefined;
    if (xftp) stops.push(() => xftp.stop());

    if (cfg.OPS_PORT > 0) {
      const ops = await startOpsServer(
        registry,
        () => !stopping && gateway.shardMap.complete,
        cfg.OPS_PORT,
      );
      stops.push(() => new Promise<void>((r) => ops.server.close(() => r())));
    }
    // The port is always printed, so the address is complete on any port.
    const address = formatServerAddress({
      scheme: 'smp',
      server: {
        keyHash: identity.keyHash,
        hosts: [parseTransportHost(cfg.SMP_HOST)],
        port: String(bound.port),
      },
      ...(password && { basicAuth: password }),
    });
    return {
      address,
      port: bound.port,
      fingerprint: encodeBase64Url(identity.keyHash),
      ...(gateway.controlAddress && { controlPort: gateway.controlAddress.port }),
      ...(xftp && { xftpAddress: xftp.address, xftpPort: xftp.port }),
      ...(xftp?.controlPort !== undefined && { xftpControlPort: xftp.controlPort }),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

async function loadOrCreateShardKey(path: string): Promise<Uint8Array> {
  if (!existsSync(path))
    await writeFile(path, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  return new Uint8Array(Buffer.from((await readFile(path, 'utf8')).trim(), 'hex'));
}
