// Public API of @simplex-relay/queue-service: the store-side SMP engine and its bus adapter.
export { QueueService } from './queue-service.ts';
export type { QueueServiceDeps } from './queue-service.ts';
export { StoreNode, BusEventSink } from './store-node.ts';
export type { StoreNodeOptions } from './store-node.ts';
export { QUEUE_SERVICE_DEFAULTS, resolveOptions } from './config.ts';
export type { QueueServiceOptions, ResolvedQueueServiceOptions } from './config.ts';
export { QueueServiceCounter, noopQueueServiceMetrics } from './metrics.ts';
export type { QueueServiceMetrics } from './metrics.ts';
export type { OperatorResult, QueueRef } from './operator.ts';
export { systemClock, systemTimers, consoleLogger } from './ports.ts';
export type { Clock, EventSink, ServiceLogger, Timers } from './ports.ts';
export { KeyedLanes } from './lanes.ts';
export { RCV_MSG_PADDED_LENGTH, NMSG_META_PADDED_LENGTH } from './delivery.ts';
export { prometheusQueueServiceMetrics } from './prometheus.ts';
export { startStoreStack } from './store-stack.ts';
export type { StoreStackOptions, StoreStack } from './store-stack.ts';
