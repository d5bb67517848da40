// OpenTelemetry tracing for the apps: one tracer provider per process, W3C trace context carried
// across the bus in message headers (`traceparent`), so a SEND is one trace from the gateway
// through NATS to the store. Span attributes never hold identifiers, keys, addresses or bodies:
// only command tags, counts, versions and outcomes.
import {
  context,
  propagation,
  trace,
  SpanStatusCode,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';

/** Where spans go: nowhere, an OTLP/HTTP collector, or memory (tests). */
export type TraceExporterKind = 'none' | 'otlp' | 'memory';

/** Tracing options (from each app's config). */
export interface TracingOptions {
  readonly serviceName: string;
  readonly exporter: TraceExporterKind;
  /** OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces. */
  readonly otlpEndpoint?: string;
}

/** A started tracing setup; `shutdown()` flushes and never rejects. */
export interface Tracing {
  readonly tracer: Tracer;
  /** Only with exporter 'memory'. */
  readonly memory?: InMemorySpanExporter;
  shutdown(): Promise<void>;
}

/** Starts tracing for this process (a no-op tracer with exporter 'none'). */
export function startTracing(o: TracingOptions): Tracing {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (o.exporter === 'none')
    return { tracer: trace.getTracer(o.serviceName), shutdown: async () => {} };
  let processor: SpanProcessor;
  let memory: InMemorySpanExporter | undefined;
  if (o.exporter === 'memory') {
    memory = new InMemorySpanExporter();
    processor = new SimpleSpanProcessor(memory);
  } else {
    processor = new BatchSpanProcessor(
      new OTLPTraceExporter(o.otlpEndpoint ? { url: o.otlpEndpoint } : {}),
    );
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  return {
    tracer: provider.getTracer(o.serviceName),
    ...(memory && { memory }),
    // A collector that is down must not crash shutdown (measured: OTLP shutdown rejects with
    // ECONNREFUSED when nothing listens).
    shutdown: () => provider.shutdown().catch(() => undefined),
  };
}

/** The current trace context as bus headers (empty when there is no active span). */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs `fn` inside a new span that continues the trace carried by `headers` (if any). The span
 * ends when the returned promise settles; a rejection marks it as an error (message not recorded,
 * since it could carry details of a request).
 */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  headers: Readonly<Record<string, string>> | undefined,
  attributes: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = headers ? propagation.extract(context.active(), headers) : context.active();
  return tracer.startActiveSpan(name, { attributes }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw e;
    } finally {
      span.end();
    }
  });
}

/**
 * Starts a span for work that continues in another process and returns the bus headers that carry
 * it; end the span when the answer arrives. A no-op span (and empty headers) when tracing is off.
 */
export function startRemoteSpan(
  tracerName: string,
  name: string,
  attributes: Record<string, string | number | boolean>,
): { span: Span; headers: Record<string, string> } {
  const span = trace.getTracer(tracerName).startSpan(name, { attributes });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return { span, headers: carrier };
}

/** Ends a span, marking it failed when `ok` is false. */
export function endSpan(span: Span, ok = true): void {
  if (!ok) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** The global tracer of a component (a no-op tracer until `startTracing` registered a provider). */
export function tracerFor(name: string): Tracer {
  return trace.getTracer(name);
}
