// Child processes for end-to-end tests and benchmarks: the workspace's apps run as real,
// separate Node processes (TypeScript through tsx), each with its stdout/stderr appended to its own
// log file. Nothing here outlives the test run: every child preloads child-watchdog.ts (it stops
// itself when its parent disappears), the parent kills every live child when it exits, and every
// wait has a deadline.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root (where tsconfig.base.json lives). */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const TSCONFIG = join(REPO_ROOT, 'tsconfig.base.json');
const WATCHDOG = pathToFileURL(join(import.meta.dirname, 'child-watchdog.ts')).href;

/** How a child ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What the launchers return for every process they run. */
export interface ProcessHandle {
  /** E.g. `store-0`, `gateway-1`, `relay`. */
  readonly name: string;
  /** PID of the running child; undefined while stopped. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Port of its /metrics, /livez, /readyz (127.0.0.1). */
  readonly opsPort: number;
  /** Its stdout + stderr, appended across restarts. */
  readonly logFile: string;
  /**
   * Sends `signal` (default SIGKILL) and waits for the exit; SIGKILL after `timeoutMs` (default
   * 10 s) if it is still alive. When it is not running, resolves with its last exit (undefined if
   * it was never started) without signalling anything.
   */
  kill(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ProcessExit | undefined>;
  /** Stops it (SIGTERM) if running, starts it again with the same environment and ports, and waits until it serves. */
  restart(): Promise<void>;
  /** The Prometheus text of its /metrics. */
  metrics(): Promise<string>;
  /** The last `lines` lines of its log. */
  logTail(lines?: number): string;
}

/** How a ManagedProcess is run. */
export interface ManagedProcessSpec {
  readonly name: string;
  /** Working directory (the app's folder). */
  readonly cwd: string;
  /** Entry script, relative to `cwd`. */
  readonly script: string;
  /** Environment on top of the parent's (NODE_TEST_CONTEXT removed, TSX_TSCONFIG_PATH set). */
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly opsPort: number;
  /** Signal used when the parent exits with the child still running (default SIGKILL). */
  readonly exitSignal?: NodeJS.Signals;
  /** Resolves when the (re)started process serves; rejects after `deadline` (epoch ms). */
  readonly waitReady: (p: ManagedProcess, deadline: number) => Promise<void>;
  /** Start and restart limit in ms (default 60 s). */
  readonly startTimeoutMs?: number;
}

/** Children still running, with the signal the exit hook sends them. */
const live = new Map<ChildProcess, NodeJS.Signals>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous last resort: the test process is exiting with children still running.
  process.once('exit', () => {
    for (const [child, signal] of live) child.kill(signal);
  });
}

/** One child process of the launchers (see ProcessHandle). */
export class ManagedProcess implements ProcessHandle {
  #child: ChildProcess | undefined;
  #exited: Promise<ProcessExit> | undefined;
  /** Whether the current run's exit was asked for (one object per run). */
  #run = { expectExit: false };
  /** Byte offset of the log file where the current run's output starts. */
  #logStart = 0;
  /** Exits nobody asked for (crashes), in order. */
  readonly unexpectedExits: ProcessExit[] = [];

  constructor(readonly spec: ManagedProcessSpec) {}

