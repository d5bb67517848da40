// `npm start` (apps/relay) runs the XFTP relay beside SMP: the printed xftp:// address names an
// identity that passes the native handshake, files go through its embedded PostgreSQL and
// DATA_DIR/files, and the web handshake is on with a generated certificate for localhost.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { startEmbeddedRelay, type EmbeddedRelay } from '@simplex-relay/testing';
import {
  parseXFTPServerAddress,
  readXFTPServerHandshakeBlock,
  supportedFileServerVRange,
  verifyXFTPServerHandshake,
} from '@simplex-relay/protocol';
import { randomChunk, uploadFile } from './support/harness.ts';
import { RawXftpConnection, c } from './support/raw-client.ts';

describe('the embedded relay (npm start) serves XFTP', () => {
  let relay: EmbeddedRelay;
  let keyHash: Uint8Array;
  before(async () => {
    relay = await startEmbeddedRelay();
    assert.ok(relay.xftpAddress, 'the relay printed an XFTP address');
    const a = parseXFTPServerAddress(relay.xftpAddress);
    assert.equal(a.server.port, String(relay.xftpPort));
    keyHash = a.server.keyHash;
  });
  after(() => relay?.stop());

  it('uploads and downloads a chunk over a native connection', async () => {
    const conn = await RawXftpConnection.connect(relay.xftpPort, keyHash);
    try {
      await conn.handshake();
      const chunk = randomChunk(65536);
      const f = await uploadFile(conn, chunk);
      assert.deepEqual((await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!)).chunk, chunk);
      assert.ok(existsSync(join(relay.dataDir, 'files')), 'bodies under DATA_DIR/files');
    } finally {
      await conn.close();
    }
  });

  it('answers a web hello with the generated localhost certificate', async () => {
    const conn = await RawXftpConnection.connect(relay.xftpPort, keyHash, {
      alpn: ['h2'],
      servername: 'localhost',
    });
    try {
      assert.ok(new X509Certificate(conn.tlsCertificate()).checkHost('localhost'));
      const challenge = c.randomBytes(32);
      const r = await conn.webHello(challenge);
      assert.equal(r.headers['access-control-allow-origin'], '*');
      verifyXFTPServerHandshake(c, {
        hello: readXFTPServerHandshakeBlock(r.body),
        clientVRange: supportedFileServerVRange,
        keyHash,
        webChallenge: challenge,
      });
      assert.ok(existsSync(join(relay.dataDir, 'certs', 'web.crt')));
    } finally {
      await conn.close();
    }
  });
});
