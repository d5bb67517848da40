// Child process of the TLS floor: a TLS server with the relay's own options (node-crypto
// `tlsServerOptions`: TLS 1.3 CHACHA20-POLY1305, EdDSA certificate, ALPN smp/1) that echoes every
// byte. No SMP work at all, so what it costs is the TLS transport alone.
// Usage: node --import tsx tls-echo-server.ts <certDir> [nodelay]; prints `PORT <n>` when listening.
import tls from 'node:tls';
import { loadServerCredentials, tlsServerOptions } from '@simplex-relay/node-crypto';

const [certDir, noDelay] = process.argv.slice(2);
if (certDir === undefined) throw new TypeError('usage: tls-echo-server.ts <certDir> [nodelay]');
const creds = await loadServerCredentials(certDir);
const server = tls.createServer(tlsServerOptions(creds), (socket) => {
  if (noDelay === 'nodelay') socket.setNoDelay(true);
  socket.on('data', (d: Buffer) => socket.write(d));
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new TypeError('no TCP address');
  process.stdout.write(`PORT ${addr.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
