// Connection-level behaviour: the legacy path without ALPN (spec xftp.md §4.8), concurrent
// requests on one connection (Appendix A3), an Ed448 identity (upstream's default for XFTP),
// closing inactive connections (INI `[INACTIVE_CLIENTS]`), the Prometheus metrics, and uploads
// that time out or are reset (spec §7.1 step 3).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants as http2constants } from 'node:http2';
import { checkServerCredentials, createCertificates } from '@simplex-relay/node-crypto';
import { createRegistry } from '@simplex-relay/observability';
import {
  XFTP_BLOCK_SIZE,
  chunkDigest,
  generateKeyPair,
  xftpDecodeTClient,
} from '@simplex-relay/protocol';
import { prometheusXftpMetrics } from '../src/index.ts';
import {
  fnew,
  newFile,
  randomChunk,
  startServer,
  uploadFile,
  type TestServer,
} from './support/harness.ts';
import { c } from './support/raw-client.ts';

const EMPTY = new Uint8Array(0);
const KB64 = 65536;

describe('legacy connections without ALPN (§4.8)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  it('processes commands at v1 without a handshake', async () => {
    const conn = await s.connect({ alpn: null });
    assert.equal(conn.tls.alpnProtocol, false, 'no ALPN agreed');
    const ping = await conn.command(undefined, EMPTY, { tag: 'PING' });
    assert.deepEqual(ping.response, { tag: 'PONG' });
    const chunk = randomChunk(KB64);
    const f = await uploadFile(conn, chunk);
    assert.deepEqual((await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!)).chunk, chunk);
    const hello = await conn.send([]);
    assert.deepEqual(hello.response, { tag: 'ERR', error: { type: 'BLOCK' } }, 'no hello here');
  });

  it('has no session key: X25519 authenticators fail with AUTH, and BLOCKED is AUTH', async () => {
    const native = await s.client();
    const snd = generateKeyPair(c, 'ed25519');
    const rcv = generateKeyPair(c, 'x25519');
    const chunk = randomChunk(KB64);
    const r = await fnew(native, snd, [rcv.pub], KB64, { chunk });
    assert.equal(r.tag, 'SIDS');
    if (r.tag !== 'SIDS') return;
    await native.command(snd.priv, r.senderId, { tag: 'FPUT' }, [chunk]);
    const legacy = await s.connect({ alpn: null });
    // The client side of an authenticator needs some server key: use one from another session.
    legacy.session = native.session;
    const d = await legacy.download(rcv.priv, r.recipientIds[0]);
    assert.deepEqual(d.response, { tag: 'ERR', error: { type: 'AUTH' } });
    const f = await uploadFile(native, randomChunk(KB64));
    await s.server.blockFile(f.recipientIds[0]!, { reason: 'content' });
    const b = await legacy.download(f.rcv[0]!.priv, f.recipientIds[0]!);
    assert.deepEqual(b.response, { tag: 'ERR', error: { type: 'AUTH' } }, 'v1 gets AUTH');
  });
});

