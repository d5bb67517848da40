// Runs a store's SQL migrations with node-pg-migrate (plain .sql files with `-- Up Migration` /
// `-- Down Migration` sections) inside one schema: node-pg-migrate sets search_path to it, so the
// unqualified names in the migrations land there, and its migrations table lives there too. All
// pending migrations run in one transaction under node-pg-migrate's advisory lock, so instances
// starting together are safe.
import { runner } from 'node-pg-migrate';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates a schema name: lowercase SQL identifier, so it never needs quoting rules beyond `"…"`. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new RangeError('schema must match [a-z_][a-z0-9_]{0,62}');
  return schema;
}

/** Where a store's migrations live and where they are applied. */
export interface SqlMigrationsOptions {
  /** Folder of the migration files. */
  readonly dir: string;
  /** Schema the migrations (and node-pg-migrate's `migrations` table) go into; created if missing. */
  readonly schema: string;
  /** Receives node-pg-migrate's progress lines (default: dropped). */
  readonly log?: (msg: string) => void;
}

/** Applies the pending migrations of `opts.dir` to `opts.schema`; returns the names of those applied. */
export async function runSqlMigrations(
  connectionString: string,
  opts: SqlMigrationsOptions,
): Promise<string[]> {
  const log = opts.log ?? (() => {});
  const ran = await runner({
    databaseUrl: connectionString,
    dir: opts.dir,
    direction: 'up',
    schema: checkSchemaName(opts.schema),
    createSchema: true,
    migrationsTable: 'migrations',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    logger: { debug: log, info: log, warn: log, error: log },
  });
  return ran.map((m) => m.name);
}
