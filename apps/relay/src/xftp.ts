// The XFTP relay of `npm start`: the same engine as apps/xftp-gateway, on the relay's PostgreSQL
// (its own schema) with bodies under DATA_DIR/files. Its identity is separate from the SMP one, as
// upstream's xftp-server is a separate server (Ed448 like `xftp-server init`), under
// DATA_DIR/certs/xftp; the web certificate for browsers (self-signed, for localhost and XFTP_HOST)
// is DATA_DIR/certs/web.crt and web.key, created on first run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadOrCreateWebCredentials,
  loadServerCredentials,
  writeServerCredentials,
} from '@simplex-relay/node-crypto';
import type { Logger, Registry } from '@simplex-relay/observability';
import { asciiBytes, formatXFTPServerAddress, parseTransportHost } from '@simplex-relay/protocol';
import { XftpServer, prometheusXftpMetrics } from '@simplex-relay/xftp-server';
import { FsBlobStore, PostgresFileStore, migrateFileStore } from '@simplex-relay/xftp-store';
import type { ControlPasswords } from './control-passwords.ts';
import type { RelayConfig } from './relay.config.ts';

/** Schema of the XFTP records in the relay's database. */
export const XFTP_SCHEMA = 'xftp_store';

/** A running embedded XFTP server. */
export interface EmbeddedXftp {
  /** `xftp://<fingerprint>[:<password>]@<host>:<port>`. */
  readonly address: string;
  readonly port: number;
  /** The control port on 127.0.0.1 (XFTP_CONTROL_PORT). */
  readonly controlPort?: number;
  stop(): Promise<void>;
}

/** Starts the XFTP server; on failure nothing is left running. */
export async function startEmbeddedXftp(
  cfg: RelayConfig,
  dataDir: string,
  databaseUrl: string,
  registry: Registry,
  log: Logger,
  control?: ControlPasswords,
): Promise<EmbeddedXftp> {
  const certDir = join(dataDir, 'certs', 'xftp');
  if (!existsSync(join(certDir, 'ca.crt'))) {
    const w = await writeServerCredentials(certDir, {
      algorithm: 'ed448',
      commonName: cfg.XFTP_HOST,
    });
    log.info('created XFTP server identity (first run)');
    log.warn(w.notice);
  }
  const credentials = await loadServerCredentials(certDir);
  const web = cfg.XFTP_WEB
    ? await loadOrCreateWebCredentials(join(dataDir, 'certs'), {
        hosts: [...new Set(['localhost', cfg.XFTP_HOST])],
      })
    : undefined;
  await migrateFileStore(databaseUrl, { schema: XFTP_SCHEMA });
  const fileStore = new PostgresFileStore({
    connectionString: databaseUrl,
    schema: XFTP_SCHEMA,
    poolSize: 4,
    onPoolError: (e) => log.warn('database connection error', { error: e.message }),
  });
  const password =
    cfg.XFTP_CREATE_PASSWORD === undefined ? undefined : asciiBytes(cfg.XFTP_CREATE_PASSWORD);
  let server: XftpServer | undefined;
  try {
    server = new XftpServer({
      credentials,
      ...(web && { web: web.credentials }),
      fileStore,
      blobStore: await FsBlobStore.open({ root: join(dataDir, 'files') }),
      allowNewFiles: cfg.XFTP_NEW_FILES,
      ...(password && { newFileBasicAuth: password }),
      ...(cfg.XFTP_STORAGE_QUOTA !== undefined && { storageQuota: cfg.XFTP_STORAGE_QUOTA }),
      fileExpiration: cfg.XFTP_FILE_EXPIRY_HOURS > 0 && {
        ttlSeconds: cfg.XFTP_FILE_EXPIRY_HOURS * 3600,
        checkIntervalSeconds: 2 * 3600,
      },
      ...(control &&
        cfg.XFTP_CONTROL_PORT > 0 && {
          controlPort: {
            port: cfg.XFTP_CONTROL_PORT,
            host: '127.0.0.1',
            adminPassword: asciiBytes(control.admin),
            userPassword: asciiBytes(control.user),
          },
        }),
      logger: log,
      metrics: prometheusXftpMetrics(registry),
    });
    const bound = await server.listen(cfg.XFTP_PORT, cfg.XFTP_BIND);
    const address = formatXFTPServerAddress({
      server: {
        keyHash: server.keyHash,
        hosts: [parseTransportHost(cfg.XFTP_HOST)],
        port: String(bound.port),
      },
      ...(password && { basicAuth: password }),
    });
    const s = server;
    return {
      address,
      port: bound.port,
      ...(s.controlAddress && { controlPort: s.controlAddress.port }),
      stop: async () => {
        await s.close();
        await fileStore.close();
      },
    };
  } catch (e) {
    await server?.close();
    await fileStore.close();
    throw e;
  }
}
