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
export { silentLogger, noopMetrics } from './ports.ts';
export type { GatewayLogger, GatewayMetrics } from './ports.ts';
export { prometheusGatewayMetrics } from './prometheus.ts';
