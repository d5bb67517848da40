// Child process of the XFTP benchmark's HTTP/2 floor: a TLS server with the XFTP server's own
// options (node-crypto `xftpTlsServerOptions`: TLS 1.3 CHACHA20-POLY1305, EdDSA chain, ALPN
// xftp/1) handing every connection to a plain HTTP/2 server, as XftpServer does. No XFTP work:
// `POST /up` reads the request body and answers 200 with no body; `POST /down` with header
// `x-size: n` answers 200 with n bytes. What it costs is HTTP/2 over TLS alone.
// Usage: node --import tsx xftp-floor-server.ts <certDir>; prints `PORT <n>` when listening.
import { randomBytes } from 'node:crypto';
import { createServer as createHttp2Server } from 'node:http2';
import { createServer as createTlsServer } from 'node:tls';
import { loadServerCredentials, xftpTlsServerOptions } from '@simplex-relay/node-crypto';

const [certDir] = process.argv.slice(2);
if (certDir === undefined) throw new TypeError('usage: xftp-floor-server.ts <certDir>');
/** Download bodies are slices of one random buffer of the largest XFTP chunk (4 MB). */
const BODY = randomBytes(4 * 1024 * 1024);

const h2 = createHttp2Server();
h2.on('session', (s) => s.on('error', () => undefined));
h2.on('stream', (stream, headers) => {
  stream.on('error', () => undefined);
  if (headers[':path'] === '/down') {
    const n = Math.min(BODY.length, Number(headers['x-size'] ?? 0));
    stream.resume();
    stream.respond({ ':status': 200 });
    stream.end(BODY.subarray(0, n));
    return;
  }
  stream.on('data', () => undefined);
  stream.on('end', () => {
    stream.respond({ ':status': 200 }, { endStream: true });
  });
});
const server = createTlsServer(xftpTlsServerOptions(await loadServerCredentials(certDir), false));
server.on('secureConnection', (socket) => {
  socket.on('error', () => socket.destroy());
  // HTTP/2 whatever ALPN was agreed (xftp/1 here), as XftpServer does.
  socket.alpnProtocol = 'h2';
  h2.emit('connection', socket);
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new TypeError('no TCP address');
  process.stdout.write(`PORT ${addr.port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
