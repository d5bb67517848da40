// Public API of @simplex-relay/xftp-server: the XFTP server engine (spec xftp.md) over node:http2
// and TLS, with chunk records in a FileStore and bodies in a BlobStore (@simplex-relay/xftp-store).
export { XftpServer } from './xftp-server.ts';
export { XFTP_SERVER_DEFAULTS } from './options.ts';
export type { XftpServerOptions, FileExpirationOptions, InactiveClientOptions } from './options.ts';
export { noopXftpMetrics } from './ports.ts';
export type { XftpServerMetrics } from './ports.ts';
export { prometheusXftpMetrics } from './prometheus.ts';
export type { ExpireRunOptions } from './expiry.ts';
