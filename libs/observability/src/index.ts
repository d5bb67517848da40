// Public API of @simplex-relay/observability.
export { startTracing, traceHeaders, inSpan } from './tracing.ts';
export type { Tracing, TracingOptions, TraceExporterKind } from './tracing.ts';
export { JsonLogger, silentLogger, LOG_LEVELS } from './logger.ts';
export type { Logger, LogFields, LogLevel } from './logger.ts';
export { createRegistry, Counter, Gauge, Histogram, Registry } from './metrics.ts';
