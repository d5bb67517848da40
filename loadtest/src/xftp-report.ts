// The XFTP benchmark's printed results: MB/s of XFTP and of the HTTP/2 floor per direction with
// their ratio, then CPU seconds per process for each phase (per round and per 100 MB).
import { median } from './bench-util.ts';
import type { RoundResult } from './xftp-rounds.ts';

export type Phase = 'XFTP upload' | 'XFTP download' | 'floor upload' | 'floor download';
const PHASES: readonly Phase[] = ['XFTP upload', 'XFTP download', 'floor upload', 'floor download'];

/** The measured rounds of one phase. */
export interface PhaseResult {
  readonly rounds: RoundResult[];
  /** CPU seconds per process group, one value per round. */
  readonly cpu: Map<string, number[]>;
}

const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const log = (s: string): void => console.log(s);

export function report(
  results: ReadonlyMap<Phase, PhaseResult>,
  o: { readonly chunkBytes: number; readonly mb: number },
): void {
  const mbPerRound = (r: RoundResult): number => (r.done * o.chunkBytes) / o.mb;
  const rate = (p: Phase): number =>
    median(results.get(p)?.rounds.map((r) => mbPerRound(r) / r.seconds) ?? []);
  const errors = (p: Phase): number =>
    results.get(p)?.rounds.reduce((s, r) => s + r.errors, 0) ?? 0;
  const n = results.get('XFTP upload')?.rounds.length ?? 0;
  log(`\n=== Results (medians of ${n} rounds; MB = 2^20 bytes of chunk data) ===`);
  const head =
    `${'direction'.padEnd(10)} ${'XFTP MB/s'.padStart(10)} ${'floor MB/s'.padStart(11)} ` +
    `${'ratio'.padStart(6)} ${'errors'.padStart(13)}`;
  log(head);
  log('-'.repeat(head.length));
  for (const d of ['upload', 'download'] as const) {
    const x = rate(`XFTP ${d}`);
    const f = rate(`floor ${d}`);
    log(
      `${d.padEnd(10)} ${f1(x).padStart(10)} ${f1(f).padStart(11)} ${f2(x / f).padStart(6)} ` +
        `${`${errors(`XFTP ${d}`)} / ${errors(`floor ${d}`)}`.padStart(13)}`,
    );
  }
  log('(errors: XFTP / floor, over all measured rounds)');

  log('\nCPU seconds per round, median (and per 100 MB)');
  const groups = [...new Set(PHASES.flatMap((p) => [...(results.get(p)?.cpu.keys() ?? [])]))];
  log(`  ${''.padEnd(24)} ${PHASES.map((p) => p.padStart(19)).join(' ')}`);
  const cell = (p: Phase, k: string | undefined): string => {
    const r = results.get(p);
    if (r === undefined) return '–'.padStart(19);
    const per = r.rounds.map((x, i) => {
      const v =
        k === undefined
          ? [...r.cpu.values()].reduce((s, vs) => s + (vs[i] ?? 0), 0)
          : (r.cpu.get(k)?.[i] ?? NaN);
      return { v, per100: (v / Math.max(1e-9, mbPerRound(x))) * 100 };
    });
    if (k !== undefined && !r.cpu.has(k)) return '–'.padStart(19);
    const v = median(per.map((x) => x.v));
    const h = median(per.map((x) => x.per100));
    return `${f2(v)} (${f2(h)})`.padStart(19);
  };
  for (const k of groups) log(`  ${k.padEnd(24)} ${PHASES.map((p) => cell(p, k)).join(' ')}`);
  log(`  ${'total'.padEnd(24)} ${PHASES.map((p) => cell(p, undefined)).join(' ')}`);
}
