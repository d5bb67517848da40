// sendFile / receiveFile / deleteFile (libs/xftp-client) against real XFTP servers
// (libs/xftp-server over real TLS + HTTP/2), for 1 B, 64 KB, 1 MB and 20 MB files. These tests live
// here and not in libs/xftp-client because libs/xftp-server already depends on the client for its
// own tests, and a dependency back would make the project graph cyclic.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  XftpClient,
  XftpError,
  XftpClientPool,
  deleteFile,
  receiveFile,
  sendFile,
} from '@simplex-relay/xftp-client';
import type { FileDescription } from '@simplex-relay/xftp-client';
import { startRelay } from './support/relay.ts';
import type { TestRelay } from './support/relay.ts';

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const piece of createReadStream(path)) h.update(piece as Buffer);
  return h.digest('hex');
}

describe('XFTP round trips against libs/xftp-server', () => {
  let r1: TestRelay;
  let r2: TestRelay;
  let dir: string;
  let tmp: string;

  before(async () => {
    [r1, r2] = await Promise.all([startRelay(), startRelay()]);
    dir = await mkdtemp(join(tmpdir(), 'xftp-rt-'));
    tmp = join(dir, 'tmp');
    await mkdir(tmp);
  });
  after(async () => {
    await Promise.all([r1.stop(), r2.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, number][] = [
    ['1 B', 1],
    ['64 KB', 64 * 1024],
    ['1 MB', 1024 * 1024],
    ['20 MB', 20 * 1024 * 1024],
  ];
  for (const [label, size] of cases) {
    it(`sends, receives and deletes a ${label} file`, async () => {
      const src = join(dir, `src-${size}.bin`);
      await writeFile(src, randomBytes(size));
      const pool = new XftpClientPool();
      try {
        const sent = await sendFile(src, [r1.address, r2.address], { tempDir: tmp, pool });
        const rcv = sent.recipientDescriptions[0] as FileDescription;
        const used = new Set(rcv.chunks.map((c) => c.replicas[0]?.server.port));
        assert.equal(
          used.size,
          Math.min(2, rcv.chunks.length),
          'chunks alternate over both servers',
        );
        const files = (await r1.fileStore.countFiles()) + (await r2.fileStore.countFiles());
        assert.equal(files, rcv.chunks.length, 'one record per chunk');
        const got = await receiveFile(rcv, join(dir, 'out'), { tempDir: tmp, pool });
        assert.equal(got.size, size);
        assert.equal(got.ackFailures, 0);
        assert.equal(await sha256File(got.path), await sha256File(src), 'same bytes back');
        for (const ch of rcv.chunks) {
          const rep = ch.replicas[0];
          assert.ok(rep);
          const relay = rep.server.port === r1.address.split(':').at(-1) ? r1 : r2;
          assert.equal(
            await relay.fileStore.getFileByRecipient(rep.replicaId),
            undefined,
            'the recipient ID is gone after FACK',
          );
        }
        await deleteFile(sent.senderDescription, { pool });
        assert.equal(
          (await r1.fileStore.countFiles()) + (await r2.fileStore.countFiles()),
          0,
          'every chunk is deleted',
        );
        assert.deepEqual(await readdir(tmp), [], 'no temporary files are left');
      } finally {
        await pool.close();
        await rm(src, { force: true });
      }
    });
  }

  it('gets ERR AUTH for a chunk after it was deleted, and keeps the connection', async () => {
    const src = join(dir, 'gone.bin');
    await writeFile(src, randomBytes(10));
    const sent = await sendFile(src, [r1.address], { tempDir: tmp });
    await deleteFile(sent.senderDescription);
    const rcv = sent.recipientDescriptions[0] as FileDescription;
    const rep = rcv.chunks[0]?.replicas[0];
    assert.ok(rep);
    const cl = await XftpClient.connect(r1.address);
    try {
      await assert.rejects(
        cl.downloadChunk(rep.replicaKey, rep.replicaId, {
          path: join(dir, 'never'),
          size: rcv.chunks[0]?.chunkSize ?? 0,
          digest: rcv.chunks[0]?.digest ?? new Uint8Array(32),
        }),
        (e: unknown) => {
          assert.ok(e instanceof XftpError);
          assert.deepEqual(e.error, { type: 'PROTOCOL', error: { type: 'AUTH' } });
          return true;
        },
      );
      await cl.ping();
    } finally {
      await cl.close();
    }
  });

  it('uses the create password from the address for FNEW', async () => {
    const locked = await startRelay({ newFileBasicAuth: new TextEncoder().encode('secret') });
    try {
      const src = join(dir, 'pw.bin');
      await writeFile(src, randomBytes(100));
      const [scheme, rest] = locked.address.split('://') as [string, string];
      const [hash, host] = rest.split('@') as [string, string];
      const withPw = `${scheme}://${hash}:secret@${host}`;
      await assert.rejects(sendFile(src, [locked.address], { tempDir: tmp }), (e: unknown) => {
        assert.ok(e instanceof XftpError);
        assert.deepEqual(e.error, { type: 'PROTOCOL', error: { type: 'AUTH' } });
        return true;
      });
      const sent = await sendFile(src, [withPw], { tempDir: tmp });
      const got = await receiveFile(
        sent.recipientDescriptions[0] as FileDescription,
        join(dir, 'pw'),
        {
          tempDir: tmp,
        },
      );
      assert.equal(got.size, 100, 'recipients need no password');
      await deleteFile(sent.senderDescription);
    } finally {
      await locked.stop();
    }
  });
});
