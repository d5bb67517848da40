import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pgDriver from 'pg';
import { PostgresFileStore, migrateFileStore } from '../src/index.ts';
import type { FileStore } from '../src/index.ts';
import type { FileStoreHarness } from './contract/harness.ts';
import { fileRecordsContract } from './contract/file-store-records.contract.ts';
import { fileStorageContract } from './contract/file-store-storage.contract.ts';
import { newFile } from './support/fixtures.ts';
import { PgHarness } from './support/pg.ts';

let pg: PgHarness;
before(async () => {
  pg = await PgHarness.create('xftp_store');
});
after(async () => {
  await pg?.drop();
});

const harness: FileStoreHarness = {
  fresh: (opts) => pg.fresh(opts),
  another: async (s: FileStore, opts) => {
    if (!(s instanceof PostgresFileStore)) throw new TypeError('not a PostgresFileStore');
    return pg.another(s, opts);
  },
};

fileRecordsContract('postgres', harness);
fileStorageContract('postgres', harness);

describe('PostgresFileStore schemas', () => {
  it('keeps stores in different schemas of one database apart', async () => {
    const a = await pg.fresh();
    const b = await pg.fresh();
    try {
      const r = await a.createFile(newFile());
      assert.ok(r.ok);
      assert.ok((await a.reserveStorage(r.senderId, undefined)).ok);
      assert.equal(
        await b.getFileBySender(r.senderId),
        undefined,
        'the other schema has no such file',
      );
      assert.equal(await b.getUsedStorage(), 0, 'and its own counter');
      assert.equal(await a.getUsedStorage(), 65536);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('rejects a schema name that is not a plain lowercase identifier', async () => {
    assert.throws(
      () => new PostgresFileStore({ connectionString: pg.db.url, schema: 'x"; DROP TABLE y; --' }),
      RangeError,
    );
    await assert.rejects(migrateFileStore(pg.db.url, { schema: 'Bad-Name' }), RangeError);
  });

  it('recounts the quota total from the records after a manual edit', async () => {
    const s = await pg.fresh();
    const admin = new pgDriver.Client({ connectionString: pg.db.url });
    await admin.connect();
    try {
      const r = await s.createFile(newFile());
      assert.ok(r.ok);
      await s.reserveStorage(r.senderId, undefined);
      await admin.query(`UPDATE "${pg.schemaOf(s)}".storage_usage SET used_bytes = 12345`);
      assert.equal(await s.getUsedStorage(), 12345, 'the drifted value is what the counter says');
      assert.equal(await s.recountUsedStorage(), 65536);
      assert.equal(await s.getUsedStorage(), 65536);
    } finally {
      await admin.end();
      await s.close();
    }
  });
});
