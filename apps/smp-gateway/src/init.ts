// `npm run -w @simplex-relay/smp-gateway-app init`: creates the server identity for a cluster
// (like upstream `smp-server init`): CA and online certificate under CERT_DIR, and a shard key
// to give every gateway and store as SHARD_KEY, and control port passwords (like upstream
// `init --control-port`). Prints the fingerprint.
import { randomBytes } from 'node:crypto';
import { writeServerCredentials } from '@simplex-relay/node-crypto';

// Output piped into a pager that exits early must not crash the command.
process.stdout.on('error', () => undefined);
const dir = process.env['CERT_DIR'] ?? '/etc/opt/simplex';
const algorithm = process.env['CERT_ALGORITHM'] === 'ed448' ? 'ed448' : 'ed25519';
const commonName = process.env['SMP_HOST'] ?? 'localhost';
const w = await writeServerCredentials(dir, { algorithm, commonName });
console.log(`Created ${algorithm} credentials in ${dir}`);
console.log(`Fingerprint: ${w.fingerprint}`);
console.log(`Server address: smp://${w.fingerprint}@${commonName}`);
console.log(
  `A new shard key for SHARD_KEY (same on every gateway and store): ${randomBytes(32).toString('hex')}`,
);
console.log(
  `Control port passwords, if you set CONTROL_PORT: CONTROL_PORT_ADMIN_PASSWORD=${randomBytes(18).toString('base64url')} CONTROL_PORT_USER_PASSWORD=${randomBytes(18).toString('base64url')}`,
);
console.log(w.notice);
