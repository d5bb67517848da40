// Trace context crosses a message boundary through headers; logs are JSON lines; the registry
// exposes upstream-named metrics.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  JsonLogger,
  createRegistry,
  inSpan,
  startTracing,
  traceHeaders,
  Counter,
} from '../src/index.ts';

describe('tracing', () => {
  const t = startTracing({ serviceName: 'test', exporter: 'memory' });
  after(() => t.shutdown());

  it('continues a trace on the far side of the bus from the traceparent header', async () => {
    let headers: Record<string, string> = {};
    await inSpan(t.tracer, 'gateway.block', undefined, { 'smp.commands': 2 }, () => {
      headers = traceHeaders();
    });
    assert.match(headers['traceparent'] ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await inSpan(t.tracer, 'store.request', headers, {}, () => undefined);
    const [gw, store] = t.memory?.getFinishedSpans() ?? [];
    assert.ok(gw && store);
    assert.equal(store.spanContext().traceId, gw.spanContext().traceId, 'same trace');
    assert.equal(
      store.parentSpanContext?.spanId,
      gw.spanContext().spanId,
      'store span is a child of the gateway span',
    );
  });

  it('marks a span as an error when the work rejects, and rethrows', async () => {
    await assert.rejects(
      inSpan(t.tracer, 'fails', undefined, {}, () => Promise.reject(new Error('x'))),
    );
    const spans = t.memory?.getFinishedSpans() ?? [];
    assert.equal(spans[spans.length - 1]?.status.code, 2);
  });
});

describe(JsonLogger.name, () => {
  it('writes one JSON object per line with level, context and fields, and honours the level', () => {
    const lines: string[] = [];
    const log = new JsonLogger('Gateway', 'info', (l) => lines.push(l));
    log.debug('hidden');
    log.child('Conn').warn('closed', { reason: 'idle', blocks: 3 });
    assert.equal(lines.length, 1, 'debug is below info');
    const o = JSON.parse(lines[0] as string);
    assert.deepEqual(
      [o.level, o.context, o.msg, o.reason, o.blocks],
      ['warn', 'Conn', 'closed', 'idle', 3],
    );
  });
});

describe('metrics registry', () => {
  it('exposes simplex_smp_info and counters in the Prometheus text format', async () => {
    const r = createRegistry('queue-store', '0.1.0');
    new Counter({ name: 'simplex_smp_messages_sent', help: 'x', registers: [r] }).inc(3);
    const text = await r.metrics();
    assert.match(text, /simplex_smp_info\{version="0.1.0",service="queue-store"\} 1/);
    assert.match(text, /simplex_smp_messages_sent\{service="queue-store"\} 3/);
  });
});
