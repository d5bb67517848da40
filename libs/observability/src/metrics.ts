// Prometheus metrics with prom-client: one registry per process, upstream's metric names where
// they map (simplex_smp_*; shared/reference/upstream-servers.md §1.6). Labels are bounded enums
// (command tag, error code, outcome) — never identifiers — and a scrape never touches Postgres.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

/** A registry with Node's default process metrics and a `simplex_smp_info` gauge. */
export function createRegistry(service: string, version: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'simplex_smp_info',
    help: 'Build information',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version }, 1);
  return registry;
}
