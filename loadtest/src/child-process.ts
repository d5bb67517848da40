// Child processes of the benchmarks: a TypeScript entry run with tsx, ready when it prints a line
// matching a pattern, stopped by its pid (SIGTERM, then SIGKILL after a grace period).
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (loadtest/src/ is two levels below). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Preloaded into every child: it stops itself when this process disappears (libs/testing). */
const WATCHDOG = pathToFileURL(resolve(REPO_ROOT, 'libs/testing/src/child-watchdog.ts')).href;

/** A started child. */
export interface Child {
  readonly pid: number;
  readonly proc: ChildProcess;
  /** The capture groups of the ready line. */
  readonly ready: RegExpMatchArray;
  /** Last lines of stderr, for error reports. */
  stderrTail(): string;
  stop(): Promise<void>;
}

/** Starts `node --import tsx <entry> …args` and waits for a stdout line matching `readyLine`. */
export async function startTsChild(
  entry: string,
  args: readonly string[],
  readyLine: RegExp,
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--import', WATCHDOG, entry, ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: resolve(REPO_ROOT, 'tsconfig.base.json'),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  const ready = await new Promise<RegExpMatchArray>((resolveReady, reject) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`${entry} not ready in ${opts.timeoutMs ?? 30_000} ms`)),
      opts.timeoutMs ?? 30_000,
    );
    const fail = (e: Error): void => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${e.message}\n${stderr}`)));
    };
    const onExit = (code: number | null): void => fail(new Error(`${entry} exited with ${code}`));
    proc.once('exit', onExit);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(readyLine);
      if (m) {
        clearTimeout(timer);
        proc.off('exit', onExit);
        resolveReady(m);
      }
    });
  });
  if (proc.pid === undefined) throw new Error(`${entry}: no pid`);
  return { pid: proc.pid, proc, ready, stderrTail: () => stderr, stop };
}
