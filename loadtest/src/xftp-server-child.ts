// Child process of the XFTP benchmark: one XftpServer (libs/xftp-server) on 127.0.0.1 with chunk
// records in PostgreSQL (PostgresFileStore, migrated into the given database) and bodies on disk
// (FsBlobStore), as apps deploy it, with nothing else in the process so its CPU is the server's.
// Usage: node --import tsx xftp-server-child.ts <certDir> <databaseUrl> <blobRoot>; prints
// `XFTP <port> <fingerprint>` when listening; SIGTERM closes the server and the store.
import { loadServerCredentials } from '@simplex-relay/node-crypto';
import { XftpServer } from '@simplex-relay/xftp-server';
import { FsBlobStore, PostgresFileStore, migrateFileStore } from '@simplex-relay/xftp-store';

const [certDir, dbUrl, blobRoot] = process.argv.slice(2);
if (certDir === undefined || dbUrl === undefined || blobRoot === undefined)
  throw new TypeError('usage: xftp-server-child.ts <certDir> <databaseUrl> <blobRoot>');

await migrateFileStore(dbUrl);
const fileStore = new PostgresFileStore({ connectionString: dbUrl });
const blobStore = await FsBlobStore.open({ root: blobRoot });
const server = new XftpServer({
  credentials: await loadServerCredentials(certDir),
  fileStore,
  blobStore,
  // A benchmark run is minutes long: no sweeps or gauge refreshes in the measured rounds.
  fileExpiration: false,
  storageStatsIntervalMs: 0,
});
const { port } = await server.listen(0, '127.0.0.1');
process.stdout.write(`XFTP ${port} ${server.fingerprint}\n`);
process.once('SIGTERM', () => {
  void server
    .close(1000)
    .then(() => fileStore.close())
    .finally(() => process.exit(0));
});
