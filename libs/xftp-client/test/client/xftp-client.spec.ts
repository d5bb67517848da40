// XftpClient against an in-test TLS + HTTP/2 server (support/fake-server.ts): the handshake, every
// command, the request shape of spec xftp.md Appendix A3, the A1 entity checks and the error union.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, parseXFTPServerAddress } from '@simplex-relay/protocol';
import type { PrivateKey, PublicKey } from '@simplex-relay/protocol';
import { nodeProvider as c } from '@simplex-relay/node-crypto';
import { XftpClient, XftpError, isTemporaryXftpError } from '../../src/index.ts';
import type { XftpClientError } from '../../src/index.ts';
import { FakeXftpServer } from './support/fake-server.ts';

const CHUNK = 64 * 1024;
const authKeys = (): { pub: PublicKey; priv: PrivateKey } => generateKeyPair(c, 'ed25519');

async function rejectsWith(p: Promise<unknown>, expected: XftpClientError): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof XftpError, `expected XftpError, got ${String(e)}`);
    assert.deepEqual(e.error, expected);
    return true;
  });
}

describe('XftpClient', () => {
  let srv: FakeXftpServer;
  let dir: string;
  let chunkPath: string;
  let chunk: Buffer;
  let digest: Uint8Array;

  before(async () => {
    srv = await new FakeXftpServer().start();
    dir = await mkdtemp(join(tmpdir(), 'xftp-client-'));
    chunk = randomBytes(CHUNK);
    digest = new Uint8Array(createHash('sha256').update(chunk).digest());
    chunkPath = join(dir, 'chunk');
    // the chunk sits at offset 100 of a bigger file, as in an encrypted file
    await writeFile(chunkPath, Buffer.concat([randomBytes(100), chunk, randomBytes(50)]));
  });
  after(async () => {
    await srv.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('connects, negotiates version 3 and answers PING', async () => {
    const cl = await XftpClient.connect(srv.address);
    try {
      assert.equal(cl.session.version, 3, 'both sides offer 1..3, the client picks the max');
      assert.equal(cl.session.alpn, 'xftp/1');
      assert.equal(
        cl.session.sessionId.length,
        32,
        'tls-unique under TLS 1.3 ChaCha20 is 32 bytes',
      );
      await cl.ping();
    } finally {
      await cl.close();
    }
  });

  it('sends the handshake and commands as the native client does (A3)', async () => {
    srv.requests.length = 0;
    const cl = await XftpClient.connect(srv.address);
    await cl.ping();
    await cl.close();
    const [hello, hs, ping] = srv.requests;
    assert.ok(hello && hs && ping);
    for (const r of [hello, hs, ping]) {
      assert.equal(r.headers[':method'], 'POST');
      assert.equal(r.headers[':path'], '/');
      assert.equal(r.headers[':authority'], '127.0.0.1', 'authority is the host without the port');
      assert.equal(r.headers['content-length'], undefined, 'no content-length header');
      assert.equal(r.headers['content-type'], undefined, 'no content-type header');
    }
    assert.equal(hello.bodyLength, 0, 'the hello has no body');
    assert.equal(hs.bodyLength, 16384, 'the client handshake is one block');
    assert.equal(ping.bodyLength, 16384, 'a command is one block');
  });

  it('creates, uploads, downloads, acknowledges and deletes a chunk', async () => {
    const cl = await XftpClient.connect(srv.address);
    try {
      const snd = authKeys();
      const r1 = authKeys();
      const r2 = authKeys();
      const { senderId, recipientIds } = await cl.createChunk(
        snd.priv,
        { sndKey: snd.pub, size: CHUNK, digest },
        [r1.pub],
      );
      assert.equal(senderId.length, 16);
      assert.equal(recipientIds.length, 1);
      const [rid2] = await cl.addRecipients(snd.priv, senderId, [r2.pub]);
      let progress = 0;
      await cl.uploadChunk(
        snd.priv,
        senderId,
        { path: chunkPath, offset: 100, size: CHUNK },
        { onProgress: (n) => (progress = n) },
      );
      assert.equal(progress, CHUNK);
      // a committed chunk is accepted again (idempotent retry, §7.1 step 1)
      await cl.uploadChunk(snd.priv, senderId, { path: chunkPath, offset: 100, size: CHUNK });
      const out = join(dir, 'out');
      await writeFile(out, Buffer.alloc(10));
      await cl.downloadChunk(r1.priv, recipientIds[0], {
        path: out,
        offset: 10,
        size: CHUNK,
        digest,
      });
      const got = await readFile(out);
      assert.equal(got.length, 10 + CHUNK, 'written into the range, nothing after it');
      assert.ok(got.subarray(10).equals(chunk), 'the decrypted chunk is the uploaded one');
      await cl.ackChunk(r1.priv, recipientIds[0]);
      await rejectsWith(
        cl.downloadChunk(r1.priv, recipientIds[0], { path: out, size: CHUNK, digest }),
        { type: 'PROTOCOL', error: { type: 'AUTH' } },
      );
      await cl.downloadChunk(r2.priv, rid2, { path: join(dir, 'out2'), size: CHUNK, digest });
      await cl.deleteChunk(snd.priv, senderId);
      await rejectsWith(cl.ackChunk(r2.priv, rid2), {
        type: 'PROTOCOL',
        error: { type: 'AUTH' },
      });
    } finally {
      await cl.close();
    }
  });

  it('reports a chunk whose digest differs as RESPONSE DIGEST', async () => {
    const cl = await XftpClient.connect(srv.address);
    try {
      const snd = authKeys();
      const rcv = authKeys();
      const { senderId, recipientIds } = await cl.createChunk(
        snd.priv,
        { sndKey: snd.pub, size: CHUNK, digest },
        [rcv.pub],
      );
      await cl.uploadChunk(snd.priv, senderId, { path: chunkPath, offset: 100, size: CHUNK });
      const wrong = new Uint8Array(32);
      await rejectsWith(
        cl.downloadChunk(rcv.priv, recipientIds[0], {
          path: join(dir, 'x'),
          size: CHUNK,
          digest: wrong,
        }),
        { type: 'RESPONSE', error: { type: 'DIGEST' } },
      );
      // a different size than the server's makes the body too long or short
      await rejectsWith(
        cl.downloadChunk(rcv.priv, recipientIds[0], {
          path: join(dir, 'x'),
          size: CHUNK - 1,
          digest,
        }),
        { type: 'RESPONSE', error: { type: 'SIZE' } },
      );
    } finally {
      await cl.close();
    }
  });

  it('passes server errors through as PROTOCOL errors (FNEW size not allowed, FPUT digest)', async () => {
    const cl = await XftpClient.connect(srv.address);
    try {
      const snd = authKeys();
      const rcv = authKeys();
      await rejectsWith(
        cl.createChunk(snd.priv, { sndKey: snd.pub, size: 1000, digest }, [rcv.pub]),
        { type: 'PROTOCOL', error: { type: 'SIZE' } },
      );
      const { senderId } = await cl.createChunk(
        snd.priv,
        { sndKey: snd.pub, size: CHUNK, digest },
        [rcv.pub],
      );
      await rejectsWith(
        cl.uploadChunk(snd.priv, senderId, { path: chunkPath, offset: 0, size: CHUNK }),
        { type: 'PROTOCOL', error: { type: 'DIGEST' } },
      );
      await assert.rejects(
        cl.uploadChunk(snd.priv, senderId, { path: join(dir, 'missing'), size: CHUNK }),
        (e: unknown) => {
          assert.ok(e instanceof XftpError);
          assert.equal(e.error.type, 'IO', 'a missing local file is an IO error');
          assert.equal(isTemporaryXftpError(e.error), false);
          return true;
        },
      );
      await cl.ping(); // the cancelled upload left the connection usable
    } finally {
      await cl.close();
    }
  });
});

describe('XftpClient response checks (Appendix A1)', () => {
  let srv: FakeXftpServer;
  before(async () => {
    srv = await new FakeXftpServer().start();
  });
  after(async () => {
    srv.hook = undefined;
    await srv.stop();
  });

  it('rejects SIDS with an entity ID (CMD HAS_AUTH) and OK without one (CMD NO_ENTITY)', async () => {
    const cl = await XftpClient.connect(srv.address);
    try {
      const snd = authKeys();
      srv.hook = (tag) =>
        tag === 'FNEW'
          ? {
              kind: 'response',
              entityId: new Uint8Array(16).fill(1),
              response: {
                tag: 'SIDS',
                senderId: new Uint8Array(16),
                recipientIds: [new Uint8Array(16)],
              },
            }
          : tag === 'FDEL'
            ? { kind: 'response', entityId: new Uint8Array(0), response: { tag: 'OK' } }
            : undefined;
      await rejectsWith(
        cl.createChunk(snd.priv, { sndKey: snd.pub, size: CHUNK, digest: new Uint8Array(32) }, [
          snd.pub,
        ]),
        { type: 'RESPONSE', error: { type: 'CMD', cmd: 'HAS_AUTH' } },
      );
      await rejectsWith(cl.deleteChunk(snd.priv, new Uint8Array(16)), {
        type: 'RESPONSE',
        error: { type: 'CMD', cmd: 'NO_ENTITY' },
      });
    } finally {
      srv.hook = undefined;
      await cl.close();
    }
  });

  it('rejects a response that is not one block (RESPONSE BLOCK) and a wrong tag (UNEXPECTED)', async () => {
    const cl = await XftpClient.connect(srv.address);
    try {
      srv.hook = (tag) => (tag === 'PING' ? { kind: 'raw', body: new Uint8Array(100) } : undefined);
      await rejectsWith(cl.ping(), { type: 'RESPONSE', error: { type: 'BLOCK' } });
      srv.hook = (tag) =>
        tag === 'PING'
          ? { kind: 'response', entityId: new Uint8Array(0), response: { tag: 'OK' } }
          : undefined;
      // OK with an empty entity fails A1 first
      await rejectsWith(cl.ping(), { type: 'RESPONSE', error: { type: 'CMD', cmd: 'NO_ENTITY' } });
      const snd = authKeys();
      srv.hook = (tag, t) =>
        tag === 'FDEL'
          ? { kind: 'response', entityId: t.entityId, response: { tag: 'PONG' } }
          : undefined;
      await rejectsWith(cl.deleteChunk(snd.priv, new Uint8Array(16).fill(7)), {
        type: 'RESPONSE',
        error: { type: 'CMD', cmd: 'HAS_AUTH' },
      });
      srv.hook = (tag, t) =>
        tag === 'FDEL'
          ? {
              kind: 'response',
              entityId: t.entityId,
              response: { tag: 'RIDS', recipientIds: [t.entityId] },
            }
          : undefined;
      await rejectsWith(cl.deleteChunk(snd.priv, new Uint8Array(16).fill(7)), {
        type: 'UNEXPECTED',
        response: 'RIDS',
      });
    } finally {
      srv.hook = undefined;
      await cl.close();
    }
  });

  it('times out a request without an answer and classifies it as temporary', async () => {
    const cl = await XftpClient.connect(srv.address, {
      timeouts: { connectMs: 200, requestMs: 100 },
    });
    try {
      srv.hook = (tag) => (tag === 'PING' ? { kind: 'hang' } : undefined);
      await assert.rejects(cl.ping(), (e: unknown) => {
        assert.ok(e instanceof XftpError);
        assert.deepEqual(e.error, { type: 'TIMEOUT' });
        assert.equal(isTemporaryXftpError(e.error), true, 'timeouts are retried');
        return true;
      });
      srv.hook = undefined;
      await cl.ping(); // the connection is still usable after one stream was cancelled
    } finally {
      srv.hook = undefined;
      await cl.close();
    }
  });

  it('reports a dropped connection as NETWORK', async () => {
    const cl = await XftpClient.connect(srv.address);
    srv.hook = (tag) => (tag === 'PING' ? { kind: 'drop' } : undefined);
    try {
      await assert.rejects(cl.ping(), (e: unknown) => {
        assert.ok(e instanceof XftpError);
        assert.equal(e.error.type, 'NETWORK');
        assert.equal(isTemporaryXftpError(e.error), true);
        return true;
      });
      await cl.closed;
      assert.equal(cl.isClosed, true);
      await rejectsWith(cl.ping(), { type: 'NETWORK', reason: 'connection closed' });
    } finally {
      srv.hook = undefined;
      cl.destroy();
    }
  });
});

describe('XftpClient connect failures', () => {
  it('refuses a server whose identity is not the address key hash (HANDSHAKE IDENTITY)', async () => {
    const srv = await new FakeXftpServer().start();
    const other = new FakeXftpServer();
    try {
      const a = parseXFTPServerAddress(srv.address);
      const wrong = { ...a.server, keyHash: other.keyHash };
      await rejectsWith(XftpClient.connect(wrong), { type: 'HANDSHAKE', code: 'IDENTITY' });
      assert.equal(srv.requests.length, 0, 'no HTTP/2 request is sent to an unverified server');
    } finally {
      await srv.stop();
    }
  });

  it('reports a padded HANDSHAKE answer to the client handshake as TRANSPORT BLOCK (A2)', async () => {
    const srv = await new FakeXftpServer().start();
    srv.rejectHandshake = true;
    try {
      await rejectsWith(XftpClient.connect(srv.address), {
        type: 'TRANSPORT',
        code: 'BLOCK',
        serverError: { type: 'HANDSHAKE' },
      });
    } finally {
      await srv.stop();
    }
  });

  it('works with an Ed448 identity and without ALPN (legacy v1 session, §4.8)', async () => {
    const srv = await new FakeXftpServer({ algorithm: 'ed448' }).start();
    try {
      const cl = await XftpClient.connect(srv.address);
      assert.equal(cl.session.version, 3);
      await cl.ping();
      await cl.close();
      const legacy = await XftpClient.connect(srv.address, { alpn: [] });
      assert.equal(legacy.session.version, 1, 'no ALPN: no handshake, version 1');
      assert.equal(legacy.session.serverSessionKey, undefined);
      await legacy.ping();
      await legacy.close();
    } finally {
      await srv.stop();
    }
  });

  it('reports a refused connection as NETWORK', async () => {
    const srv = await new FakeXftpServer().start();
    const address = srv.address;
    await srv.stop();
    await assert.rejects(XftpClient.connect(address), (e: unknown) => {
      assert.ok(e instanceof XftpError);
      assert.equal(e.error.type, 'NETWORK');
      return true;
    });
  });
});
