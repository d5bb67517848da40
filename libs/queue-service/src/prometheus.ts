// QueueServiceMetrics on a Prometheus registry: one counter per name in QueueServiceCounter, with
// no labels (nothing that could identify a queue, a client or a connection).
import { Counter, type Registry } from '@simplex-relay/observability';
import { QueueServiceCounter, type QueueServiceMetrics } from './metrics.ts';

/** Registers the service's counters on `registry` and returns the sink that increments them. */
export function prometheusQueueServiceMetrics(registry: Registry): QueueServiceMetrics {
  const counters = new Map<string, Counter>();
  for (const name of Object.values(QueueServiceCounter)) {
    counters.set(
      name,
      new Counter({ name, help: `queue-service counter ${name}`, registers: [registry] }),
    );
  }
  return { inc: (name, by = 1) => counters.get(name)?.inc(by) };
}
