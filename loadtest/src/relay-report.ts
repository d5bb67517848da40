// The relay benchmark's printed results: one table row per mode and send path, the floors, the
// proxied ÷ direct comparison of a mode with a proxy, and CPU seconds per 10k messages per process.
import { fmt, median } from './bench-util.ts';
import type { PgFloorResult } from './floor/pg-floor.ts';
import type { TlsFloorResult } from './floor/tls-floor.ts';
import type { DbCounters } from './relay-modes.ts';
import type { RoundResult, SendPath } from './smp-load.ts';

/** The measured rounds of one mode and send path. */
export interface ModeResult {
  /** Row name (the mode's, plus the path when the mode has a proxy). */
  readonly name: string;
  /** The mode this row belongs to (rows of one mode share relays, floors and notes). */
  readonly mode: string;
  readonly path: SendPath;
  readonly rounds: RoundResult[];
  /** CPU seconds per 10k messages per process group, one value per round. */
  readonly cpu: Map<string, number[]>;
  readonly notes: readonly string[];
  /** Undefined when the floor failed (the reason is printed). */
  readonly pg: PgFloorResult | undefined;
  readonly pgPoolSize: number;
  readonly errorSamples: readonly string[];
  /** pg_stat_database deltas over the mode's measured rounds (all paths), per message. */
  readonly db: DbCounters;
}

/** The load's shape, for the floor lines. */
export interface ReportShape {
  readonly connections: number;
  readonly inflight: number;
}

export const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
};
export const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');
export const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const log = (s: string): void => console.log(s);

const rates = (m: ModeResult): number[] => m.rounds.map((r) => r.messages / r.seconds);
const p50 = (m: ModeResult): number => median(m.rounds.map((r) => pct(r.latenciesMs, 0.5)));
const p99 = (m: ModeResult): number => median(m.rounds.map((r) => pct(r.latenciesMs, 0.99)));
const cpuTotal = (m: ModeResult): number => [...m.cpu.values()].reduce((s, v) => s + median(v), 0);

export function report(
  results: readonly ModeResult[],
  tls: TlsFloorResult,
  shape: ReportShape,
): void {
  log('\n=== Results (medians of the measured rounds) ===');
  const head =
    `${'mode'.padEnd(18)} ${'msgs/s'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ` +
    `${'blk in/out'.padStart(11)} ${'TLS floor'.padStart(10)} ${'ratio'.padStart(6)} ` +
    `${'DB floor'.padStart(9)} ${'ratio'.padStart(6)} ${'errors'.padStart(6)}`;
  log(head);
  log('-'.repeat(head.length));
  for (const m of results) {
    const rate = median(rates(m));
    const msgs = m.rounds.reduce((s, r) => s + r.messages, 0);
    const bin = m.rounds.reduce((s, r) => s + r.blocksIn, 0) / msgs;
    const bout = m.rounds.reduce((s, r) => s + r.blocksOut, 0) / msgs;
    const tlsMsgs = tls.blocksPerSec / ((bin + bout) / 2);
    const errors = m.rounds.reduce((s, r) => s + r.errors, 0);
    const dbFloor = m.pg?.msgsPerSec ?? NaN;
    log(
      `${m.name.padEnd(18)} ${fmt(rate).padStart(7)} ${f1(p50(m)).padStart(8)} ` +
        `${f1(p99(m)).padStart(8)} ${`${f2(bin)}/${f2(bout)}`.padStart(11)} ` +
        `${fmt(tlsMsgs).padStart(10)} ${f2(rate / tlsMsgs).padStart(6)} ` +
        `${(m.pg ? fmt(dbFloor) : '–').padStart(9)} ${f2(rate / dbFloor).padStart(6)} ` +
        `${String(errors).padStart(6)}`,
    );
  }
  comparison(results);
  log(
    `\nTLS floor: ${fmt(tls.blocksPerSec)} echoed 16 KB blocks/s (${tls.negotiated}, ` +
      `${shape.connections} connections × ${Math.ceil(shape.inflight / shape.connections)} blocks in flight); ` +
      `CPU per 10k blocks: echo server ${f2(tls.serverCpuPer10kBlocks)} s, client ${f2(tls.clientCpuPer10kBlocks)} s`,
  );
  for (const m of firstRows(results))
    if (m.pg)
      log(
        `DB floor (${m.mode}): PostgreSQL ${m.pg.serverVersion}, ${fmt(m.pg.msgsPerSec)} msgs/s ` +
          `(pool ${m.pgPoolSize}, ${shape.inflight} in flight); CPU per 10k msgs: backends ` +
          `${f2(m.pg.backendCpuPer10k)} s, client ${f2(m.pg.clientCpuPer10k)} s`,
      );
  cpuTables(results);
}

/** The first row of each mode. */
const firstRows = (results: readonly ModeResult[]): ModeResult[] =>
  results.filter((m, i) => results.findIndex((x) => x.mode === m.mode) === i);

/**
 * proxied ÷ direct for each mode measured both ways: the ratio of the medians, and the median of
 * the ratios of each round pair (the paths alternate, so a pair ran under about the same load).
 */
function comparison(results: readonly ModeResult[]): void {
  for (const d of results) {
    if (d.path !== 'direct') continue;
    const p = results.find((x) => x.mode === d.mode && x.path === 'proxied');
    if (!p) continue;
    const dr = rates(d);
    const pr = rates(p);
    const pairs = pr.flatMap((x, i) => (dr[i] === undefined ? [] : [x / dr[i]]));
    log(
      `\nproxied ÷ direct (${d.mode}, medians of ${pr.length} + ${dr.length} rounds): ` +
        `msgs/s ${f2(median(pr) / median(dr))} (median of round pairs ${f2(median(pairs))}); ` +
        `p50 ${f2(p50(p) / p50(d))}×, p99 ${f2(p99(p) / p99(d))}×; ` +
        `CPU per message (all processes) ${f2(cpuTotal(p) / cpuTotal(d))}×`,
    );
  }
}

/** CPU seconds per 10k messages: one column per send path of a mode. */
function cpuTables(results: readonly ModeResult[]): void {
  log('\nCPU seconds per 10,000 messages (median of rounds)');
  for (const first of firstRows(results)) {
    const rows = results.filter((x) => x.mode === first.mode);
    const multi = rows.length > 1;
    log(`  ${first.mode}`);
    if (multi) log(`    ${''.padEnd(26)} ${rows.map((r) => r.path.padStart(8)).join(' ')}`);
    const groups = [...new Set(rows.flatMap((r) => [...r.cpu.keys()]))];
    for (const k of groups)
      log(
        `    ${k.padEnd(26)} ${rows.map((r) => f2(median(r.cpu.get(k) ?? [])).padStart(8)).join(' ')}`,
      );
    log(`    ${'total'.padEnd(26)} ${rows.map((r) => f2(cpuTotal(r)).padStart(8)).join(' ')}`);
    const db = first.db;
    log(
      `    database work per message${multi ? ' (both paths)' : ''} (pg_stat_database): ` +
        `${f2(db.commits)} commits, rows ${f2(db.inserted)} inserted, ` +
        `${f2(db.updated)} updated, ${f2(db.deleted)} deleted, ${f2(db.read)} read`,
    );
    for (const n of first.notes) log(`    note: ${n}`);
    for (const m of rows)
      if (m.errorSamples.length > 0) log(`    first errors: ${m.errorSamples.join(' | ')}`);
  }
}