  get name(): string {
    return this.spec.name;
  }
  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }
  get running(): boolean {
    return (
      this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null
    );
  }
  get opsPort(): number {
    return this.spec.opsPort;
  }
  get logFile(): string {
    return this.spec.logFile;
  }

  /** Spawns the child (no wait). */
  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    installExitHook();
    const env: Record<string, string | undefined> = {
      ...process.env,
      TSX_TSCONFIG_PATH: TSCONFIG,
      ...this.spec.env,
    };
    // A child that inherited node:test's marker would behave as a test subprocess.
    delete env['NODE_TEST_CONTEXT'];
    const fd = openSync(this.spec.logFile, 'a');
    try {
      this.#logStart = statSync(this.spec.logFile).size;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--import', WATCHDOG, this.spec.script],
        { cwd: this.spec.cwd, env, stdio: ['ignore', fd, fd] },
      );
      const run = { expectExit: false };
      this.#child = child;
      this.#run = run;
      live.set(child, this.spec.exitSignal ?? 'SIGKILL');
      this.#exited = new Promise<ProcessExit>((res) => {
        child.once('exit', (code, signal) => {
          live.delete(child);
          const exit = { code, signal };
          if (!run.expectExit) {
            this.unexpectedExits.push(exit);
            console.error(
              `[testing] ${this.name} exited unexpectedly (code ${code}, signal ${signal}); log tail:\n${this.logTail()}`,
            );
          }
          res(exit);
        });
        child.once('error', (e) => {
          live.delete(child);
          console.error(`[testing] ${this.name} could not be spawned: ${e.message}`);
          res({ code: null, signal: null });
        });
      });
    } finally {
      closeSync(fd);
    }
  }

  /** Starts the child and waits until it serves (kills it and rejects with its log tail if not). */
  async startAndWait(): Promise<void> {
    this.start();
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    const deadline = Date.now() + (this.spec.startTimeoutMs ?? 60_000);
    try {
      await this.spec.waitReady(this, deadline);
    } catch (e) {
      const tail = this.logTail();
      await this.kill('SIGKILL');
      throw new Error(`${this.name} did not become ready: ${(e as Error).message}\n${tail}`, {
        cause: e,
      });
    }
  }

  /** Resolves with the exit of the current run; undefined when never started. */
  exited(): Promise<ProcessExit> | undefined {
    return this.#exited;
  }

  async kill(
    signal: NodeJS.Signals = 'SIGKILL',
    timeoutMs = 10_000,
  ): Promise<ProcessExit | undefined> {
    const child = this.#child;
    const exited = this.#exited;
    if (child === undefined || exited === undefined) return undefined;
    // Exited on its own but the exit event may still be on its way: wait for it.
    if (!this.running) return exited;
    this.#run.expectExit = true;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<'timeout'>(
      (r) => (timer = setTimeout(() => r('timeout'), timeoutMs)),
    );
    const first = await Promise.race([exited, forced]);
    clearTimeout(timer);
    if (first !== 'timeout') return first;
    console.error(`[testing] ${this.name} ignored ${signal} for ${timeoutMs} ms; killing it`);
    child.kill('SIGKILL');
    return exited;
  }

  async restart(): Promise<void> {
    await this.kill('SIGTERM');
    await this.startAndWait();
  }

  async metrics(): Promise<string> {
    const r = await fetch(`http://127.0.0.1:${this.opsPort}/metrics`, {
      signal: AbortSignal.timeout(5000),
    });
    if (r.status !== 200) throw new Error(`${this.name} /metrics answered ${r.status}`);
    return r.text();
  }

  logTail(lines = 40): string {
    let text: string;
    try {
      text = readFileSync(this.spec.logFile, 'utf8');
    } catch {
      return `(no log at ${this.spec.logFile})`;
    }
    const tail = text.trimEnd().split('\n').slice(-lines);
    return tail.map((l) => `  ${this.name} | ${l}`).join('\n');
  }

  /** The current run's output so far (from the last start). */
  currentLog(): string {
    try {
      return readFileSync(this.spec.logFile).subarray(this.#logStart).toString('utf8');
    } catch {
      return '';
    }
  }
}

/** Resolves after `ms` (for bounded polling loops only). */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers 200; rejects when the process dies or at `deadline`. */
export async function waitHttpOk(url: string, p: ManagedProcess, deadline: number): Promise<void> {
  let last = 'no answer';
  for (;;) {
    if (!p.running) throw new Error(`${p.name} exited while starting`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await r.body?.cancel();
      if (r.status === 200) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${url}: ${last}`);
    await delay(100);
  }
}

/** `n` distinct TCP ports that were free on 127.0.0.1 a moment ago. */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = createServer();
      servers.push(s);
      await new Promise<void>((res, rej) => {
        s.once('error', rej);
        s.listen(0, '127.0.0.1', () => res());
      });
      const a = s.address();
      if (a === null || typeof a === 'string') throw new Error('no port');
      ports.push(a.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** utime, stime and ppid of a process from /proc/<pid>/stat (Linux only). */
function procStat(pid: number): { cpu: number; ppid: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state(3) ppid(4) … utime(14) stime(15).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { cpu: (Number(f[11]) + Number(f[12])) / clockTicks(), ppid: Number(f[1]) };
}

/** User + system CPU seconds a live process has used so far (Linux /proc). */
export function cpuSeconds(pid: number): number {
  return procStat(pid).cpu;
}

/**
 * CPU seconds of a process and all its live descendants (e.g. the relay with its embedded
 * PostgreSQL and that server's backends). Descendants that already exited are not counted.
 */
export function treeCpuSeconds(pid: number): number {
  const all = new Map<number, { cpu: number; ppid: number }>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      all.set(Number(e), procStat(Number(e)));
    } catch {
      // exited while we listed
    }
  }
  let total = 0;
  const todo = [pid];
  const seen = new Set<number>();
  while (todo.length > 0) {
    const p = todo.pop() as number;
    if (seen.has(p)) continue;
    seen.add(p);
    const s = all.get(p);
    if (s === undefined) continue;
    total += s.cpu;
    for (const [child, cs] of all) if (cs.ppid === p) todo.push(child);
  }
  return total;
}
