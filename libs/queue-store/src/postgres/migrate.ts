// The queue store's SQL migrations (src/db/migrations), applied by the shared node-pg-migrate runner
// of @simplex-relay/postgres inside the fixed schema `queue_store`.
import { fileURLToPath } from 'node:url';
import { runSqlMigrations } from '@simplex-relay/postgres';

/** Schema holding every table and function of the store. */
export const QUEUE_STORE_SCHEMA = 'queue_store';

/** Folder of the migration files. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../db/migrations', import.meta.url));

/** Applies pending migrations; returns the names of those applied. */
export function migrateQueueStore(
  connectionString: string,
  opts: { log?: (msg: string) => void } = {},
): Promise<string[]> {
  return runSqlMigrations(connectionString, {
    dir: MIGRATIONS_DIR,
    schema: QUEUE_STORE_SCHEMA,
    log: opts.log,
  });
}
