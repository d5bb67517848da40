// Options of the XFTP server engine, mirroring upstream `FileTransfer/Server/Env.hs:
// XFTPServerConfig` (INI names in each doc comment). Hosts build them from their validated config.
import type { ControlPortOptions } from '@simplex-relay/control-port';
import type { CheckedCredentials, WebCredentials } from '@simplex-relay/node-crypto';
import type { CryptoProvider, VersionRange } from '@simplex-relay/protocol';
import type { BlobStore, FileStore } from '@simplex-relay/xftp-store';
import type { Logger, XftpServerMetrics } from './ports.ts';

/** Expiry of chunks (upstream `ExpirationConfig` for `fileExpiration`). */
export interface FileExpirationOptions {
  /** Lifetime in seconds (INI `[STORE_LOG] expire_files_hours`, default 48 h). */
  readonly ttlSeconds: number;
  /** Seconds between sweeps (upstream 2 h); one sweep also runs at start. */
  readonly checkIntervalSeconds: number;
  /** Records removed per store call (each call is one statement). Default 1000. */
  readonly batchSize?: number;
}

/** Closing idle connections (INI `[INACTIVE_CLIENTS]`, off by default for XFTP). */
export interface InactiveClientOptions {
  /** `ttl`: a connection with no request for this long is closed, seconds (upstream 21600). */
  readonly ttlSeconds: number;
  /** `check_interval`, seconds (upstream 3600). */
  readonly checkIntervalSeconds: number;
}

/** Everything the server needs; only the identity and the two stores are required. */
export interface XftpServerOptions {
  /** The XFTP identity: CA + online certificate and key (node-crypto `loadServerCredentials`). */
  readonly credentials: CheckedCredentials;
  /**
   * INI `[WEB] cert` / `key`: presented to clients that send SNI, which enables the web handshake
   * and CORS (spec §3.3); also switches TLS to the browser-capable parameter set.
   */
  readonly web?: WebCredentials;
  /** Chunk records (shared by every gateway of a deployment). */
  readonly fileStore: FileStore;
  /** Chunk bodies (shared by every gateway of a deployment). */
  readonly blobStore: BlobStore;
  /** Default `nodeProvider`. */
  readonly provider?: CryptoProvider;
  /** Versions offered (upstream `xftpServerVRange`); default 1..3. */
  readonly versionRange?: VersionRange;
  /** INI `[AUTH] new_files` (default on). */
  readonly allowNewFiles?: boolean;
  /** INI `[AUTH] create_password`: FNEW must carry it when set. */
  readonly newFileBasicAuth?: Uint8Array;
  /** Chunk sizes FNEW accepts (upstream `allowedChunkSizes`); default 64 KB, 256 KB, 1 MB, 4 MB. */
  readonly allowedChunkSizes?: readonly number[];
  /** INI `[FILES] storage_quota` in bytes; absent = unlimited. */
  readonly storageQuota?: number;
  /** Chunk expiry; `false` turns it off. Default 48 h, checked every 2 h. */
  readonly fileExpiration?: FileExpirationOptions | false;
  /** Limit for receiving one FPUT body, ms (upstream `fileTimeout`, 5 min). */
  readonly fileTimeoutMs?: number;
  /** Close connections idle this long; absent = never (upstream default for XFTP). */
  readonly inactiveClients?: InactiveClientOptions;
  /** TLS setup limit, ms (upstream 60 s). */
  readonly tlsHandshakeTimeoutMs?: number;
  /** How often the storage gauges are refreshed from the store, ms (default 60 s; 0 = only with expiry). */
  readonly storageStatsIntervalMs?: number;
  /**
   * The operator control port on 127.0.0.1 (INI `[TRANSPORT] control_port`, upstream 5226 in the
   * template; `[AUTH] control_port_admin_password` / `control_port_user_password`), started by
   * `listen`; off when absent.
   */
  readonly controlPort?: ControlPortOptions;
  readonly logger?: Logger;
  readonly metrics?: XftpServerMetrics;
}

/** Defaults of the optional fields. */
export const XFTP_SERVER_DEFAULTS = {
  fileExpiration: { ttlSeconds: 48 * 3600, checkIntervalSeconds: 2 * 3600, batchSize: 1000 },
  fileTimeoutMs: 5 * 60_000,
  tlsHandshakeTimeoutMs: 60_000,
  storageStatsIntervalMs: 60_000,
} as const;
