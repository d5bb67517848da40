/*
 * ## Relay benchmark (README section draft)
 *
 * Run: `npm run -w loadtest bench:relay` (needs PostgreSQL on 127.0.0.1:5432 and nats-server on
 * 127.0.0.1:4222, as the tests do: `scripts/ensure-services.sh`). Options: `--queues 200
 * --messages 10000 --warmup 1000 --rounds 3 --senders 4 --recipients 4 --window 1 --round-cap 90
 * --modes embedded,cluster --gateways 2 --stores 2 --floor-ms 2000 --raw-client`. It stops by
 * itself (every round has a hard cap), removes its processes, temp directories and databases, and
 * only talks to 127.0.0.1.
 *
 * What it does, per mode — `embedded` (apps/relay: one process, embedded PostgreSQL) and `cluster`
 * (2 apps/smp-gateway + 2 apps/queue-store processes over nats-server and the local PostgreSQL):
 * creates `--queues` messaging queues (NEW on a recipient connection, SKEY from a sender
 * connection; Ed25519 keys), then sends `--messages` messages in total: a warm-up round, then
 * `--rounds` measured rounds. Senders and recipients use separate connections (4 + 4; in the
 * cluster they alternate between the gateways, so half the queues cross gateways). Each queue
 * keeps `--window` messages in flight; bodies are the largest SEND body (16,048 bytes at v18).
 *
 * What the numbers mean (medians over the measured rounds):
 * - msgs/s: messages completed per second, end to end: SEND answered OK, MSG delivered to the
 *   subscriber, its ACK answered.
 * - p50/p99: SEND issued → MSG received, ms.
 * - blocks in/out: 16 KB blocks the clients wrote / read per message (counted at the clients).
 * - CPU s per 10k msgs: user+system CPU seconds from /proc of each process during the rounds,
 *   scaled to 10,000 messages (the load generator is this process; see the notes for what each
 *   PostgreSQL/NATS row includes).
 * - floors: the same machine doing only the transport or only the database work of a message.
 *   TLS: an echo server process with the relay's TLS options (TLS 1.3 CHACHA20-POLY1305, Ed25519
 *   certificate), as many connections and blocks in flight as the relay run; floor msgs/s = echoed
 *   blocks/s ÷ the relay's (in + out) / 2 blocks per message. DB: per message one INSERT of a
 *   16 KB row and one DELETE of it, autocommit, a pg Pool of the stores' total pool size, as many
 *   messages in flight as the relay run, on the mode's own PostgreSQL server. "ratio" is the
 *   relay's msgs/s ÷ the floor's.
 */
import { cpus, loadavg, release } from 'node:os';
import { parseArgs } from 'node:util';
import { fmt, median } from './bench-util.ts';
import { pgFloor, type PgFloorResult } from './floor/pg-floor.ts';
import { tlsFloor, type TlsFloorResult } from './floor/tls-floor.ts';
import { cpuDelta, ownCpuSeconds, snapshotCpu } from './proc-cpu.ts';
import {
  clusterMode,
  dbCounters,
  embeddedMode,
  type DbCounters,
  type ModeUnderTest,
} from './relay-modes.ts';
import { SmpLoad, type RoundResult } from './smp-load.ts';

const { values: a } = parseArgs({
  options: {
    queues: { type: 'string', default: '200' },
    messages: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    senders: { type: 'string', default: '4' },
    recipients: { type: 'string', default: '4' },
    window: { type: 'string', default: '1' },
    'round-cap': { type: 'string', default: '90' },
    modes: { type: 'string', default: 'embedded,cluster' },
    gateways: { type: 'string', default: '2' },
    stores: { type: 'string', default: '2' },
    'floor-ms': { type: 'string', default: '2000' },
    'raw-client': { type: 'boolean', default: false },
  },
});
const num = (k: keyof typeof a): number => {
  const n = Number(a[k]);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`--${k} must be a number`);
  return n;
};
const P = {
  queues: num('queues'),
  messages: num('messages'),
  warmup: num('warmup'),
  rounds: Math.max(1, num('rounds')),
  senders: num('senders'),
  recipients: num('recipients'),
  window: Math.max(1, num('window')),
  roundCapMs: num('round-cap') * 1000,
  gateways: num('gateways'),
  stores: num('stores'),
  floorMs: num('floor-ms'),
  modes: String(a.modes).split(','),
  serializeClientWrites: !a['raw-client'],
};
const perRound = Math.floor((P.messages - P.warmup) / P.rounds);
const inflight = P.queues * P.window;
const connections = P.senders + P.recipients;

interface ModeResult {
  readonly name: string;
  readonly rounds: RoundResult[];
  /** CPU seconds per 10k messages per process group, one value per round. */
  readonly cpu: Map<string, number[]>;
  readonly notes: readonly string[];
  /** Undefined when the floor failed (the reason is printed). */
  readonly pg: PgFloorResult | undefined;
  readonly pgPoolSize: number;
  readonly errorSamples: readonly string[];
  /** pg_stat_database deltas over the measured rounds, per message. */
  readonly db: DbCounters;
}

