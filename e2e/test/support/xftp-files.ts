// Helpers of the XFTP end-to-end tests: random files, their digests, per-chunk checks with a plain
// XftpClient, and pointing a file description at another gateway of the same identity.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { XftpClient, XftpError, parseXftpServer } from '@simplex-relay/xftp-client';
import type { FileChunkReplica, FileDescription } from '@simplex-relay/xftp-client';

/** The file sizes the issue asks for. */
export const XFTP_SIZES: readonly (readonly [label: string, bytes: number])[] = [
  ['1 B', 1],
  ['64 KB', 64 * 1024],
  ['1 MB', 1024 * 1024],
  ['20 MB', 20 * 1024 * 1024],
];

/** Writes `size` random bytes to `path`. */
export async function writeRandomFile(path: string, size: number): Promise<void> {
  await writeFile(path, randomBytes(size));
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const piece of createReadStream(path)) h.update(piece as Buffer);
  return h.digest('hex');
}

/**
 * The same description with every replica on `address` instead: gateways of one cluster share the
 * identity (key hash) and differ only in the port, so a client can take any of them.
 */
export function viaServer(fd: FileDescription, address: string): FileDescription {
  const server = parseXftpServer(address);
  return {
    ...fd,
    chunks: fd.chunks.map((ch) => ({
      ...ch,
      replicas: ch.replicas.map((r) => ({ ...r, server })),
    })),
  };
}

/** The first replica of every chunk. */
export function firstReplicas(fd: FileDescription): FileChunkReplica[] {
  return fd.chunks.map((ch) => {
    const r = ch.replicas[0];
    assert.ok(r, `chunk ${ch.chunkNo} has a replica`);
    return r;
  });
}

/** Asserts that `p` fails with the server's `ERR AUTH`. */
export async function rejectsWithAuth(p: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(
    p,
    (e: unknown) => {
      assert.ok(e instanceof XftpError, `${what}: an XftpError, got ${String(e)}`);
      assert.deepEqual(e.error, { type: 'PROTOCOL', error: { type: 'AUTH' } }, what);
      return true;
    },
    what,
  );
}

/** Runs `fn` with a fresh connection to `address`, closed afterwards. */
export async function withXftpClient<T>(
  address: string,
  fn: (c: XftpClient) => Promise<T>,
): Promise<T> {
  const c = await XftpClient.connect(address);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}
