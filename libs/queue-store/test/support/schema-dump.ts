// `pg_dump --schema-only` of the queue_store schema, normalised so the committed src/db/schema.sql
// only changes when the schema does (upstream tests/PostgresSchemaDump.hs does the same).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { QUEUE_STORE_SCHEMA } from '../../src/index.ts';

const run = promisify(execFile);

export async function dumpSchema(url: string): Promise<string> {
  const pgDump = process.env['PG_DUMP'] ?? 'pg_dump';
  const { stdout } = await run(pgDump, [
    '--schema-only',
    '--no-owner',
    '--no-privileges',
    '--no-comments',
    `--schema=${QUEUE_STORE_SCHEMA}`,
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
