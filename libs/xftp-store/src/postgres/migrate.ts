// The file store's SQL migrations (src/db/migrations), applied by the shared node-pg-migrate runner
// of @simplex-relay/postgres inside the store's schema (configurable, so one database can hold
// several independent stores).
import { fileURLToPath } from 'node:url';
import { checkSchemaName, runSqlMigrations } from '@simplex-relay/postgres';

export { checkSchemaName };

/** Default schema of the store (upstream `defaultXFTPDBOpts.schema` is `xftp_server`). */
export const XFTP_STORE_SCHEMA = 'xftp_store';

/** Folder of the migration files. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../db/migrations', import.meta.url));

/** Applies pending migrations to `schema` (created if missing); returns the names of those applied. */
export function migrateFileStore(
  connectionString: string,
  opts: { schema?: string; log?: (msg: string) => void } = {},
): Promise<string[]> {
  return runSqlMigrations(connectionString, {
    dir: MIGRATIONS_DIR,
    schema: opts.schema ?? XFTP_STORE_SCHEMA,
    log: opts.log,
  });
}
