// GatewayMetrics on a Prometheus registry. Labels are bounded enums only: command tags (the fixed
// set of SMP tags; anything else counts as "other"), error codes, drop reasons.
import { Counter, Gauge, Histogram, type Registry } from '@simplex-relay/observability';
import type { GatewayMetrics } from './ports.ts';
import type { ProxyMetrics, ProxyStat } from './proxy/proxy-options.ts';

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
  // Upstream's name and meaning (`Prometheus.hs`: pMsgFwdsRecv): RFWDs answered with RRES.
  const fwdsRecv = new Counter({
    name: 'simplex_smp_relay_messages_received',
    help: 'Relay messages statistics',
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
    forwardReceived: () => fwdsRecv.inc(),
  };
}

/**
 * The proxy counters under upstream's names (`Prometheus.hs`, relays section: `pRelays` as
 * `simplex_smp_relay_sessions_*`, `pMsgFwds` as `simplex_smp_relay_messages_*`) with upstream's
 * `source` and `type` labels. Only `source="all"`: there is no `own_server_domains` split.
 */
export function prometheusProxyMetrics(registry: Registry): ProxyMetrics {
  const r = [registry];
  const counters = (stat: ProxyStat, what: string) => ({
    requests: new Counter({
      name: `simplex_smp_relay_${stat}_requests`,
      help: `${what} requests through relay.`,
      labelNames: ['source'],
      registers: r,
    }),
    successes: new Counter({
      name: `simplex_smp_relay_${stat}_successes`,
      help: `Successful ${what} events through relay.`,
      labelNames: ['source'],
      registers: r,
    }),
    errors: new Counter({
      name: `simplex_smp_relay_${stat}_errors`,
      help: `Error ${what} events through relay.`,
      labelNames: ['source', 'type'],
      registers: r,
    }),
  });
  const c = {
    sessions: counters('sessions', 'Session'),
    messages: counters('messages', 'Message'),
  };
  // Every series exists from the start, as in upstream's metrics file.
  for (const x of Object.values(c)) {
    x.requests.inc({ source: 'all' }, 0);
    x.successes.inc({ source: 'all' }, 0);
    for (const type of ['connect', 'compat', 'other']) x.errors.inc({ source: 'all', type }, 0);
  }
  return {
    request: (stat) => c[stat].requests.inc({ source: 'all' }),
    success: (stat) => c[stat].successes.inc({ source: 'all' }),
    error: (stat, kind) => c[stat].errors.inc({ source: 'all', type: kind }),
  };
}
