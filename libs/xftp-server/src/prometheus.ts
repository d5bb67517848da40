// XftpServerMetrics on a Prometheus registry with upstream's names (`FileTransfer/Server/
// Prometheus.hs`, shared/reference/upstream-servers.md §1.6): counters per process (Prometheus sums
// them across gateways), the two storage gauges read from the shared store (the same value on every
// gateway: aggregate with max). Upstream's period gauges of distinct downloaded files
// (`simplex_xftp_files_count_{daily,weekly,monthly}`) need a shared set of IDs and are not kept.
// Our own connection and request metrics are labelled by command tag or error code only.
import { Counter, Gauge, type Registry } from '@simplex-relay/observability';
import type { XftpServerMetrics } from './ports.ts';

const TAGS = new Set(['FNEW', 'FADD', 'FPUT', 'FDEL', 'FGET', 'FACK', 'PING']);

/** Registers the XFTP metrics on `registry` and returns the hooks that update them. */
export function prometheusXftpMetrics(registry: Registry, version = '0.1.0'): XftpServerMetrics {
  const r = [registry];
  const counter = (name: string, help: string) => new Counter({ name, help, registers: r });
  const created = counter('simplex_xftp_files_created', 'Created files');
  const recipients = counter('simplex_xftp_files_recipients', 'Files recipients');
  const uploaded = counter('simplex_xftp_files_uploaded', 'Uploaded files');
  const expired = counter('simplex_xftp_files_expired', 'Expired files');
  const deleted = counter('simplex_xftp_files_deleted', 'Deleted files');
  const blocked = counter('simplex_xftp_files_blocked', 'Blocked files');
  const downloads = counter('simplex_xftp_file_downloads', 'File downloads');
  const acks = counter('simplex_xftp_file_download_acks', 'File download ACKs');
  const uploadedBytes = counter('simplex_xftp_files_uploaded_bytes', 'Bytes of uploaded files');
  const count = new Gauge({
    name: 'simplex_xftp_files_count_total',
    help: 'Total files count',
    registers: r,
  });
  const size = new Gauge({
    name: 'simplex_xftp_files_size',
    help: 'Size of files (bytes counted against the quota)',
    registers: r,
  });
  new Gauge({
    name: 'simplex_xftp_info',
    help: 'Server information',
    labelNames: ['version'],
    registers: r,
  }).set({ version }, 1);
  const accepted = counter('simplex_xftp_connections_accepted', 'TLS connections accepted');
  const active = new Gauge({
    name: 'simplex_xftp_connections_active',
    help: 'Open connections',
    registers: r,
  });
  const commands = new Counter({
    name: 'simplex_xftp_commands',
    help: 'Commands received by tag',
    labelNames: ['tag'],
    registers: r,
  });
  const errors = new Counter({
    name: 'simplex_xftp_errors',
    help: 'Errors sent by code (ERR responses and bare handshake errors)',
    labelNames: ['code'],
    registers: r,
  });
  return {
    fileCreated: (n) => {
      created.inc();
      recipients.inc(n);
    },
    recipientsAdded: (n) => recipients.inc(n),
    fileUploaded: (bytes) => {
      uploaded.inc();
      uploadedBytes.inc(bytes);
    },
    fileDeleted: () => deleted.inc(),
    fileBlocked: () => blocked.inc(),
    filesExpired: (n) => expired.inc(n),
    fileDownloaded: () => downloads.inc(),
    fileDownloadAcked: () => acks.inc(),
    storage: (s) => {
      size.set(s.usedBytes);
      if (s.files !== undefined) count.set(s.files);
    },
    connectionOpened: () => {
      accepted.inc();
      active.inc();
    },
    connectionClosed: () => active.dec(),
    command: (tag) => commands.inc({ tag: TAGS.has(tag) ? tag : 'other' }),
    error: (code) => errors.inc({ code }),
  };
}
