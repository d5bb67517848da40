// Hosts the XFTP server engine for the lifetime of the Nest application: loads the identity (and
// the optional web certificate), migrates and opens the shared Postgres record store and the
// shared blob root, then serves until shutdown.
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_LOGGER, METRICS_REGISTRY, Readiness } from '@simplex-relay/nest-ops';
import { loadServerCredentials, loadWebCredentials } from '@simplex-relay/node-crypto';
import type { Logger, Registry } from '@simplex-relay/observability';
import { asciiBytes, formatXFTPServerAddress, parseTransportHost } from '@simplex-relay/protocol';
import { XftpServer, prometheusXftpMetrics } from '@simplex-relay/xftp-server';
import { FsBlobStore, PostgresFileStore, migrateFileStore } from '@simplex-relay/xftp-store';
import { XFTP_GATEWAY_CONFIG, type XftpGatewayConfig } from '../config/xftp-gateway.config.ts';

export const SERVICE_VERSION = '0.1.0';

@Injectable()
export class XftpService implements OnApplicationBootstrap, OnApplicationShutdown {
  #server: XftpServer | undefined;
  #store: PostgresFileStore | undefined;

  constructor(
    @Inject(XFTP_GATEWAY_CONFIG) private readonly cfg: XftpGatewayConfig,
    @Inject(APP_LOGGER) private readonly log: Logger,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(Readiness) private readonly readiness: Readiness,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const c = this.cfg;
    const credentials = await loadServerCredentials(c.CERT_DIR);
    const web =
      c.WEB_CERT !== undefined && c.WEB_KEY !== undefined
        ? await loadWebCredentials(c.WEB_CERT, c.WEB_KEY)
        : undefined;
    if (c.DATABASE_MIGRATE) {
      const ran = await migrateFileStore(c.DATABASE_URL, { schema: c.DATABASE_SCHEMA });
      if (ran.length > 0) this.log.info('database migrated', { migrations: ran.length });
    }
    const log = this.log.child('XftpServer');
    this.#store = new PostgresFileStore({
      connectionString: c.DATABASE_URL,
      schema: c.DATABASE_SCHEMA,
      poolSize: c.DATABASE_POOL_SIZE,
      onPoolError: (e) => log.warn('database connection error', { error: e.message }),
    });
    const blobStore = await FsBlobStore.open({ root: c.BLOB_DIR });
    this.#server = new XftpServer({
      credentials,
      ...(web && { web }),
      fileStore: this.#store,
      blobStore,
      allowNewFiles: c.NEW_FILES,
      ...(c.CREATE_PASSWORD !== undefined && { newFileBasicAuth: asciiBytes(c.CREATE_PASSWORD) }),
      ...(c.STORAGE_QUOTA !== undefined && { storageQuota: c.STORAGE_QUOTA }),
      fileExpiration: c.FILE_EXPIRY_HOURS > 0 && {
        ttlSeconds: c.FILE_EXPIRY_HOURS * 3600,
        checkIntervalSeconds: c.FILE_EXPIRY_CHECK_INTERVAL,
      },
      ...(c.INACTIVE_CLIENTS_DISCONNECT && {
        inactiveClients: {
          ttlSeconds: c.INACTIVE_CLIENTS_TTL,
          checkIntervalSeconds: c.INACTIVE_CLIENTS_CHECK_INTERVAL,
        },
      }),
      ...(c.CONTROL_PORT > 0 && {
        controlPort: {
          port: c.CONTROL_PORT,
          host: '127.0.0.1',
          ...(c.CONTROL_PORT_ADMIN_PASSWORD !== undefined && {
            adminPassword: asciiBytes(c.CONTROL_PORT_ADMIN_PASSWORD),
          }),
          ...(c.CONTROL_PORT_USER_PASSWORD !== undefined && {
            userPassword: asciiBytes(c.CONTROL_PORT_USER_PASSWORD),
          }),
        },
      }),
      logger: log,
      metrics: prometheusXftpMetrics(this.registry, SERVICE_VERSION),
    });
    const bound = await this.#server.listen(c.XFTP_PORT, c.XFTP_BIND);
    this.readiness.ready = true;
    const address = formatXFTPServerAddress({
      server: {
        keyHash: this.#server.keyHash,
        hosts: [parseTransportHost(c.XFTP_HOST)],
        port: bound.port === 443 ? '' : String(bound.port),
      },
    });
    this.log.info('XFTP server listening', { port: bound.port, web: web !== undefined });
    const control = this.#server.controlAddress;
    if (control) this.log.info('control port listening', { port: control.port });
    this.log.info(`XFTP server address: ${address}`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.readiness.ready = false;
    await this.#server?.close();
    await this.#store?.close();
  }
}
