// Options and metrics port of the proxy role (spec smp.md §7.11.4). Defaults are upstream's:
// `Server/Main.hs: serverConfig` (`allowSMPProxy = True`, `[PROXY] client_concurrency`,
// `persistErrorInterval = 30`) and `Client.hs: defaultNetworkConfig` (background timeouts, which
// the proxy's client agent uses).

/** Private message routing settings; every field has a default (DEFAULT_PROXY_OPTIONS). */
export interface ProxyOptions {
  /** Accept `PRXY` at all (upstream `allowSMPProxy`, always on there). Default true. */
  readonly allowSmpProxy: boolean;
  /** Proxied commands in flight per client connection (INI `[PROXY] client_concurrency`). Default 32. */
  readonly clientConcurrency: number;
  /** TCP + TLS + SMP handshake limit towards a destination relay (`tcpConnectTimeout`, 45 s). */
  readonly connectTimeoutMs: number;
  /** `RFWD` response limit (`tcpTimeout`, 30 s). */
  readonly commandTimeoutMs: number;
  /** How long a failed connection's error is answered without redialling (`persistErrorInterval`, 30 s). */
  readonly persistErrorMs: number;
}

/** Upstream defaults. */
export const DEFAULT_PROXY_OPTIONS: ProxyOptions = {
  allowSmpProxy: true,
  clientConcurrency: 32,
  connectTimeoutMs: 45_000,
  commandTimeoutMs: 30_000,
  persistErrorMs: 30_000,
};

/** Which upstream proxy statistics a count belongs to: `PRXY` (`pRelays`) or `PFWD` (`pMsgFwds`). */
export type ProxyStat = 'sessions' | 'messages';

/** Error kinds of upstream `ProxyStats`: `pErrorsConnect`, `pErrorsCompat`, `pErrorsOther`. */
export type ProxyErrorKind = 'connect' | 'compat' | 'other';

/**
 * Proxy counters (upstream `ProxyStats`, exported as `simplex_smp_relay_{sessions,messages}_*`);
 * no hosts, IDs or keys.
 */
export interface ProxyMetrics {
  request(stat: ProxyStat): void;
  success(stat: ProxyStat): void;
  error(stat: ProxyStat, kind: ProxyErrorKind): void;
}

/** Metrics that record nothing (the default). */
export const noopProxyMetrics: ProxyMetrics = {
  request: () => undefined,
  success: () => undefined,
  error: () => undefined,
};

/** Merges `o` over the defaults; RangeError for values that cannot work. */
export function proxyOptions(o: Partial<ProxyOptions> = {}): ProxyOptions {
  const r = { ...DEFAULT_PROXY_OPTIONS, ...o };
  if (!Number.isInteger(r.clientConcurrency) || r.clientConcurrency < 1)
    throw new RangeError('proxy clientConcurrency must be a positive integer');
  for (const k of ['connectTimeoutMs', 'commandTimeoutMs'] as const)
    if (!(r[k] > 0)) throw new RangeError(`proxy ${k} must be positive`);
  if (!(r.persistErrorMs >= 0)) throw new RangeError('proxy persistErrorMs must be ≥ 0');
  return r;
}
