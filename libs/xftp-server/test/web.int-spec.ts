// Web (browser) mode (spec xftp.md §3.3, §3.5, §4.1, §4.7): SNI selects the web certificate, the
// web hello with a challenge and the `xftp-web-hello` header, the `xftp-handshake` header, CORS on
// every response and the OPTIONS preflight, re-handshake on a reused connection, SESSION for an
// unknown web connection (upstream `testWebReHandshake`, `testStaleWebSession`, CORS tests).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import {
  XFTP_BLOCK_SIZE,
  asciiBytes,
  certFingerprint,
  decodeSignedKey,
  decodeXFTPHandshakeErrorBlock,
  pad,
  readXFTPServerHandshakeBlock,
  supportedFileServerVRange,
  verifyXFTPServerHandshake,
} from '@simplex-relay/protocol';
import type { XFTPServerHandshake } from '@simplex-relay/protocol';
import {
  randomChunk,
  startServer,
  testCredentials,
  testWebCredentials,
  uploadFile,
  type TestServer,
} from './support/harness.ts';
import { c, type RawResponse, type RawXftpConnection } from './support/raw-client.ts';

const EMPTY = new Uint8Array(0);
const WEB = { alpn: ['h2'], servername: 'localhost' } as const;

const assertCors = (r: RawResponse, why: string) => {
  assert.equal(r.headers['access-control-allow-origin'], '*', `${why}: allow-origin`);
  assert.equal(r.headers['access-control-expose-headers'], '*', `${why}: expose-headers`);
};

