import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { dumpSchema } from '@simplex-relay/testing';
import type { TestDatabase } from '@simplex-relay/testing';
import { QUEUE_STORE_SCHEMA, migrateQueueStore } from '../src/index.ts';
import { migratedTestDatabase } from './support/pg.ts';

const SCHEMA_FILE = new URL('../src/db/schema.sql', import.meta.url);

let db: TestDatabase;
before(async () => {
  db = await migratedTestDatabase('qs_schema');
});
after(async () => {
  await db?.drop();
});

describe('queue-store migrations', () => {
  it('produce exactly the committed src/db/schema.sql (UPDATE_SCHEMA=1 rewrites it)', async () => {
    const actual = await dumpSchema(db.url, QUEUE_STORE_SCHEMA);
    if (process.env['UPDATE_SCHEMA'] === '1') await writeFile(SCHEMA_FILE, actual);
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    assert.equal(
      actual,
      committed,
      'schema drift: run the test with UPDATE_SCHEMA=1 and review the diff',
    );
  });

  it('apply nothing when run again on a migrated database', async () => {
    assert.deepEqual(await migrateQueueStore(db.url), []);
  });
});
