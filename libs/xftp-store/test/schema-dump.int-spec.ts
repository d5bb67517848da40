import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, dumpSchema } from '@simplex-relay/testing';
import type { TestDatabase } from '@simplex-relay/testing';
import { XFTP_STORE_SCHEMA, migrateFileStore } from '../src/index.ts';

const SCHEMA_FILE = new URL('../src/db/schema.sql', import.meta.url);

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase({ prefix: 'xftp_schema' });
  await migrateFileStore(db.url);
});
after(async () => {
  await db?.drop();
});

describe('xftp-store migrations', () => {
  it('produce exactly the committed src/db/schema.sql (UPDATE_SCHEMA=1 rewrites it)', async () => {
    const actual = await dumpSchema(db.url, XFTP_STORE_SCHEMA);
    if (process.env['UPDATE_SCHEMA'] === '1') await writeFile(SCHEMA_FILE, actual);
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    assert.equal(
      actual,
      committed,
      'schema drift: run the test with UPDATE_SCHEMA=1 and review the diff',
    );
  });

  it('apply nothing when run again on a migrated database', async () => {
    assert.deepEqual(await migrateFileStore(db.url), []);
  });
});
