// `npm run -w @simplex-relay/xftp-gateway-app init`: creates the server identity for a deployment
// (like upstream `xftp-server init`): CA and online certificate under CERT_DIR (Ed448 by default,
// as upstream), and a self-signed web certificate (web.crt, web.key) for XFTP_HOST unless
// INIT_WEB_CERT=off — replace it with a CA-issued one for browsers. Prints the address, and control
// port passwords (like upstream `smp-server init --control-port`; `xftp-server init` leaves them to
// the INI file).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  WebCredentialFile,
  loadOrCreateWebCredentials,
  writeServerCredentials,
} from '@simplex-relay/node-crypto';

// Output piped into a pager that exits early must not crash the command.
process.stdout.on('error', () => undefined);
const dir = process.env['CERT_DIR'] ?? '/etc/opt/simplex-xftp';
const algorithm = process.env['CERT_ALGORITHM'] === 'ed25519' ? 'ed25519' : 'ed448';
const host = process.env['XFTP_HOST'] ?? 'localhost';
const port = process.env['XFTP_PORT'] ?? '443';
const w = await writeServerCredentials(dir, { algorithm, commonName: host });
console.log(`Created ${algorithm} credentials in ${dir}`);
console.log(`Fingerprint: ${w.fingerprint}`);
console.log(`Server address: xftp://${w.fingerprint}@${host}${port === '443' ? '' : `:${port}`}`);
if (process.env['INIT_WEB_CERT'] !== 'off') {
  const web = await loadOrCreateWebCredentials(dir, { hosts: [host] });
  console.log(
    `${web.created ? 'Created a self-signed' : 'Kept the existing'} web certificate: ` +
      `WEB_CERT=${join(dir, WebCredentialFile.cert)} WEB_KEY=${join(dir, WebCredentialFile.key)}`,
  );
}
console.log(
  `Control port passwords, if you set CONTROL_PORT: CONTROL_PORT_ADMIN_PASSWORD=${randomBytes(18).toString('base64url')} CONTROL_PORT_USER_PASSWORD=${randomBytes(18).toString('base64url')}`,
);
console.log(w.notice);