const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
};
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const log = (s: string): void => console.log(s);

let current: ModeUnderTest | undefined;
let interrupted = false;
const abort = (why: string, code: number): void => {
  interrupted = true;
  log(`${why}: stopping the relay processes…`);
  void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
};
process.once('SIGINT', () => abort('interrupted', 130));
// Whatever fails asynchronously, the processes, temp directories and databases are removed.
process.once('uncaughtException', (e) => abort(`failed: ${String(e).slice(0, 300)}`, 1));

async function runMode(start: () => Promise<ModeUnderTest>): Promise<ModeResult> {
  const t = performance.now();
  const mode = await start();
  current = mode;
  try {
    log(`\n[${mode.name}] started in ${f1((performance.now() - t) / 1000)} s`);
    const load = await SmpLoad.setup(mode.senderAddrs, mode.recipientAddrs, {
      queues: P.queues,
      senderConnections: P.senders,
      recipientConnections: P.recipients,
      window: P.window,
      serializeClientWrites: P.serializeClientWrites,
    });
    const rounds: RoundResult[] = [];
    const cpu = new Map<string, number[]>();
    let db0: DbCounters | undefined;
    let db: DbCounters | undefined;
    try {
      const w = await load.round(P.warmup, P.roundCapMs);
      log(`[${mode.name}] warm-up: ${w.messages} messages in ${f1(w.seconds)} s`);
      // Backends flush their statistics about once a second: let the warm-up's settle first.
      await new Promise((r) => setTimeout(r, 1500));
      db0 = await dbCounters(mode.pgAdminUrl, mode.pgDatabase);
      for (let r = 0; r < P.rounds && !interrupted; r++) {
        const s0 = snapshotCpu(mode.cpuGroups);
        const c0 = ownCpuSeconds();
        const res = await load.round(perRound, P.roundCapMs);
        const c1 = ownCpuSeconds();
        const d = cpuDelta(s0, snapshotCpu(mode.cpuGroups));
        d.set('load generator (bench)', c1 - c0);
        for (const [k, v] of d) {
          const list = cpu.get(k) ?? [];
          list.push((v / Math.max(1, res.messages)) * 10_000);
          cpu.set(k, list);
        }
        rounds.push(res);
        const u = res.unfinished;
        log(
          `[${mode.name}] round ${r + 1}: ${res.messages} msgs in ${f1(res.seconds)} s = ` +
            `${fmt(res.messages / res.seconds)} msgs/s, p50 ${f1(pct(res.latenciesMs, 0.5))} ms, ` +
            `p99 ${f1(pct(res.latenciesMs, 0.99))} ms, errors ${res.errors}` +
            (res.capped ? ` — CAPPED, unfinished: ${JSON.stringify(u)}` : ''),
        );
      }
      await new Promise((r) => setTimeout(r, 1500));
      const db1 = await dbCounters(mode.pgAdminUrl, mode.pgDatabase);
      const n = Math.max(
        1,
        rounds.reduce((x, r) => x + r.messages, 0),
      );
      const per = (k: keyof DbCounters): number => (db1[k] - (db0?.[k] ?? 0)) / n;
      db = {
        commits: per('commits'),
        inserted: per('inserted'),
        updated: per('updated'),
        deleted: per('deleted'),
        read: per('read'),
      };
    } finally {
      await load.close();
    }
    log(`[${mode.name}] database floor on this mode's PostgreSQL (pool ${mode.pgPoolSize})…`);
    const pg = await pgFloor({
      adminUrl: mode.pgAdminUrl,
      poolSize: mode.pgPoolSize,
      inflight,
      bodyBytes: 16_384,
      rounds: 3,
      roundMs: P.floorMs,
      warmupMs: 500,
    }).catch((e: unknown) => {
      log(`[${mode.name}] database floor failed: ${String(e).slice(0, 200)}`);
      return undefined;
    });
    return {
      name: mode.name,
      rounds,
      cpu,
      notes: mode.notes,
      pg,
      pgPoolSize: mode.pgPoolSize,
      errorSamples: load.errorSamples,
      db,
    };
  } finally {
    await mode.stop();
    current = undefined;
  }
}

