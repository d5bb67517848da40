// Runs the SQL migrations in src/db/migrations with node-pg-migrate (plain .sql files with
// `-- Up Migration` / `-- Down Migration` sections) inside one schema: node-pg-migrate sets
// search_path to it, so the unqualified names in the migrations land there, and its migrations
// table lives there too. All pending migrations run in one transaction under node-pg-migrate's
// advisory lock, so gateways starting together are safe.
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

/** Default schema of the store (upstream `defaultXFTPDBOpts.schema` is `xftp_server`). */
export const XFTP_STORE_SCHEMA = 'xftp_store';

/** Folder of the migration files. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../db/migrations', import.meta.url));

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates a schema name: lowercase SQL identifier, so it never needs quoting rules beyond `"…"`. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new RangeError('schema must match [a-z_][a-z0-9_]{0,62}');
  return schema;
}

/** Applies pending migrations to `schema` (created if missing); returns the names of those applied. */
export async function migrateFileStore(
  connectionString: string,
  opts: { schema?: string; log?: (msg: string) => void } = {},
): Promise<string[]> {
  const log = opts.log ?? (() => {});
  const ran = await runner({
    databaseUrl: connectionString,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    schema: checkSchemaName(opts.schema ?? XFTP_STORE_SCHEMA),
    createSchema: true,
    migrationsTable: 'migrations',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    logger: { debug: log, info: log, warn: log, error: log },
  });
  return ran.map((m) => m.name);
}
