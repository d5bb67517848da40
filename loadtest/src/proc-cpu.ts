// CPU accounting from /proc (Linux only): user+system time of processes and process trees, so a
// benchmark can say which process burned the CPU. Times are in seconds; /proc counts clock ticks.
import { readFileSync, readdirSync } from 'node:fs';

/** Kernel clock ticks per second (`getconf CLK_TCK`; 100 on every Linux x86-64 build). */
const CLK_TCK = 100;

/** One process as /proc/<pid>/stat and cmdline describe it. */
export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly cmdline: string;
  /** utime + stime of the process itself, seconds. */
  readonly cpu: number;
  /** cutime + cstime: children it has reaped (exited backends, helpers), seconds. */
  readonly reapedCpu: number;
}

/** Reads one process; undefined when it has gone. */
export function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces or ')': split after the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat
      .slice(close + 2)
      .split(' ')
      .map((x) => Number(x));
    // After comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    const at = (i: number): number => f[i] ?? 0;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+/g, ' ').trim();
    } catch {
      // A process exiting between the two reads keeps its stat figures.
    }
    return {
      pid,
      ppid: at(1),
      comm,
      cmdline,
      cpu: (at(11) + at(12)) / CLK_TCK,
      reapedCpu: (at(13) + at(14)) / CLK_TCK,
    };
  } catch {
    return undefined;
  }
}

/** Every process visible now. */
export function allProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) out.push(p);
  }
  return out;
}

/** `root` and all its descendants (from one snapshot of /proc). */
export function descendants(root: number, procs: readonly ProcInfo[] = allProcs()): ProcInfo[] {
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of procs) {
    const list = byParent.get(p.ppid) ?? [];
    list.push(p);
    byParent.set(p.ppid, list);
  }
  const out: ProcInfo[] = [];
  const self = procs.find((p) => p.pid === root);
  if (self) out.push(self);
  const stack = [root];
  while (stack.length > 0) {
    for (const c of byParent.get(stack.pop() as number) ?? []) {
      out.push(c);
      stack.push(c.pid);
    }
  }
  return out;
}

/**
 * A named set of processes whose CPU is measured as a delta between two snapshots. `select` picks
 * the processes from a /proc snapshot each time, so backends that appear in between count too.
 */
export interface CpuGroup {
  readonly name: string;
  readonly select: (procs: readonly ProcInfo[]) => readonly ProcInfo[];
  /** Also count the reaped children's CPU (use for a tree root whose children may exit). */
  readonly includeReaped?: boolean;
}

/** CPU seconds per group at one instant, keyed by pid so processes that vanish are not negative. */
export type CpuSnapshot = Map<string, Map<number, number>>;

/** Takes a snapshot of every group. */
export function snapshotCpu(groups: readonly CpuGroup[]): CpuSnapshot {
  const procs = allProcs();
  const snap: CpuSnapshot = new Map();
  for (const g of groups) {
    const m = new Map<number, number>();
    for (const p of g.select(procs)) m.set(p.pid, p.cpu + (g.includeReaped ? p.reapedCpu : 0));
    snap.set(g.name, m);
  }
  return snap;
}

/** CPU seconds each group used between two snapshots (processes new in `b` count from zero). */
export function cpuDelta(a: CpuSnapshot, b: CpuSnapshot): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, after] of b) {
    const before = a.get(name) ?? new Map<number, number>();
    let sum = 0;
    for (const [pid, t] of after) sum += Math.max(0, t - (before.get(pid) ?? 0));
    out.set(name, sum);
  }
  return out;
}

/** A group of one process tree: `pid` and its descendants, with reaped children. */
export function treeGroup(name: string, pid: number): CpuGroup {
  return { name, select: (procs) => descendants(pid, procs), includeReaped: true };
}

/** A group of processes whose executable name (comm) is `comm`. */
export function commGroup(name: string, comm: string): CpuGroup {
  return { name, select: (procs) => procs.filter((p) => p.comm === comm) };
}

/** This process's own CPU seconds (user + system), including its threads. */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
