import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase } from '@simplex-relay/testing';
import type { TestDatabase } from '@simplex-relay/testing';
import { checkSchemaName, runSqlMigrations } from '../src/index.ts';

let db: TestDatabase;
let dir: string;
before(async () => {
  db = await createTestDatabase({ prefix: 'pg_migrate' });
  dir = await mkdtemp(join(tmpdir(), 'pg-migrate-'));
  await writeFile(
    join(dir, '0001_first.sql'),
    '-- Up Migration\nCREATE TABLE items (id BIGINT PRIMARY KEY);\n-- Down Migration\nDROP TABLE items;\n',
  );
});
after(async () => {
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tablesOf(schema: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const r = await c.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    return r.rows.map((row) => row.table_name);
  } finally {
    await c.end();
  }
}

describe('runSqlMigrations', () => {
  it('creates the schema, applies the pending files there and reports their names', async () => {
    assert.deepEqual(await runSqlMigrations(db.url, { dir, schema: 'store_a' }), ['0001_first']);
    assert.deepEqual(await tablesOf('store_a'), ['items', 'migrations']);
    assert.deepEqual(await tablesOf('public'), []);
  });

  it('applies only the files added since the last run', async () => {
    await writeFile(
      join(dir, '0002_second.sql'),
      '-- Up Migration\nALTER TABLE items ADD COLUMN name TEXT;\n-- Down Migration\nALTER TABLE items DROP COLUMN name;\n',
    );
    assert.deepEqual(await runSqlMigrations(db.url, { dir, schema: 'store_a' }), ['0002_second']);
    assert.deepEqual(await runSqlMigrations(db.url, { dir, schema: 'store_a' }), []);
  });

  it('keeps stores in different schemas of one database apart', async () => {
    const lines: string[] = [];
    const ran = await runSqlMigrations(db.url, {
      dir,
      schema: 'store_b',
      log: (m) => lines.push(m),
    });
    assert.deepEqual(ran, ['0001_first', '0002_second']);
    assert.deepEqual(await tablesOf('store_b'), ['items', 'migrations']);
    assert.ok(lines.length > 0, 'progress lines reach the log callback');
  });

  it('rejects a schema name that is not a plain lowercase identifier', async () => {
    await assert.rejects(runSqlMigrations(db.url, { dir, schema: 'Bad"name' }), RangeError);
    assert.throws(() => checkSchemaName('1abc'), RangeError);
    assert.equal(checkSchemaName('store_b'), 'store_b');
  });
});
