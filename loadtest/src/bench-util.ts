// Shared benchmark helpers: run an operation in timed rounds and report the median rate, because
// this machine is shared and noisy (one run's figure means little; the median of several does);
// the machine and load-average lines every benchmark report starts and ends with.
import { cpus, loadavg, release } from 'node:os';

/** Median of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Runs `op` repeatedly for `roundMs` per round, `rounds` times; returns the median ops/s. */
export function measure(op: () => void, rounds = 5, roundMs = 400): number {
  for (let i = 0; i < 3; i++) op(); // warm-up (JIT, key caches)
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const end = start + BigInt(roundMs) * 1_000_000n;
    let now = start;
    while (now < end) {
      op();
      n++;
      if ((n & 7) === 0) now = process.hrtime.bigint();
    }
    now = process.hrtime.bigint();
    rates.push((n * 1e9) / Number(now - start));
  }
  return median(rates);
}

/** Formats a rate with thousands separators. */
export const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The load averages (1, 5, 15 min), e.g. `0.52 0.61 0.70`: a benchmark prints them at start and end. */
export const loadAverage = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The `machine: …` line a benchmark starts its report with (cores, CPU, kernel, node, load). */
export function machineLine(): string {
  return (
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Linux ${release()}, ` +
    `node ${process.version}, load average at start ${loadAverage()}`
  );
}
