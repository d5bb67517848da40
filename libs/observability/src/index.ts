// Public API of @simplex-relay/observability.
export {
  startTracing,
  traceHeaders,
  inSpan,
  startRemoteSpan,
  endSpan,
  tracerFor,
} from './tracing.ts';
export type { Tracing, TracingOptions, TraceExporterKind } from './tracing.ts';
export { JsonLogger, silentLogger, looseLogger, LOG_LEVELS } from './logger.ts';
export type { Logger, LogFields, LogLevel, LooseLogger } from './logger.ts';
export { startOpsServer } from './ops-server.ts';
export { createRegistry, Counter, Gauge, Histogram, Registry } from './metrics.ts';