function report(results: readonly ModeResult[], tls: TlsFloorResult): void {
  log('\n=== Results (medians of the measured rounds) ===');
  const head =
    `${'mode'.padEnd(18)} ${'msgs/s'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ` +
    `${'blk in/out'.padStart(11)} ${'TLS floor'.padStart(10)} ${'ratio'.padStart(6)} ` +
    `${'DB floor'.padStart(9)} ${'ratio'.padStart(6)} ${'errors'.padStart(6)}`;
  log(head);
  log('-'.repeat(head.length));
  for (const m of results) {
    const rate = median(m.rounds.map((r) => r.messages / r.seconds));
    const msgs = m.rounds.reduce((s, r) => s + r.messages, 0);
    const bin = m.rounds.reduce((s, r) => s + r.blocksIn, 0) / msgs;
    const bout = m.rounds.reduce((s, r) => s + r.blocksOut, 0) / msgs;
    const tlsMsgs = tls.blocksPerSec / ((bin + bout) / 2);
    const errors = m.rounds.reduce((s, r) => s + r.errors, 0);
    const dbFloor = m.pg?.msgsPerSec ?? NaN;
    log(
      `${m.name.padEnd(18)} ${fmt(rate).padStart(7)} ` +
        `${f1(median(m.rounds.map((r) => pct(r.latenciesMs, 0.5)))).padStart(8)} ` +
        `${f1(median(m.rounds.map((r) => pct(r.latenciesMs, 0.99)))).padStart(8)} ` +
        `${`${f2(bin)}/${f2(bout)}`.padStart(11)} ${fmt(tlsMsgs).padStart(10)} ` +
        `${f2(rate / tlsMsgs).padStart(6)} ${(m.pg ? fmt(dbFloor) : '–').padStart(9)} ` +
        `${f2(rate / dbFloor).padStart(6)} ${String(errors).padStart(6)}`,
    );
  }
  log(
    `\nTLS floor: ${fmt(tls.blocksPerSec)} echoed 16 KB blocks/s (${tls.negotiated}, ` +
      `${connections} connections × ${Math.ceil(inflight / connections)} blocks in flight); ` +
      `CPU per 10k blocks: echo server ${f2(tls.serverCpuPer10kBlocks)} s, client ${f2(tls.clientCpuPer10kBlocks)} s`,
  );
  for (const m of results)
    if (m.pg)
      log(
        `DB floor (${m.name}): PostgreSQL ${m.pg.serverVersion}, ${fmt(m.pg.msgsPerSec)} msgs/s ` +
          `(pool ${m.pgPoolSize}, ${inflight} in flight); CPU per 10k msgs: backends ` +
          `${f2(m.pg.backendCpuPer10k)} s, client ${f2(m.pg.clientCpuPer10k)} s`,
      );

  log('\nCPU seconds per 10,000 messages (median of rounds)');
  for (const m of results) {
    log(`  ${m.name}`);
    let total = 0;
    for (const [k, v] of m.cpu) {
      const x = median(v);
      total += x;
      log(`    ${k.padEnd(26)} ${f2(x).padStart(8)}`);
    }
    log(`    ${'total'.padEnd(26)} ${f2(total).padStart(8)}`);
    log(
      `    database work per message (pg_stat_database): ${f2(m.db.commits)} commits, rows ` +
        `${f2(m.db.inserted)} inserted, ${f2(m.db.updated)} updated, ${f2(m.db.deleted)} deleted, ` +
        `${f2(m.db.read)} read`,
    );
    for (const n of m.notes) log(`    note: ${n}`);
    if (m.errorSamples.length > 0) log(`    first errors: ${m.errorSamples.join(' | ')}`);
  }
}

const started = performance.now();
const cpu0 = cpus()[0];
log('relay benchmark — SMP relay end to end, embedded vs distributed');
log(
  `machine: ${cpus().length} cores (${cpu0?.model ?? '?'}), Linux ${release()}, node ${process.version}, ` +
    `load average at start ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
);
log(
  `parameters: ${P.queues} queues, ${P.senders} sender + ${P.recipients} recipient connections, ` +
    `window ${P.window} per queue (${inflight} messages in flight), ${P.messages} messages per mode = ` +
    `warm-up ${P.warmup} + ${P.rounds} rounds × ${perRound}, round cap ${P.roundCapMs / 1000} s` +
    (P.serializeClientWrites ? '' : ', RAW client (block-order bug not worked around)'),
);

log(`\nTLS floor (${connections} connections, ${P.floorMs} ms rounds)…`);
const tls = await tlsFloor({
  connections,
  inflightPerConnection: Math.ceil(inflight / connections),
  rounds: 3,
  roundMs: P.floorMs,
  warmupMs: 500,
  serverNoDelay: true,
});
log(`TLS floor: ${fmt(tls.blocksPerSec)} blocks/s (${tls.negotiated})`);

const results: ModeResult[] = [];
for (const m of P.modes) {
  if (interrupted) break;
  if (m === 'embedded') results.push(await runMode(embeddedMode));
  else if (m === 'cluster') results.push(await runMode(() => clusterMode(P.gateways, P.stores)));
  else throw new RangeError(`unknown mode ${m}`);
}
report(results, tls);
log(
  `\nload average at end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; total ${f1((performance.now() - started) / 1000)} s`,
);
