// What the multi-process launchers (startCluster, startXftpCluster) set up before they spawn
// anything and tear down in their stop(): a temporary directory with logs/ and certs/ (new server
// credentials for 127.0.0.1, shared by every gateway), a fresh database unless the caller brings
// one, and the list of processes. Files are kept when a process crashed, so its log can be read.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeServerCredentials } from '@simplex-relay/node-crypto';
import { createTestDatabase, type TestDatabase } from './postgres.ts';
import type { ManagedProcess } from './processes.ts';

/** Options of openProcessGroup. */
export interface ProcessGroupOptions {
  /** Names the temporary directory, the test database and the log lines, e.g. `cluster`. */
  readonly name: string;
  /** Use this database instead of a fresh one (it is then not dropped). */
  readonly databaseUrl?: string;
  /** Keep the temporary directory after stop() (also with KEEP_CLUSTER_LOGS=1). */
  readonly keepFiles?: boolean;
}

/** The shared workspace of one launcher run. */
export interface ProcessGroup {
  readonly dir: string;
  readonly logDir: string;
  readonly certDir: string;
  /** Server identity fingerprint of the credentials in certDir. */
  readonly fingerprint: string;
  readonly databaseUrl: string;
  /** The launcher adds its processes here; stop() stops them. */
  readonly procs: ManagedProcess[];
  /** Log tails of every process. */
  logTail(lines?: number): string;
  /** Stops every process (SIGTERM, then SIGKILL after 10 s), drops the database, removes the files. Idempotent. */
  stop(): Promise<void>;
}

/** Creates the directory, credentials and database; cleans up what it made if any step fails. */
export async function openProcessGroup(opts: ProcessGroupOptions): Promise<ProcessGroup> {
  const dir = await mkdtemp(join(tmpdir(), `simplex-${opts.name}-`));
  const logDir = join(dir, 'logs');
  const certDir = join(dir, 'certs');
  const procs: ManagedProcess[] = [];
  let db: TestDatabase | undefined;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(procs.map((p) => p.kill('SIGTERM')));
    await db?.drop().catch((e: unknown) => console.error(`[testing] drop failed: ${String(e)}`));
    const crashed = procs.some((p) => p.unexpectedExits.length > 0);
    if (opts.keepFiles || crashed || process.env['KEEP_CLUSTER_LOGS'] === '1')
      console.error(`[testing] ${opts.name} files kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  };

  try {
    await mkdir(logDir, { recursive: true });
    const creds = await writeServerCredentials(certDir, { commonName: '127.0.0.1' });
    db =
      opts.databaseUrl === undefined ? await createTestDatabase({ prefix: opts.name }) : undefined;
    return {
      dir,
      logDir,
      certDir,
      fingerprint: creds.fingerprint,
      databaseUrl: opts.databaseUrl ?? (db as TestDatabase).url,
      procs,
      logTail: (lines = 40) => procs.map((p) => p.logTail(lines)).join('\n'),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
