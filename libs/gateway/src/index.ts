// Public API of @simplex-relay/gateway: the SMP gateway engine, hosted by apps/smp-gateway and by the
// one-process relay. Plain classes with injected ports; no Nest, no process.env.
export { Gateway } from './gateway.ts';
export { GatewayConnection, BlockJob } from './connection.ts';
export type { HeldId, StoreBoundCommand, ConnectionHost } from './connection.ts';
export { ShardMap, DEFAULT_STORE_SILENCE_MS } from './shard-map.ts';
export type { ShardMapOptions, ShardChange } from './shard-map.ts';
export { StoreDispatcher, MAX_REDIRECTS, MAX_IDS_PER_REQUEST } from './dispatcher.ts';
export { DEFAULT_LIMITS } from './options.ts';
export type { GatewayOptions, GatewayLimits, GatewayIdentity } from './options.ts';
export { gatewayTlsFromCredentials } from './credentials.ts';
export { ControlServer } from './control/control-server.ts';
export type { ControlPortOptions, ControlServerDeps } from './control/control-server.ts';
export { silentLogger, noopMetrics } from './ports.ts';
export type { GatewayLogger, GatewayMetrics } from './ports.ts';
export { prometheusGatewayMetrics, prometheusProxyMetrics } from './prometheus.ts';
export { DEFAULT_PROXY_OPTIONS, noopProxyMetrics } from './proxy/proxy-options.ts';
export type {
  ProxyOptions,
  ProxyMetrics,
  ProxyStat,
  ProxyErrorKind,
} from './proxy/proxy-options.ts';
export { ProxyService } from './proxy/proxy-service.ts';
export type { ProxyAnswer } from './proxy/proxy-service.ts';
export {
  RelayAgent,
  RelayClient,
  supportedProxyClientSMPRelayVRange,
} from './proxy/relay-agent.ts';
