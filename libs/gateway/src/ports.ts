// The gateway's outward ports: a logger and metrics hooks. Hosts (the NestJS smp-gateway app, the
// one-process relay) plug in their implementations; both default to no-ops. House style §8: logs
// never carry identifiers, keys, addresses or bodies, and counts go to metrics, not logs.

/** Structured logger; Nest's `Logger` satisfies it. Messages never contain IDs, keys, IPs or bodies. */
export interface GatewayLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
  debug?(message: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: GatewayLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Metrics hooks, without identifiers; `prometheus.ts` maps them to `simplex_smp_sockets_*`
 * (upstream's names) and `simplex_relay_{commands,errors,blocks_in,blocks_out,bus_answer_seconds,
 * bus_dropped}` (ours, labelled only by command tag, error code or drop reason).
 */
export interface GatewayMetrics {
  /** A TLS socket was accepted (before the SMP handshake). */
  socketAccepted(): void;
  /** A socket closed (after a failed handshake too). */
  socketClosed(): void;
  /** Connections currently open (gauge). */
  socketsActive(count: number): void;
  /** A command was received, by wire tag (`SUB`, `SEND`, …). */
  command(tag: string): void;
  /** An `ERR` was sent, by code (`AUTH`, `CMD SYNTAX`, `BLOCK`, …). */
  error(code: string): void;
  /** A block was received. */
  blockIn(): void;
  /** Blocks were written. */
  blockOut(count: number): void;
  /** Time from publishing a store request to its last answer part. */
  busAnswerLatency(ms: number): void;
  /** A bus message was dropped: undecodable, late/unknown answer, or event for a closed connection. */
  busDropped(reason: 'undecodable' | 'unknown-answer' | 'unknown-connection'): void;
  /** Relay role: a forwarded command was answered with `RRES` (upstream `pMsgFwdsRecv`). */
  forwardReceived(): void;
}

/** Metrics that record nothing (the default). */
export const noopMetrics: GatewayMetrics = {
  socketAccepted: () => undefined,
  socketClosed: () => undefined,
  socketsActive: () => undefined,
  command: () => undefined,
  error: () => undefined,
  blockIn: () => undefined,
  blockOut: () => undefined,
  busAnswerLatency: () => undefined,
  busDropped: () => undefined,
  forwardReceived: () => undefined,
};
