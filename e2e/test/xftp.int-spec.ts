// XFTP over real HTTP/2 + TLS against separate processes: the one-process relay (`npm start`,
// apps/relay with its embedded PostgreSQL) and two apps/xftp-gateway processes sharing one identity,
// one PostgreSQL schema and one blob directory. Files of 1 B, 64 KB, 1 MB and 20 MB are sent,
// received (with FACK) and deleted by libs/xftp-client; plain XftpClient calls then check that the
// acknowledged recipient IDs and the deleted sender IDs answer `ERR AUTH`, that keys of one party
// do not work for the other's commands, and that an acknowledged upload survives a SIGKILL of the
// gateway that took it.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmbeddedRelay, startXftpCluster } from '@simplex-relay/testing';
import type { EmbeddedRelay, XftpCluster } from '@simplex-relay/testing';
import { deleteFile, receiveFile, sendFile } from '@simplex-relay/xftp-client';
import type { FileDescription } from '@simplex-relay/xftp-client';
import {
  XFTP_SIZES,
  firstReplicas,
  rejectsWithAuth,
  sha256File,
  viaServer,
  withXftpClient,
  writeRandomFile,
} from './support/xftp-files.ts';

/** A scratch directory with `tmp/` for the client's temporary files. */
async function scratch(prefix: string): Promise<{ dir: string; tmp: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const tmp = join(dir, 'tmp');
  await mkdir(tmp);
  return { dir, tmp };
}

/**
 * Sends a random `size`-byte file through `up`, receives it through `down` (FACK on) and deletes
 * it through `del`; checks bytes, size, that every acknowledged recipient ID and every deleted
 * sender ID answers AUTH on `check`, and that no temporary files are left.
 */
async function roundTrip(
  s: { dir: string; tmp: string },
  size: number,
  servers: { up: string; down: string; del: string; check: string },
): Promise<void> {
  const src = join(s.dir, `src-${size}.bin`);
  const out = join(s.dir, `out-${size}`);
  await writeRandomFile(src, size);
  try {
    const sent = await sendFile(src, [servers.up], { tempDir: s.tmp });
    const rcv = sent.recipientDescriptions[0] as FileDescription;
    assert.equal(rcv.size, sent.senderDescription.size);
    const got = await receiveFile(viaServer(rcv, servers.down), out, { tempDir: s.tmp });
    assert.equal(got.size, size, 'plain size');
    assert.equal(got.ackFailures, 0, 'every chunk acknowledged');
    assert.equal(await sha256File(got.path), await sha256File(src), 'same bytes back');
    await withXftpClient(servers.check, async (c) => {
      for (const r of firstReplicas(rcv))
        await rejectsWithAuth(c.ackChunk(r.replicaKey, r.replicaId), 'FACK after FACK');
    });
    await deleteFile(viaServer(sent.senderDescription, servers.del));
    await withXftpClient(servers.check, async (c) => {
      for (const r of firstReplicas(sent.senderDescription))
        await rejectsWithAuth(c.deleteChunk(r.replicaKey, r.replicaId), 'FDEL after FDEL');
    });
    assert.deepEqual(await readdir(s.tmp), [], 'no temporary files are left');
  } finally {
    await rm(src, { force: true });
    await rm(out, { recursive: true, force: true });
  }
}

describe('XFTP through the one-process relay (child process, embedded PostgreSQL)', () => {
  let relay: EmbeddedRelay | undefined;
  let s: { dir: string; tmp: string };
  before(async () => {
    s = await scratch('e2e-xftp-relay-');
    relay = await startEmbeddedRelay();
  });
  after(async () => {
    await relay?.stop();
    await rm(s.dir, { recursive: true, force: true });
  });
  const address = (): string => {
    const a = relay?.xftpAddress;
    assert.ok(a, 'the relay printed its XFTP address');
    return a;
  };

  for (const [label, size] of XFTP_SIZES)
    it(`sends, receives (FACK) and deletes a ${label} file`, async () => {
      const a = address();
      await roundTrip(s, size, { up: a, down: a, del: a, check: a });
    });
});

