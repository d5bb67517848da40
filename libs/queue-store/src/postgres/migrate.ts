// Runs the SQL migrations in src/db/migrations with node-pg-migrate (plain .sql files with
// `-- Up Migration` / `-- Down Migration` sections). All pending migrations run in one transaction
// under node-pg-migrate's advisory lock, so concurrent instances starting together are safe.
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

/** Schema holding every table and function of the store. */
export const QUEUE_STORE_SCHEMA = 'queue_store';

/** Folder of the migration files. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../db/migrations', import.meta.url));

/** Applies pending migrations; returns the names of those applied. */
export async function migrateQueueStore(
  connectionString: string,
  opts: { log?: (msg: string) => void } = {},
): Promise<string[]> {
  const log = opts.log ?? (() => {});
  const ran = await runner({
    databaseUrl: connectionString,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    schema: QUEUE_STORE_SCHEMA,
    createSchema: true,
    migrationsTable: 'migrations',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    logger: { debug: log, info: log, warn: log, error: log },
  });
  return ran.map((m) => m.name);
}