describe('web handshake and CORS (server with a web certificate)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ web: testWebCredentials() });
  });
  after(() => s.close());

  /** Web hello + client handshake; returns the verified hello. */
  async function webHandshake(
    conn: RawXftpConnection,
    challenge = c.randomBytes(32),
  ): Promise<XFTPServerHandshake> {
    const r = await conn.webHello(challenge);
    assert.equal(r.status, 200);
    assertCors(r, 'web hello');
    const hello = readXFTPServerHandshakeBlock(r.body);
    const session = verifyXFTPServerHandshake(c, {
      hello,
      clientVRange: supportedFileServerVRange,
      keyHash: s.keyHash,
      webChallenge: challenge,
    });
    const hs = await conn.webClientHandshake(session.version);
    assert.equal(hs.status, 200);
    assert.equal(hs.body.length, 0, 'accepted: empty body');
    assertCors(hs, 'client handshake');
    conn.session = session;
    conn.version = session.version;
    return hello;
  }

  it('presents the web certificate to SNI clients, the XFTP chain in the hello', async () => {
    const conn = await s.connect(WEB);
    const tlsCert = new X509Certificate(conn.tlsCertificate());
    assert.equal(tlsCert.subject, 'CN=localhost', 'TLS shows the web certificate');
    assert.ok(tlsCert.checkHost('localhost'));
    const hello = await webHandshake(conn);
    const chain = hello.certChainPubKey.certChain;
    assert.equal(chain.length, 2);
    assert.deepEqual(chain[0], testCredentials().chainDer[0], 'leaf: the online certificate');
    assert.deepEqual(certFingerprint(c, chain[1]!), s.keyHash, 'second: the identity');
    assert.deepEqual(hello.sessionId, conn.sessionId, 'session ID: tls-unique');
    const ping = await conn.command(undefined, EMPTY, { tag: 'PING' });
    assert.deepEqual(ping.response, { tag: 'PONG' });
    assertCors(ping.raw, 'command');
  });

  it('serves FNEW, FPUT and FGET to a web client, with CORS on each response', async () => {
    const conn = await s.connect(WEB);
    await webHandshake(conn);
    const chunk = randomChunk(65536);
    const f = await uploadFile(conn, chunk);
    const d = await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
    assert.deepEqual(d.chunk, chunk);
    const r = await conn.command(f.rcv[0]!.priv, f.recipientIds[0]!, { tag: 'FACK' });
    assertCors(r.raw, 'FACK');
  });

  it('answers the CORS preflight', async () => {
    const conn = await s.connect(WEB);
    const r = await conn.request([], {}, 'OPTIONS');
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['access-control-allow-methods'], 'POST, OPTIONS');
    assert.equal(r.headers['access-control-allow-headers'], '*');
    assert.equal(r.headers['access-control-max-age'], '86400');
    assert.equal(r.headers['content-length'], undefined);
  });

  it('answers SESSION to a request on an unknown web connection (no web hello yet)', async () => {
    const conn = await s.connect(WEB);
    const cmd = await conn.request([conn.block(undefined, EMPTY, { tag: 'PING' })]);
    assert.deepEqual(decodeXFTPHandshakeErrorBlock(cmd.body), { type: 'SESSION' });
    assertCors(cmd, 'bare error');
    const plainHello = await conn.request();
    assert.deepEqual(
      decodeXFTPHandshakeErrorBlock(plainHello.body),
      { type: 'SESSION' },
      'a web connection needs the xftp-web-hello header',
    );
    await webHandshake(conn);
  });

  it('re-handshakes on a reused connection with the same session key', async () => {
    const conn = await s.connect(WEB);
    const h1 = await webHandshake(conn);
    const challenge = c.randomBytes(32);
    const r = await conn.webHello(challenge);
    const h2 = readXFTPServerHandshakeBlock(r.body);
    verifyXFTPServerHandshake(c, {
      hello: h2,
      clientVRange: supportedFileServerVRange,
      keyHash: s.keyHash,
      webChallenge: challenge,
    });
    assert.deepEqual(
      decodeSignedKey(h2.certChainPubKey.signedKey).key,
      decodeSignedKey(h1.certChainPubKey.signedKey).key,
      'the session key is kept',
    );
    assert.notDeepEqual(
      h2.webIdentityProof,
      h1.webIdentityProof,
      'a new proof for the new challenge',
    );
    // Hello pending again: a command is taken as a (bad) client handshake.
    const cmd = await conn.request([conn.block(undefined, EMPTY, { tag: 'PING' })]);
    assert.deepEqual(decodeXFTPHandshakeErrorBlock(cmd.body), { type: 'HANDSHAKE' });
    const hs = await conn.webClientHandshake(3);
    assert.equal(hs.body.length, 0);
    const ping = await conn.command(undefined, EMPTY, { tag: 'PING' });
    assert.deepEqual(ping.response, { tag: 'PONG' }, 'the session works again');
    const h3 = await conn.webClientHandshake(3);
    assert.equal(h3.body.length, 0, 'an xftp-handshake on an accepted session re-accepts it');
  });

  it('accepts a web hello without a challenge (no proof)', async () => {
    const conn = await s.connect(WEB);
    const r = await conn.request([pad(asciiBytes('0'), XFTP_BLOCK_SIZE)], {
      'xftp-web-hello': '1',
    });
    const hello = readXFTPServerHandshakeBlock(r.body);
    assert.equal(hello.webIdentityProof, undefined);
    const bad = await conn.request([pad(asciiBytes('1'), XFTP_BLOCK_SIZE)], {
      'xftp-web-hello': '1',
    });
    assert.deepEqual(decodeXFTPHandshakeErrorBlock(bad.body), { type: 'HANDSHAKE' }, 'bad hello');
  });

  it('answers GET on a web connection with 404 (no static site)', async () => {
    const conn = await s.connect(WEB);
    const r = await conn.request([], {}, 'GET');
    assert.equal(r.status, 404);
  });

  it('serves native clients (no SNI) on the same port without CORS', async () => {
    const conn = await s.client();
    const tlsCert = conn.tlsCertificate();
    assert.deepEqual(tlsCert, testCredentials().chainDer[0], 'TLS shows the online certificate');
    const r = await conn.command(undefined, EMPTY, { tag: 'PING' });
    assert.deepEqual(r.response, { tag: 'PONG' });
    assert.equal(r.raw.headers['access-control-allow-origin'], undefined);
  });
});

describe('SNI on a server without a web certificate', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  it('presents the XFTP certificate and treats h2 as non-XFTP (200, no body)', async () => {
    const conn = await s.connect(WEB);
    assert.deepEqual(conn.tlsCertificate(), testCredentials().chainDer[0]);
    const r = await conn.webHello(c.randomBytes(32));
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  });

  it('runs the native handshake for xftp/1 even with SNI', async () => {
    const conn = await s.connect({ alpn: ['xftp/1'], servername: 'localhost' });
    await conn.handshake();
    const r = await conn.command(undefined, EMPTY, { tag: 'PING' });
    assert.deepEqual(r.response, { tag: 'PONG' });
  });
});
