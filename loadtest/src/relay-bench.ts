/*
 * ## Relay benchmark (README section draft)
 *
 * Run: `npm run -w loadtest bench:relay` (needs PostgreSQL on 127.0.0.1:5432 and nats-server on
 * 127.0.0.1:4222, as the tests do: `scripts/ensure-services.sh`). Options: `--queues 200
 * --messages 10000 --warmup 1000 --rounds 3 --senders 4 --recipients 4 --window 1 --round-cap 90
 * --modes embedded,cluster --gateways 2 --stores 2 --floor-ms 2000 --raw-client`; `--modes` takes
 * any of `embedded,cluster,proxied` (default `embedded,cluster`). It stops by itself (every round
 * has a hard cap), removes its processes, temp directories and databases, and only talks to
 * 127.0.0.1. A quick private-routing run (a few minutes on 2 busy cores): `npm run -w loadtest
 * bench:relay -- --modes proxied --queues 100 --messages 4000 --warmup 400`.
 *
 * What it does, per mode — `embedded` (apps/relay: one process, embedded PostgreSQL), `cluster`
 * (2 apps/smp-gateway + 2 apps/queue-store processes over nats-server and the local PostgreSQL) and
 * `proxied` (two apps/relay processes, A and B, each with its own identity, DATA_DIR and embedded
 * PostgreSQL; see below): creates `--queues` messaging queues (NEW on a recipient connection,
 * SKEY from a sender connection; Ed25519 keys), then sends `--messages` messages in total: a
 * warm-up round, then `--rounds` measured rounds. Senders and recipients use separate connections
 * (4 + 4; in the cluster they alternate between the gateways, so half the queues cross gateways).
 * Each queue keeps `--window` messages in flight; bodies are the largest SEND body (16,048 bytes
 * at v18, also the limit of a forwarded SEND).
 *
 * `proxied` measures private message routing (spec smp.md §7.11) against its own direct baseline
 * in the same run (not the `embedded` row, which runs at another time): the queues live on B and
 * their recipients are connected to B. `direct` rounds send on `--senders` connections to B;
 * `proxied` rounds on as many other connections to A, each of which opened one proxy session
 * (`PRXY` → `PKEY`; A shares one connection to B among them) and then sends `PFWD`s (smp-client
 * `proxySendMessage`) that A forwards to B as `RFWD`. Both paths use the same queues, sender keys
 * (SKEY once, directly on B), recipients and body size, and their rounds alternate (warm-up
 * direct, warm-up proxied, then direct/proxied pairs), so drift in the machine's load hits both
 * alike; each path sends half of `--messages`. Rows `direct → B` and `proxied A → B`, then
 * `proxied ÷ direct`: the ratio of the median msgs/s (and the median of the per-pair ratios), of
 * the median p50 and p99, and of the total CPU per message. CPU rows: relay A, A's embedded
 * PostgreSQL, relay B, B's, the load generator (A's rows show ~0 in direct rounds). A runs at most
 * 32 PFWDs of a client connection at a time (PROXY_CLIENT_CONCURRENCY) and stops reading that
 * connection meanwhile, so with more than 32 queues × window per sender connection fewer messages
 * are in flight in proxied rounds (a note says so). blocks in/out count the clients' blocks only
 * (not the A→B hop); the DB floor and pg_stat_database figures are B's (the latter over both
 * paths' rounds together: B's store does the same work on either path).
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
import { parseArgs } from 'node:util';
import { fmt, loadAverage, machineLine } from './bench-util.ts';
import { pgFloor } from './floor/pg-floor.ts';
import { tlsFloor } from './floor/tls-floor.ts';
import { cpuDelta, ownCpuSeconds, snapshotCpu } from './proc-cpu.ts';
import {
  clusterMode,
  dbCounters,
  embeddedMode,
  proxiedMode,
  type DbCounters,
  type ModeUnderTest,
} from './relay-modes.ts';
import { f1, pct, report, type ModeResult } from './relay-report.ts';
import { SmpLoad, type RoundResult, type SendPath } from './smp-load.ts';

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
const MODES: Readonly<Record<string, () => Promise<ModeUnderTest>>> = {
  embedded: embeddedMode,
  cluster: () => clusterMode(P.gateways, P.stores),
  proxied: proxiedMode,
};
for (const m of P.modes) if (!(m in MODES)) throw new RangeError(`unknown mode ${m}`);
const perRound = Math.floor((P.messages - P.warmup) / P.rounds);
const inflight = P.queues * P.window;
const connections = P.senders + P.recipients;
/** apps/relay's PROXY_CLIENT_CONCURRENCY default (upstream `[PROXY] client_concurrency`). */
const PROXY_CLIENT_CONCURRENCY = 32;

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

/** Accumulated figures of one send path of a mode. */
interface PathAcc {
  readonly rounds: RoundResult[];
  readonly cpu: Map<string, number[]>;
}

