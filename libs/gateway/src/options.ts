// Options of the gateway engine. Plain values injected by the host (the smp-gateway app builds them
// from its validated config; the one-process relay from its own): nothing here reads process.env.
import type { TlsOptions } from 'node:tls';
import type { BusTransport, ShardRouter, Subjects } from '@simplex-relay/bus';
import type { BasicAuth, CryptoProvider, PrivateKey, VersionRange } from '@simplex-relay/protocol';
import type { GatewayLogger, GatewayMetrics } from './ports.ts';
import type { ControlPortOptions } from './control/control-server.ts';
import type { ProxyMetrics, ProxyOptions } from './proxy/proxy-options.ts';

/** The SMP handshake identity (spec smp.md §3.2, §4.2). */
export interface GatewayIdentity {
  /** SHA-256 of the identity (CA) certificate DER: the server address key hash. */
  readonly keyHash: Uint8Array;
  /** TLS chain, DER, leaf first ([server.crt, ca.crt]); repeated in the server hello. */
  readonly certChain: readonly Uint8Array[];
  /** Private key of the online certificate: signs each connection's X25519 key. */
  readonly signKey: PrivateKey;
}

/** Limits and timings; every field has a default (see DEFAULT_LIMITS). */
export interface GatewayLimits {
  /** Blocks of one connection in flight to stores; reading stops at the limit. Default 8. */
  readonly maxInFlightBlocks: number;
  /** Concurrent TCP connections (`net.Server#maxConnections`); 0 = unlimited. Default 0. */
  readonly maxConnections: number;
  /** A request unanswered this long answers `ERR INTERNAL`; also the wait for an unknown vshard owner. Default 15 s. */
  readonly answerTimeoutMs: number;
  /** A store whose heartbeats stop for this long leaves the shard map. Default 5 s. */
  readonly storeSilenceMs: number;
  /** SMP handshake limit (upstream `smpHandshakeTimeout`, 120 s). */
  readonly handshakeTimeoutMs: number;
  /** Gateway heartbeat period. Default 1 s. */
  readonly heartbeatMs: number;
  /**
   * Close connections without subscriptions that exchanged nothing for this long (INI
   * `[INACTIVE_CLIENTS] ttl`, 21600 s); 0 disables. Default 6 h.
   */
  readonly inactiveTtlMs: number;
  /** How often idle connections are checked (INI `[INACTIVE_CLIENTS] check_interval`, 3600 s). Default 1 h. */
  readonly inactiveCheckMs: number;
}

/** Upstream-derived defaults. */
export const DEFAULT_LIMITS: GatewayLimits = {
  maxInFlightBlocks: 8,
  maxConnections: 0,
  answerTimeoutMs: 15_000,
  storeSilenceMs: 5_000,
  handshakeTimeoutMs: 120_000,
  heartbeatMs: 1_000,
  inactiveTtlMs: 6 * 3600_000,
  inactiveCheckMs: 3600_000,
};

/** Everything a Gateway needs. */
export interface GatewayOptions {
  readonly transport: BusTransport;
  readonly subjects: Subjects;
  /** Shared shard key and vshard count of the cluster. */
  readonly router: ShardRouter;
  /** `tls.createServer` options (node-crypto `tlsServerOptions(credentials)`). */
  readonly tls: TlsOptions;
  readonly identity: GatewayIdentity;
  /** Crypto for handshakes and `RFWD` checks; default the protocol's `nobleProvider`. */
  readonly provider?: CryptoProvider;
  /** Versions offered in the server hello; default 8..18 (spec §9.3). */
  readonly offered?: VersionRange;
  /**
   * Server password (INI `[AUTH] create_password`). Upstream gates `PRXY` with it too: with a
   * password set, a `PRXY` without the same one is refused with `PROXY BASIC_AUTH`.
   */
  readonly serverPassword?: BasicAuth;
  /** Private message routing, proxy role (§7.11.4); upstream defaults (DEFAULT_PROXY_OPTIONS). */
  readonly proxy?: Partial<ProxyOptions>;
  /** Proxy counters (`simplex_smp_relay_{sessions,messages}_*`); default none. */
  readonly proxyMetrics?: ProxyMetrics;
  /** This gateway's bus ID; default `gw-` + 12 random hex digits. */
  readonly gatewayId?: string;
  /** The operator control port (INI `[TRANSPORT] control_port`), started by `listen`; off when absent. */
  readonly controlPort?: ControlPortOptions;
  readonly limits?: Partial<GatewayLimits>;
  readonly logger?: GatewayLogger;
  readonly metrics?: GatewayMetrics;
}
