// The XFTP server's outward ports: a logger and metrics hooks, both defaulting to no-ops. House
// style §8: logs and metric labels never carry file IDs, keys, addresses or bodies.
import type { Logger } from '@simplex-relay/observability';

export type { Logger };

/**
 * Metrics hooks without identifiers; prometheus.ts maps the file counters to upstream's
 * `simplex_xftp_*` names (`FileTransfer/Server/Prometheus.hs`) and adds connection and request
 * counters labelled only by command tag or error code.
 */
export interface XftpServerMetrics {
  /** FNEW registered a chunk with `recipients` recipient IDs (`filesCreated`, `fileRecipients`). */
  fileCreated(recipients: number): void;
  /** FADD added recipient IDs (`fileRecipients`). */
  recipientsAdded(count: number): void;
  /** FPUT committed a body (`filesUploaded`). */
  fileUploaded(size: number): void;
  /** FDEL removed a chunk (`filesDeleted`). */
  fileDeleted(): void;
  /** An operator blocked a chunk (`filesBlocked`). */
  fileBlocked(): void;
  /** The expiry job removed chunks (`filesExpired`). */
  filesExpired(count: number): void;
  /** FGET started sending a body (`fileDownloads`). */
  fileDownloaded(): void;
  /** FACK removed a recipient (`fileDownloadAcks`). */
  fileDownloadAcked(): void;
  /** Store-wide chunk count and counted bytes (gauges; read from the store, not summed here). */
  storage(stats: { readonly files?: number; readonly usedBytes: number }): void;
  /** A TLS connection was accepted. */
  connectionOpened(): void;
  /** A connection closed. */
  connectionClosed(): void;
  /** A command was received, by wire tag. */
  command(tag: string): void;
  /** An `ERR` was sent (or a bare handshake error), by code. */
  error(code: string): void;
}

/** Metrics that record nothing (the default). */
export const noopXftpMetrics: XftpServerMetrics = {
  fileCreated: () => undefined,
  recipientsAdded: () => undefined,
  fileUploaded: () => undefined,
  fileDeleted: () => undefined,
  fileBlocked: () => undefined,
  filesExpired: () => undefined,
  fileDownloaded: () => undefined,
  fileDownloadAcked: () => undefined,
  storage: () => undefined,
  connectionOpened: () => undefined,
  connectionClosed: () => undefined,
  command: () => undefined,
  error: () => undefined,
};