describe('XFTP through two xftp-gateway processes (one identity, shared PostgreSQL and blobs)', () => {
  let cluster: XftpCluster | undefined;
  let s: { dir: string; tmp: string };
  before(async () => {
    s = await scratch('e2e-xftp-cluster-');
    cluster = await startXftpCluster({ gateways: 2 });
  });
  after(async () => {
    await cluster?.stop();
    await rm(s.dir, { recursive: true, force: true });
  });
  const gw = (): [string, string] => {
    assert.ok(cluster, 'the cluster started');
    assert.equal(cluster.addresses.length, 2);
    return cluster.addresses as [string, string];
  };

  for (const [label, size] of XFTP_SIZES)
    it(`uploads a ${label} file through gateway 1, downloads and deletes it through gateway 2`, async () => {
      const [g1, g2] = gw();
      assert.notEqual(g1, g2, 'different ports');
      // The ID checks go to gateway 1: it sees what gateway 2 did through the shared store.
      await roundTrip(s, size, { up: g1, down: g2, del: g2, check: g1 });
    });

  it('refuses FDEL with a recipient key and FGET with a sender ID (AUTH)', async () => {
    const [g1, g2] = gw();
    const src = join(s.dir, 'keys.bin');
    await writeRandomFile(src, 1000);
    const sent = await sendFile(src, [g1], { tempDir: s.tmp });
    const rcv = sent.recipientDescriptions[0] as FileDescription;
    const [rr] = firstReplicas(rcv);
    const [sr] = firstReplicas(sent.senderDescription);
    const chunk = rcv.chunks[0];
    assert.ok(rr && sr && chunk);
    await withXftpClient(g2, async (c) => {
      await rejectsWithAuth(c.deleteChunk(rr.replicaKey, rr.replicaId), 'FDEL by the recipient');
      await rejectsWithAuth(
        c.downloadChunk(sr.replicaKey, sr.replicaId, {
          path: join(s.dir, 'never.bin'),
          size: chunk.chunkSize,
          digest: chunk.digest,
        }),
        'FGET with the sender ID',
      );
      await c.ping();
    });
    // Neither attempt changed the file: the recipient still gets it, the sender still deletes it.
    const got = await receiveFile(viaServer(rcv, g2), join(s.dir, 'keys-out'), { tempDir: s.tmp });
    assert.equal(await sha256File(got.path), await sha256File(src));
    await deleteFile(viaServer(sent.senderDescription, g2));
  });

  it('keeps an acknowledged upload after gateway 1 is killed (SIGKILL): gateway 2 serves it', async () => {
    const [g1, g2] = gw();
    const c = cluster as XftpCluster;
    const src = join(s.dir, 'durable.bin');
    await writeRandomFile(src, 1024 * 1024 + 17);
    const sent = await sendFile(src, [g1], { tempDir: s.tmp });
    const gateway1 = c.gateways[0];
    assert.ok(gateway1);
    const exit = await gateway1.kill('SIGKILL');
    assert.equal(exit?.signal, 'SIGKILL');
    assert.equal(gateway1.running, false);
    const rcv = sent.recipientDescriptions[0] as FileDescription;
    const got = await receiveFile(viaServer(rcv, g2), join(s.dir, 'durable-out'), {
      tempDir: s.tmp,
    });
    assert.equal(got.size, 1024 * 1024 + 17);
    assert.equal(got.ackFailures, 0);
    assert.equal(await sha256File(got.path), await sha256File(src), 'same bytes after the kill');
    await deleteFile(viaServer(sent.senderDescription, g2));
    await withXftpClient(g2, async (cl) => {
      for (const r of firstReplicas(sent.senderDescription))
        await rejectsWithAuth(cl.deleteChunk(r.replicaKey, r.replicaId), 'FDEL after FDEL');
    });
  });
});