describe('connections', () => {
  it('serves concurrent requests on one connection', async () => {
    const s = await startServer();
    try {
      const conn = await s.client();
      const files = await Promise.all(
        Array.from({ length: 4 }, () => uploadFile(conn, randomChunk(KB64))),
      );
      const got = await Promise.all(
        files.map((f) => conn.download(f.rcv[0]!.priv, f.recipientIds[0]!)),
      );
      got.forEach((d, i) => assert.deepEqual(d.chunk, files[i]!.chunk, `file ${i}`));
    } finally {
      await s.close();
    }
  });

  it('serves an Ed448 identity (upstream xftp-server default)', async () => {
    const creds = checkServerCredentials(createCertificates({ algorithm: 'ed448' }));
    const s = await startServer({ credentials: creds });
    try {
      // client() verifies the hello: chain, key hash and the Ed448 signature of the session key.
      const conn = await s.client();
      assert.deepEqual((await conn.command(undefined, EMPTY, { tag: 'PING' })).response, {
        tag: 'PONG',
      });
      assert.equal(conn.serverKey().alg, 'ed448');
    } finally {
      await s.close();
    }
  });

  it('closes connections without requests for the inactive ttl', async () => {
    const s = await startServer({ inactiveClients: { ttlSeconds: 1, checkIntervalSeconds: 1 } });
    try {
      const conn = await s.client();
      assert.equal(s.server.connectionCount, 1);
      const deadline = Date.now() + 15_000;
      while (!conn.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(conn.closed, true, 'the idle connection was closed');
      assert.equal(s.server.connectionCount, 0);
    } finally {
      await s.close();
    }
  });

  it('exports upstream metric names without identifiers', async () => {
    const registry = createRegistry('xftp-test', '0.0.0');
    const s = await startServer({ metrics: prometheusXftpMetrics(registry) });
    try {
      const conn = await s.client();
      const f = await uploadFile(conn, randomChunk(KB64), 2);
      await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
      await conn.command(f.rcv[1]!.priv, f.recipientIds[1]!, { tag: 'FACK' });
      await conn.command(f.snd.priv, f.senderId, { tag: 'FDEL' });
      await conn.command(f.snd.priv, f.senderId, { tag: 'FDEL' });
      await s.server.runExpiry();
      const text = await registry.metrics();
      const value = (name: string) =>
        Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
      assert.equal(value('simplex_xftp_files_created'), 1);
      assert.equal(value('simplex_xftp_files_recipients'), 2);
      assert.equal(value('simplex_xftp_files_uploaded'), 1);
      assert.equal(value('simplex_xftp_file_downloads'), 1);
      assert.equal(value('simplex_xftp_file_download_acks'), 1);
      assert.equal(value('simplex_xftp_files_deleted'), 1);
      assert.equal(value('simplex_xftp_files_size'), 0, 'gauge read from the store');
      assert.match(text, /simplex_xftp_errors\{code="AUTH"[^}]*\} 1/);
      assert.match(text, /simplex_xftp_commands\{tag="FDEL"[^}]*\} 2/);
      const hex = Buffer.from(f.senderId).toString('hex');
      assert.ok(!text.includes(hex), 'no IDs in metrics');
    } finally {
      await s.close();
    }
  });
});

describe('interrupted uploads', () => {
  it('answers TIMEOUT when the body does not arrive in time, and releases the quota', async () => {
    const s = await startServer({ fileTimeoutMs: 300 });
    try {
      const conn = await s.client();
      const chunk = randomChunk(KB64);
      const f = await newFile(conn, chunk, { digest: chunkDigest(chunk) });
      const block = conn.block(f.snd.priv, f.senderId, { tag: 'FPUT' });
      const raw = await conn.request([block, chunk.subarray(0, 1000)], {}, 'POST', {
        keepOpen: true,
      });
      const t = xftpDecodeTClient(conn.params(), raw.body.subarray(0, XFTP_BLOCK_SIZE));
      assert.deepEqual(t.result.ok && t.result.response, {
        tag: 'ERR',
        error: { type: 'TIMEOUT' },
      });
      assert.equal(await s.fileStore.getUsedStorage(), 0, 'the reservation is released');
      const retry = await conn.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [chunk]);
      assert.deepEqual(retry.response, { tag: 'OK' }, 'the client can retry');
    } finally {
      await s.close();
    }
  });

  it('releases the reservation when the client resets the stream mid-upload', async () => {
    const s = await startServer();
    try {
      const conn = await s.client();
      const chunk = randomChunk(KB64);
      const f = await newFile(conn, chunk, { digest: chunkDigest(chunk) });
      const block = conn.block(f.snd.priv, f.senderId, { tag: 'FPUT' });
      const pending = conn
        .request([block, chunk.subarray(0, 1000)], {}, 'POST', { keepOpen: true })
        .catch(() => undefined);
      const deadline = Date.now() + 10_000;
      while ((await s.fileStore.getUsedStorage()) === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(await s.fileStore.getUsedStorage(), KB64, 'reserved while uploading');
      conn.lastRequest?.close(http2constants.NGHTTP2_CANCEL);
      await pending;
      while ((await s.fileStore.getUsedStorage()) !== 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(await s.fileStore.getUsedStorage(), 0, 'released after the reset');
      const d = await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
      assert.deepEqual(d.response, { tag: 'ERR', error: { type: 'NO_FILE' } });
    } finally {
      await s.close();
    }
  });
});
