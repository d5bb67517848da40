// A real XFTP server (libs/xftp-server) for the CLI and round-trip tests: TLS + HTTP/2 on
// 127.0.0.1, memory chunk records, chunk bodies on disk in a temp directory, expiry off.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServerCredentials, createCertificates } from '@simplex-relay/node-crypto';
import type { CheckedCredentials } from '@simplex-relay/node-crypto';
import { XftpServer } from '@simplex-relay/xftp-server';
import type { XftpServerOptions } from '@simplex-relay/xftp-server';
import { FsBlobStore, MemoryFileStore } from '@simplex-relay/xftp-store';

let identity: CheckedCredentials | undefined;

/** A running server and its `xftp://` address. */
export interface TestRelay {
  readonly server: XftpServer;
  readonly address: string;
  readonly fileStore: MemoryFileStore;
  stop(): Promise<void>;
}

/** Starts a server with its own stores; one Ed25519 identity per process (generation is slow). */
export async function startRelay(opts: Partial<XftpServerOptions> = {}): Promise<TestRelay> {
  identity ??= checkServerCredentials(createCertificates({ algorithm: 'ed25519' }));
  const root = await mkdtemp(join(tmpdir(), 'xftp-relay-'));
  const fileStore = new MemoryFileStore();
  const server = new XftpServer({
    credentials: identity,
    fileExpiration: false,
    storageStatsIntervalMs: 0,
    ...opts,
    fileStore,
    blobStore: await FsBlobStore.open({ root }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    server,
    address: `xftp://${server.fingerprint}@127.0.0.1:${port}`,
    fileStore,
    stop: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
