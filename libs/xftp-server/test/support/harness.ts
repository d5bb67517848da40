// Starts XFTP servers for the tests on 127.0.0.1 with one identity per test file, over a chosen
// store pair, and helpers to create and upload chunks through a RawXftpConnection.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkServerCredentials,
  createCertificates,
  createWebCertificate,
  type CheckedCredentials,
  type WebCredentials,
} from '@simplex-relay/node-crypto';
import { chunkDigest, generateKeyPair } from '@simplex-relay/protocol';
import type { FileResponse, KeyPair, PublicKey } from '@simplex-relay/protocol';
import { FsBlobStore, MemoryBlobStore, MemoryFileStore } from '@simplex-relay/xftp-store';
import type { BlobStore, FileStore } from '@simplex-relay/xftp-store';
import { XftpServer, type XftpServerOptions } from '../../src/index.ts';
import { RawXftpConnection, c, type ConnectOptions } from './raw-client.ts';

let identity: CheckedCredentials | undefined;
let webCert: WebCredentials | undefined;

/** One Ed25519 identity per process (certificate generation is the slow part). */
export function testCredentials(): CheckedCredentials {
  identity ??= checkServerCredentials(createCertificates({ algorithm: 'ed25519' }));
  return identity;
}

/** A self-signed web certificate for `localhost`. */
export function testWebCredentials(): WebCredentials {
  webCert ??= createWebCertificate({ hosts: ['localhost'] });
  return webCert;
}

/** A running test server. */
export interface TestServer {
  readonly server: XftpServer;
  readonly port: number;
  readonly keyHash: Uint8Array;
  readonly fileStore: FileStore;
  readonly blobStore: BlobStore;
  connect(opts?: ConnectOptions): Promise<RawXftpConnection>;
  /** Connects and completes the native handshake. */
  client(): Promise<RawXftpConnection>;
  close(): Promise<void>;
}

/** Starts a server; memory stores unless given. Expiry is off unless asked for. */
export async function startServer(opts: Partial<XftpServerOptions> = {}): Promise<TestServer> {
  const fileStore = opts.fileStore ?? new MemoryFileStore();
  const blobStore = opts.blobStore ?? new MemoryBlobStore();
  const server = new XftpServer({
    credentials: testCredentials(),
    fileExpiration: false,
    storageStatsIntervalMs: 0,
    ...opts,
    fileStore,
    blobStore,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const conns: RawXftpConnection[] = [];
  const connect = async (o?: ConnectOptions) => {
    const conn = await RawXftpConnection.connect(port, server.keyHash, o);
    conns.push(conn);
    return conn;
  };
  return {
    server,
    port,
    keyHash: server.keyHash,
    fileStore,
    blobStore,
    connect,
    client: async () => {
      const conn = await connect();
      await conn.handshake();
      return conn;
    },
    close: async () => {
      await Promise.all(conns.map((x) => x.close()));
      await server.close(1000);
    },
  };
}

/** A temporary blob root on disk. */
export async function tempBlobStore(): Promise<{
  store: FsBlobStore;
  root: string;
  remove(): Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'xftp-blobs-'));
  return {
    store: await FsBlobStore.open({ root }),
    root,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** Random bytes of a chunk. */
export const randomChunk = (size: number): Uint8Array => c.randomBytes(size);

/** A registered chunk: its keys and IDs. */
export interface TestFile {
  readonly snd: KeyPair;
  readonly rcv: KeyPair[];
  readonly senderId: Uint8Array;
  readonly recipientIds: Uint8Array[];
  readonly chunk: Uint8Array;
}

/** FNEW for `chunk` with `recipients` Ed25519 recipient keys; throws unless SIDS. */
export async function newFile(
  conn: RawXftpConnection,
  chunk: Uint8Array,
  opts: { recipients?: number; basicAuth?: Uint8Array; digest?: Uint8Array } = {},
): Promise<TestFile> {
  const snd = generateKeyPair(c, 'ed25519');
  const rcv = Array.from({ length: opts.recipients ?? 1 }, () => generateKeyPair(c, 'ed25519'));
  const r = await fnew(
    conn,
    snd,
    rcv.map((k) => k.pub),
    chunk.length,
    opts,
  );
  if (r.tag !== 'SIDS') throw new Error(`FNEW: ${JSON.stringify(r)}`);
  return { snd, rcv, senderId: r.senderId, recipientIds: [...r.recipientIds], chunk };
}

/** FNEW with explicit keys; returns the response. */
export async function fnew(
  conn: RawXftpConnection,
  snd: KeyPair,
  rcvKeys: PublicKey[],
  size: number,
  opts: { basicAuth?: Uint8Array; digest?: Uint8Array; chunk?: Uint8Array } = {},
): Promise<FileResponse> {
  const [first, ...rest] = rcvKeys;
  if (first === undefined) throw new RangeError('no recipient keys');
  const digest = opts.digest ?? (opts.chunk ? chunkDigest(opts.chunk) : c.randomBytes(32));
  const r = await conn.command(snd.priv, new Uint8Array(0), {
    tag: 'FNEW',
    file: { sndKey: snd.pub, size, digest },
    rcvKeys: [first, ...rest],
    ...(opts.basicAuth && { basicAuth: opts.basicAuth }),
  });
  return r.response;
}

/** FNEW with the chunk's real digest, then FPUT of the chunk; throws unless both succeed. */
export async function uploadFile(
  conn: RawXftpConnection,
  chunk: Uint8Array,
  recipients = 1,
): Promise<TestFile> {
  const f = await newFile(conn, chunk, { recipients, digest: chunkDigest(chunk) });
  const r = await conn.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [chunk]);
  if (r.response.tag !== 'OK') throw new Error(`FPUT: ${JSON.stringify(r.response)}`);
  return f;
}
