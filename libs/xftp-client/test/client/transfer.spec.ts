// sendFile / receiveFile / deleteFile against two in-test servers (support/fake-server.ts): round
// trips, round-robin placement, several recipients, retries, resuming after a failure, redirects.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  XftpClientPool,
  XftpError,
  XftpTransferError,
  decodeValidFileDescription,
  deleteFile,
  encodeFileDescription,
  parseWebLink,
  receiveFile,
  sendFile,
  writeFileDescriptions,
} from '../../src/index.ts';
import type { FileDescription } from '../../src/index.ts';
import { FakeXftpServer } from './support/fake-server.ts';

const fast = { retryDelayMs: 10 };
const fputs = (s: FakeXftpServer): number => s.requests.filter((r) => r.tag === 'FPUT').length;
const fgets = (s: FakeXftpServer): number => s.requests.filter((r) => r.tag === 'FGET').length;

describe('file transfers', () => {
  let a: FakeXftpServer;
  let b: FakeXftpServer;
  let dir: string;
  let tmp: string;

  before(async () => {
    a = await new FakeXftpServer().start();
    b = await new FakeXftpServer().start();
    dir = await mkdtemp(join(tmpdir(), 'xftp-transfer-'));
    tmp = join(dir, 'tmp');
    await mkdir(tmp);
  });
  after(async () => {
    await a.stop();
    await b.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const source = async (name: string, size: number): Promise<{ path: string; data: Buffer }> => {
    const data = randomBytes(size);
    const path = join(dir, name);
    await writeFile(path, data);
    return { path, data };
  };

  it('sends, receives and deletes a 1-byte file', async () => {
    const { path, data } = await source('one.bin', 1);
    const sent = await sendFile(path, [a.address], { tempDir: tmp });
    assert.equal(sent.fileName, 'one.bin');
    assert.equal(sent.recipientDescriptions.length, 1);
    const rcv = sent.recipientDescriptions[0] as FileDescription;
    assert.equal(rcv.chunks.length, 1);
    assert.equal(rcv.chunkSize, 65536, 'the smallest chunk size');
    const got = await receiveFile(rcv, join(dir, 'out1'), { tempDir: tmp });
    assert.equal(got.fileName, 'one.bin');
    assert.equal(got.size, 1);
    assert.equal(got.ackFailures, 0);
    assert.ok((await readFile(got.path)).equals(data), 'the received file is the sent one');
    assert.equal(a.recipients.size, 0, 'the recipient acknowledged its chunk');
    await deleteFile(sent.senderDescription);
    assert.equal(a.files.size, 0, 'the sender deleted the chunk');
    assert.deepEqual(await readdir(tmp), [], 'temporary files are removed');
  });

  it('spreads chunks round-robin over servers and serves several recipients', async () => {
    const { path, data } = await source('two.bin', 100 * 1024);
    const progress: number[] = [];
    const sent = await sendFile(path, [a.address, b.address], {
      tempDir: tmp,
      numRecipients: 2,
      onProgress: (done, total) => {
        assert.ok(done <= total);
        progress.push(done);
      },
    });
    const [r1, r2] = sent.recipientDescriptions as [FileDescription, FileDescription];
    assert.equal(r1.chunks.length, 2, '100 KB needs two 64 KB chunks');
    assert.equal(a.files.size, 1, 'chunk 1 on the first server');
    assert.equal(b.files.size, 1, 'chunk 2 on the second server');
    assert.equal(progress.at(-1), r1.size, 'progress ends at the encrypted size');
    assert.notDeepEqual(
      r1.chunks[0]?.replicas[0]?.replicaId,
      r2.chunks[0]?.replicas[0]?.replicaId,
      'each recipient has its own IDs',
    );
    // the descriptions survive the YAML round trip and the web link
    const yaml = encodeFileDescription(r2);
    const back = decodeValidFileDescription(yaml, 'recipient');
    const link = sent.webLink ?? '';
    assert.ok(link.startsWith('https://127.0.0.1/#'), 'the web link names the first server host');
    assert.equal(parseWebLink(link).size, r1.size);
    const g1 = await receiveFile(r1, join(dir, 'out2'), { tempDir: tmp });
    const g2 = await receiveFile(back, join(dir, 'out2'), { tempDir: tmp });
    assert.ok((await readFile(g1.path)).equals(data));
    assert.ok((await readFile(g2.path)).equals(data));
    assert.notEqual(g1.path, g2.path, 'the second copy gets a unique name (two_1.bin)');
    assert.ok(g2.path.endsWith('two_1.bin'));
    await deleteFile(sent.senderDescription);
    assert.equal(a.files.size + b.files.size, 0);
  });

  it('writes the descriptions as upstream does (rcvN.xftp, snd.xftp.private)', async () => {
    const { path } = await source('desc.txt', 10);
    const sent = await sendFile(path, [a.address], { tempDir: tmp, numRecipients: 2 });
    const w = await writeFileDescriptions(join(dir, 'descs'), sent);
    assert.ok(w.dir.endsWith('desc.txt.xftp'));
    assert.deepEqual(
      w.recipientPaths.map((p) => p.slice(w.dir.length + 1)),
      ['rcv1.xftp', 'rcv2.xftp'],
    );
    const snd = decodeValidFileDescription(await readFile(w.senderPath), 'sender');
    await deleteFile(snd);
    const w2 = await writeFileDescriptions(join(dir, 'descs'), sent);
    // upstream `uniqueCombine` splits at the first dot (`splitExtensions`)
    assert.ok(w2.dir.endsWith('desc_1.txt.xftp'), 'a second write does not overwrite the first');
  });

  it('retries a dropped connection and continues on a new one', async () => {
    const { path, data } = await source('retry.bin', 1000);
    let drops = 1;
    a.hook = (tag) => (tag === 'FPUT' && drops-- > 0 ? { kind: 'drop' } : undefined);
    try {
      const sent = await sendFile(path, [a.address], { tempDir: tmp, ...fast });
      const got = await receiveFile(
        sent.recipientDescriptions[0] as FileDescription,
        join(dir, 'o3'),
        {
          tempDir: tmp,
        },
      );
      assert.ok((await readFile(got.path)).equals(data));
      await deleteFile(sent.senderDescription);
    } finally {
      a.hook = undefined;
    }
  });

  it('resumes an interrupted send without uploading finished chunks again', async () => {
    const { path, data } = await source('resume.bin', 100 * 1024);
    let fputsSeen = 0;
    a.hook = (tag) =>
      tag === 'FPUT' && ++fputsSeen === 2 ? { kind: 'error', error: { type: 'QUOTA' } } : undefined;
    const before = fputs(a);
    await assert.rejects(sendFile(path, [a.address], { tempDir: tmp, ...fast }), (e: unknown) => {
      assert.ok(e instanceof XftpError);
      assert.deepEqual(
        e.error,
        { type: 'PROTOCOL', error: { type: 'QUOTA' } },
        'QUOTA is not retried',
      );
      return true;
    });
    a.hook = undefined;
    assert.equal((await readdir(tmp)).length, 2, 'the encrypted file and its state are kept');
    const sent = await sendFile(path, [a.address], { tempDir: tmp, ...fast });
    assert.equal(fputs(a) - before, 3, 'chunk 1 once, chunk 2 failed once and then succeeded');
    assert.equal(a.files.size, 2, 'no chunk was registered twice');
    const rcv = sent.recipientDescriptions[0] as FileDescription;
    // the receiving side resumes too
    let fgetsSeen = 0;
    a.hook = (tag) =>
      tag === 'FGET' && ++fgetsSeen === 2 ? { kind: 'error', error: { type: 'AUTH' } } : undefined;
    const gets = fgets(a);
    await assert.rejects(receiveFile(rcv, join(dir, 'o4'), { tempDir: tmp }), XftpError);
    a.hook = undefined;
    const got = await receiveFile(rcv, join(dir, 'o4'), { tempDir: tmp });
    assert.equal(fgets(a) - gets, 3, 'the chunk received before the failure is not fetched again');
    assert.ok((await readFile(got.path)).equals(data));
    await deleteFile(sent.senderDescription);
    assert.deepEqual(await readdir(tmp), []);
  });

  it('follows a redirect description to the real one', async () => {
    const { path, data } = await source('real.bin', 5000);
    const real = await sendFile(path, [a.address], { tempDir: tmp });
    const inner = real.recipientDescriptions[0] as FileDescription;
    const yamlPath = join(dir, 'inner.yaml');
    await writeFile(yamlPath, encodeFileDescription(inner));
    const outer = await sendFile(yamlPath, [b.address], { tempDir: tmp });
    const redirect: FileDescription = {
      ...(outer.recipientDescriptions[0] as FileDescription),
      redirect: { size: inner.size, digest: inner.digest },
    };
    const got = await receiveFile(redirect, join(dir, 'o5'), { tempDir: tmp });
    assert.equal(got.fileName, 'real.bin');
    assert.ok((await readFile(got.path)).equals(data));
    assert.equal(b.recipients.size, 0, 'the redirect chunk was acknowledged');
    const pool = new XftpClientPool();
    await deleteFile(real.senderDescription, { pool });
    await deleteFile(outer.senderDescription, { pool });
    await pool.close();
  });

  it('refuses a sender description for receiving and fails deleting twice', async () => {
    const { path } = await source('twice.bin', 10);
    const sent = await sendFile(path, [a.address], { tempDir: tmp });
    await assert.rejects(receiveFile(sent.senderDescription, dir, { tempDir: tmp }), {
      name: 'XftpTransferError',
      code: 'DESCRIPTION',
    });
    await deleteFile(sent.senderDescription);
    await assert.rejects(deleteFile(sent.senderDescription, fast), (e: unknown) => {
      assert.ok(e instanceof XftpTransferError);
      assert.equal(e.code, 'PARTIAL');
      assert.ok(e.cause instanceof XftpError);
      assert.deepEqual(e.cause.error, { type: 'PROTOCOL', error: { type: 'AUTH' } });
      return true;
    });
  });
});
