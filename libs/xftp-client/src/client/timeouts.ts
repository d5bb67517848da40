// Client-side time limits (spec xftp.md Appendix A4), as the native client computes them with the
// default network config in background mode. Upstream `Messaging/Client.hs: defaultNetworkConfig`
// (`tcpConnectTimeout`, `tcpTimeout`, `tcpTimeoutPerKb`), `FileTransfer/Client.hs: xftpReqTimeout`,
// `chunkTimeout`, `Transport/HTTP2/Client.hs: http2RequestTimeout`.

/** The three numbers every limit is derived from. */
export interface XftpTimeouts {
  /** TCP + TLS connect, and each handshake request (upstream `connTimeout`). Default 45 s. */
  readonly connectMs: number;
  /** Added to `connectMs` for a command's response head (upstream `tcpTimeout`). Default 30 s. */
  readonly requestMs: number;
  /** Added per KiB of chunk for FPUT and for an FGET body (upstream `tcpTimeoutPerKb`). Default 5 ms. */
  readonly perKbMs: number;
}

/** Upstream defaults (background mode). */
export const DEFAULT_XFTP_TIMEOUTS: XftpTimeouts = {
  connectMs: 45_000,
  requestMs: 30_000,
  perKbMs: 5,
};

/** `chunkTimeout`: the request limit plus 5 ms per whole KiB of the chunk. */
export function chunkTimeoutMs(t: XftpTimeouts, chunkSize: number): number {
  return t.requestMs + Math.floor(chunkSize / 1024) * t.perKbMs;
}

/**
 * `http2RequestTimeout (xftpReqTimeout …)`: the time a command may take up to its 16384-byte response
 * head. For FPUT (`uploadSize` given) the budget includes sending the chunk.
 */
export function commandTimeoutMs(t: XftpTimeouts, uploadSize?: number): number {
  return t.connectMs + (uploadSize === undefined ? t.requestMs : chunkTimeoutMs(t, uploadSize));
}
