// `pg_dump --schema-only` of one store schema, normalised so a committed src/db/schema.sql only
// changes when the schema does (upstream tests/PostgresSchemaDump.hs does the same). Used by the
// queue-store and xftp-store schema-drift tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The normalised schema-only dump of `schema` in the database at `url` (`PG_DUMP` overrides the binary). */
export async function dumpSchema(url: string, schema: string): Promise<string> {
  const pgDump = process.env['PG_DUMP'] ?? 'pg_dump';
  const { stdout } = await run(pgDump, [
    '--schema-only',
    '--no-owner',
    '--no-privileges',
    '--no-comments',
    `--schema=${schema}`,
    `--dbname=${url}`,
  ]);
  return normaliseDump(stdout);
}

/** Drops comments, session SETs, pg_dump's per-run `\restrict` keys and repeated blank lines. */
export function normaliseDump(dump: string): string {
  const lines = dump
    .split('\n')
    .filter((l) => !/^(--|SET |SELECT pg_catalog\.set_config|\\restrict|\\unrestrict)/.test(l))
    .map((l) => l.trimEnd());
  return (
    lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}