const NO_DB: DbCounters = { commits: NaN, inserted: NaN, updated: NaN, deleted: NaN, read: NaN };
/** Backends flush their statistics about once a second: let a round's settle before reading them. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1500));

async function runMode(start: () => Promise<ModeUnderTest>): Promise<ModeResult[]> {
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
      ...(mode.proxy && { proxy: { addrs: mode.proxy.senderAddrs, relay: mode.proxy.relay } }),
    });
    // With a proxy, direct and proxied rounds alternate over the same queues, relays and clients,
    // so both paths see the same machine (this one is shared and its load drifts).
    const paths: SendPath[] = mode.proxy ? ['direct', 'proxied'] : ['direct'];
    // Row names; a mode with a proxy is `proxied`: A the proxy, B the queues' relay.
    const label = (p: SendPath): string =>
      mode.proxy ? (p === 'direct' ? 'direct → B' : 'proxied A → B') : mode.name;
    // A mode sends --messages in total: with two paths, half on each.
    const warmup = Math.floor(P.warmup / paths.length);
    const size = Math.floor(perRound / paths.length);
    const acc = new Map<SendPath, PathAcc>(paths.map((p) => [p, { rounds: [], cpu: new Map() }]));
    let db: DbCounters | undefined;
    try {
      for (const p of paths) {
        const w = await load.round(warmup, P.roundCapMs, p);
        log(`[${label(p)}] warm-up: ${w.messages} messages in ${f1(w.seconds)} s`);
      }
      await settle();
      const db0 = await dbCounters(mode.pgAdminUrl, mode.pgDatabase);
      for (let r = 0; r < P.rounds && !interrupted; r++)
        for (const p of paths) {
          const a = acc.get(p) as PathAcc;
          const s0 = snapshotCpu(mode.cpuGroups);
          const c0 = ownCpuSeconds();
          const res = await load.round(size, P.roundCapMs, p);
          const c1 = ownCpuSeconds();
          const d = cpuDelta(s0, snapshotCpu(mode.cpuGroups));
          d.set('load generator (bench)', c1 - c0);
          for (const [k, v] of d) {
            const list = a.cpu.get(k) ?? [];
            list.push((v / Math.max(1, res.messages)) * 10_000);
            a.cpu.set(k, list);
          }
          a.rounds.push(res);
          const u = res.unfinished;
          log(
            `[${label(p)}] round ${r + 1}: ${res.messages} msgs in ${f1(res.seconds)} s = ` +
              `${fmt(res.messages / res.seconds)} msgs/s, p50 ${f1(pct(res.latenciesMs, 0.5))} ms, ` +
              `p99 ${f1(pct(res.latenciesMs, 0.99))} ms, errors ${res.errors}` +
              (res.capped ? ` — CAPPED, unfinished: ${JSON.stringify(u)}` : ''),
          );
        }
      // Over all measured rounds of the mode: the store's work is the same on both paths, and idle
      // backends may flush a round's statistics only seconds later, i.e. into the next round.
      await settle();
      const db1 = await dbCounters(mode.pgAdminUrl, mode.pgDatabase);
      const n = Math.max(
        1,
        [...acc.values()].reduce((x, a) => x + a.rounds.reduce((y, r) => y + r.messages, 0), 0),
      );
      const per = (k: keyof DbCounters): number => (db1[k] - db0[k]) / n;
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
    return paths.map((p, i) => {
      const a = acc.get(p) as PathAcc;
      return {
        name: label(p),
        mode: mode.name,
        path: p,
        rounds: a.rounds,
        cpu: a.cpu,
        notes: mode.notes,
        pg,
        pgPoolSize: mode.pgPoolSize,
        // The samples are the mode's (both paths): printed once, with its first row.
        errorSamples: i === 0 ? load.errorSamples : [],
        db: db ?? NO_DB,
      };
    });
  } finally {
    await mode.stop();
    current = undefined;
  }
}

const started = performance.now();
log('relay benchmark — SMP relay end to end: embedded, distributed, direct vs proxied');
log(machineLine());
log(
  `parameters: ${P.queues} queues, ${P.senders} sender + ${P.recipients} recipient connections, ` +
    `window ${P.window} per queue (${inflight} messages in flight), ${P.messages} messages per mode = ` +
    `warm-up ${P.warmup} + ${P.rounds} rounds × ${perRound} (proxied: half of each on each path), ` +
    `round cap ${P.roundCapMs / 1000} s` +
    (P.serializeClientWrites ? '' : ', RAW client (block-order bug not worked around)'),
);
const perSender = Math.ceil(inflight / Math.max(1, P.senders));
if (P.modes.includes('proxied') && perSender > PROXY_CLIENT_CONCURRENCY)
  log(
    `note: ${perSender} SENDs in flight per sender connection; the proxy runs at most ` +
      `${PROXY_CLIENT_CONCURRENCY} PFWDs of a connection at a time (PROXY_CLIENT_CONCURRENCY) and ` +
      `stops reading the rest, so proxied rounds have at most ${PROXY_CLIENT_CONCURRENCY * P.senders} in flight at A`,
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
  results.push(...(await runMode(MODES[m] as () => Promise<ModeUnderTest>)));
}
report(results, tls, { connections, inflight });
log(`\nload average at end ${loadAverage()}; total ${f1((performance.now() - started) / 1000)} s`);
