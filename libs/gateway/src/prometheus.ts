// GatewayMetrics on a Prometheus registry. Labels are bounded enums only: command tags (the fixed
// set of SMP tags; anything else counts as "other"), error codes, drop reasons.
import { Counter, Gauge, Histogram, type Registry } from '@simplex-relay/observability';
import type { GatewayMetrics } from './ports.ts';

const TAGS = new Set([
  'NEW',
  'SUB',
  'SUBS',
  'KEY',
  'RKEY',
  'LSET',
  'LDEL',
  'NKEY',
  'NDEL',
  'GET',
  'ACK',
  'OFF',
  'DEL',
  'QUE',
  'SKEY',
  'SEND',
  'PING',
  'LKEY',
  'LGET',
  'NSUB',
  'NSUBS',
  'PRXY',
  'PFWD',
  'RFWD',
]);

/** Registers the gateway's metrics on `registry` and returns the hooks that update them. */
export function prometheusGatewayMetrics(registry: Registry): GatewayMetrics {
  const r = [registry];
  const accepted = new Counter({
    name: 'simplex_smp_sockets_accepted',
    help: 'TLS sockets accepted',
    registers: r,
  });
  const closed = new Counter({
    name: 'simplex_smp_sockets_closed',
    help: 'Sockets closed',
    registers: r,
  });
  const active = new Gauge({
    name: 'simplex_smp_sockets_active',
    help: 'Open connections',
    registers: r,
  });
  const commands = new Counter({
    name: 'simplex_relay_commands',
    help: 'Commands received by tag',
    labelNames: ['tag'],
    registers: r,
  });
  const errors = new Counter({
    name: 'simplex_relay_errors',
    help: 'ERR responses by code',
    labelNames: ['code'],
    registers: r,
  });
  const blocksIn = new Counter({
    name: 'simplex_relay_blocks_in',
    help: 'Blocks received',
    registers: r,
  });
  const blocksOut = new Counter({
    name: 'simplex_relay_blocks_out',
    help: 'Blocks sent',
    registers: r,
  });
  const latency = new Histogram({
    name: 'simplex_relay_bus_answer_seconds',
    help: 'Store request to last answer part',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: r,
  });
  const dropped = new Counter({
    name: 'simplex_relay_bus_dropped',
    help: 'Bus messages dropped',
    labelNames: ['reason'],
    registers: r,
  });
  return {
    socketAccepted: () => accepted.inc(),
    socketClosed: () => closed.inc(),
    socketsActive: (n) => active.set(n),
    command: (tag) => commands.inc({ tag: TAGS.has(tag) ? tag : 'other' }),
    error: (code) => errors.inc({ code: code.length <= 32 ? code : 'other' }),
    blockIn: () => blocksIn.inc(),
    blockOut: (n) => blocksOut.inc(n),
    busAnswerLatency: (ms) => latency.observe(ms / 1000),
    busDropped: (reason) => dropped.inc({ reason }),
  };
}
