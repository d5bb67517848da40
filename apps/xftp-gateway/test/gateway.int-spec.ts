// The gateway end to end: `init` creates the identity and a web certificate, the Nest app boots on
// a throwaway Postgres database and a temporary blob root, and answers a native hello (XFTP chain,
// tls-unique session ID) and a web hello (web certificate by SNI, CORS) on one port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as h2connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { nodeProvider } from '@simplex-relay/node-crypto';
import {
  decodeCertificate,
  decodeBase64Url,
  encodeXFTPClientHelloBlock,
  readXFTPServerHandshakeBlock,
  supportedFileServerVRange,
  verifyXFTPServerHandshake,
} from '@simplex-relay/protocol';
import { createTestDatabase, freePorts, type TestDatabase } from '@simplex-relay/testing';
import { AppModule } from '../src/app.module.ts';
import { loadXftpGatewayConfig } from '../src/config/xftp-gateway.config.ts';

const run = promisify(execFile);
const appDir = new URL('..', import.meta.url).pathname;

/** One POST on a new connection; returns status, headers, body and the TLS socket. */
async function post(
  port: number,
  opts: {
    alpn: string[];
    servername?: string;
    headers?: Record<string, string>;
    body?: Uint8Array;
  },
) {
  let socket: TLSSocket | undefined;
  const h2 = h2connect(`https://127.0.0.1:${port}`, {
    createConnection: () =>
      (socket = tlsConnect({
        host: '127.0.0.1',
        port,
        ALPNProtocols: opts.alpn,
        rejectUnauthorized: false,
        ...(opts.servername !== undefined && { servername: opts.servername }),
      })),
  });
  try {
    const req = h2.request(
      { ':method': 'POST', ':path': '/', ...opts.headers },
      { endStream: opts.body === undefined },
    );
    if (opts.body) req.end(opts.body);
    const headers = await new Promise<Record<string, unknown>>((res) => req.on('response', res));
    const parts: Buffer[] = [];
    for await (const d of req) parts.push(d as Buffer);
    const s = socket as TLSSocket;
    return {
      headers,
      body: new Uint8Array(Buffer.concat(parts)),
      finished: new Uint8Array(s.getFinished() ?? []),
      cert: new Uint8Array(s.getPeerCertificate().raw),
    };
  } finally {
    h2.close();
  }
}

describe('xftp-gateway', () => {
  let tmp: string;
  let db: TestDatabase;
  let app: INestApplicationContext | undefined;
  let port: number;
  let fingerprint: string;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'xftp-gateway-'));
    db = await createTestDatabase({ prefix: 'xftp_gateway' });
    const certDir = join(tmp, 'certs');
    const out = await run(process.execPath, ['--import', 'tsx', 'src/init.ts'], {
      cwd: appDir,
      env: { ...process.env, CERT_DIR: certDir, XFTP_HOST: 'localhost' },
    });
    const m = /^Fingerprint: (\S+)$/m.exec(out.stdout);
    assert.ok(m, 'init prints the fingerprint');
    fingerprint = m[1] as string;
    [port] = (await freePorts(1)) as [number];
    const cfg = loadXftpGatewayConfig({
      DATABASE_URL: db.url,
      CERT_DIR: certDir,
      BLOB_DIR: join(tmp, 'files'),
      XFTP_PORT: String(port),
      XFTP_BIND: '127.0.0.1',
      OPS_PORT: '0',
      WEB_CERT: join(certDir, 'web.crt'),
      WEB_KEY: join(certDir, 'web.key'),
      LOG_LEVEL: 'warn',
    });
    app = await NestFactory.createApplicationContext(AppModule.forConfig(cfg), { logger: false });
    await app.init();
  });

  after(async () => {
    await app?.close();
    await db?.drop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('answers a native hello with the identity from init', async () => {
    const r = await post(port, { alpn: ['xftp/1'] });
    const hello = readXFTPServerHandshakeBlock(r.body);
    const s = verifyXFTPServerHandshake(nodeProvider, {
      hello,
      clientVRange: supportedFileServerVRange,
      keyHash: decodeBase64Url(fingerprint),
      tls: { sessionId: r.finished, serverKey: decodeCertificate(r.cert).publicKey },
    });
    assert.equal(s.version, 3);
    assert.equal(decodeCertificate(r.cert).publicKey.alg, 'ed448', 'init defaults to Ed448');
  });

  it('answers a web hello on the same port with the web certificate and CORS', async () => {
    const challenge = nodeProvider.randomBytes(32);
    const r = await post(port, {
      alpn: ['h2'],
      servername: 'localhost',
      headers: { 'xftp-web-hello': '1' },
      body: encodeXFTPClientHelloBlock({ webChallenge: challenge }),
    });
    assert.equal(r.headers['access-control-allow-origin'], '*');
    verifyXFTPServerHandshake(nodeProvider, {
      hello: readXFTPServerHandshakeBlock(r.body),
      clientVRange: supportedFileServerVRange,
      keyHash: decodeBase64Url(fingerprint),
      webChallenge: challenge,
    });
    assert.throws(() => decodeCertificate(r.cert), 'TLS presented the (ECDSA) web certificate');
  });
});
