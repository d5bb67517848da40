// Interop with the workspace's full XFTP client (libs/xftp-client, modelled on upstream's
// `xftp` CLI): a file is encrypted, split into chunks over two servers, received by one recipient
// and deleted by the sender, through its own connection handling, retries and description files.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteFile, receiveFile, sendFile } from '@simplex-relay/xftp-client';
import { encodeBase64Url } from '@simplex-relay/protocol';
import { MemoryFileStore } from '@simplex-relay/xftp-store';
import { randomChunk, startServer, tempBlobStore, type TestServer } from './support/harness.ts';

describe('the workspace XFTP client against this server', () => {
  let dir: string;
  const servers: TestServer[] = [];
  const removers: (() => Promise<void>)[] = [];
  const address = (s: TestServer) => `xftp://${encodeBase64Url(s.keyHash)}@127.0.0.1:${s.port}`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xftp-interop-'));
    for (let i = 0; i < 2; i++) {
      const blobs = await tempBlobStore();
      removers.push(blobs.remove);
      servers.push(await startServer({ fileStore: new MemoryFileStore(), blobStore: blobs.store }));
    }
  });

  after(async () => {
    for (const s of servers) await s.close();
    for (const r of removers) await r();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends a multi-chunk file over two servers, receives it, and deletes it', async () => {
    const plain = randomChunk(1536 * 1024);
    const src = join(dir, 'photo.bin');
    await writeFile(src, plain);
    const opts = { tempDir: dir, retries: 1 };
    const sent = await sendFile(src, servers.map(address), { ...opts, numRecipients: 2 });
    const chunks = sent.senderDescription.chunks;
    assert.ok(chunks.length > 1, 'more than one chunk');
    const used = new Set(chunks.map((ch) => ch.replicas[0]?.server.port));
    assert.equal(used.size, 2, 'chunks on both servers');
    const r1 = sent.recipientDescriptions[0];
    const r2 = sent.recipientDescriptions[1];
    assert.ok(r1 && r2);
    const got = await receiveFile(r1, join(dir, 'in'), opts);
    assert.deepEqual(new Uint8Array(await readFile(got.path)), plain, 'the same bytes arrive');
    assert.equal(got.ackFailures, 0, 'every chunk acknowledged');
    await deleteFile(sent.senderDescription, opts);
    await assert.rejects(receiveFile(r2, join(dir, 'in2'), opts), 'deleted chunks answer AUTH');
  });
});
