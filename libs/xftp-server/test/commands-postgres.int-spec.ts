// The command suite on PostgresFileStore (one schema per server, in a throwaway database) and
// FsBlobStore (one temporary root per server).
import { createTestDatabase, type TestDatabase } from '@simplex-relay/testing';
import { PostgresFileStore, migrateFileStore } from '@simplex-relay/xftp-store';
import { tempBlobStore } from './support/harness.ts';
import { commandSuite } from './support/command-suite.ts';

let db: TestDatabase | undefined;
let n = 0;

commandSuite('Postgres + file system', {
  fresh: async () => {
    db ??= await createTestDatabase({ prefix: 'xftp_server' });
    const schema = `xftp_${++n}`;
    await migrateFileStore(db.url, { schema });
    const fileStore = new PostgresFileStore({ connectionString: db.url, schema, poolSize: 4 });
    const blobs = await tempBlobStore();
    return {
      fileStore,
      blobStore: blobs.store,
      close: async () => {
        await fileStore.close();
        await blobs.remove();
      },
    };
  },
  dispose: async () => {
    await db?.drop();
  },
});
