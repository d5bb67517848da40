// The server's credential files, as upstream `smp-server init` lays them out in its config
// directory (`Server/CLI.hs: defaultX509Config`): `ca.key`, `ca.crt`, `server.key`, `server.crt` and
// `fingerprint` (the identity, checked again at start like upstream `checkSavedFingerprint`).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CredentialsError, checkServerCredentials, createCertificates } from './certs.ts';
import type { CertificateOptions, CheckedCredentials, ServerCredentials } from './certs.ts';

/** File names inside the credentials directory (upstream names). */
export const CredentialFile = {
  caKey: 'ca.key',
  caCert: 'ca.crt',
  serverKey: 'server.key',
  serverCert: 'server.crt',
  fingerprint: 'fingerprint',
} as const;

/** What `writeServerCredentials` created. */
export interface WrittenCredentials {
  readonly credentials: Required<ServerCredentials>;
  readonly fingerprint: string;
  /** Where the offline CA key was written. */
  readonly caKeyPath: string;
  /** An operator notice to print: the CA key belongs offline. */
  readonly notice: string;
}

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

/**
 * Creates new credentials in `dir` (created if missing). Refuses to overwrite any existing file, as
 * that would silently change the server identity. Keys are written with mode 0600.
 */
export async function writeServerCredentials(
  dir: string,
  opts: CertificateOptions = {},
): Promise<WrittenCredentials> {
  const c = createCertificates(opts);
  await mkdir(dir, { recursive: true });
  const files: [string, string, number][] = [
    [CredentialFile.caKey, c.caKeyPem, KEY_MODE],
    [CredentialFile.caCert, c.caCertPem, CERT_MODE],
    [CredentialFile.serverKey, c.serverKeyPem, KEY_MODE],
    [CredentialFile.serverCert, c.serverCertPem, CERT_MODE],
    [CredentialFile.fingerprint, `${c.fingerprint}\n`, CERT_MODE],
  ];
  const written: string[] = [];
  try {
    for (const [name, text, mode] of files) {
      const path = join(dir, name);
      // 'wx': fail if the file exists; the mode applies at creation, so a key is never world-readable.
      await writeFile(path, text, { flag: 'wx', mode });
      written.push(path);
    }
  } catch (e) {
    await Promise.all(written.map((p) => rm(p, { force: true })));
    throw new CredentialsError(`cannot write server credentials in ${dir}`, { cause: e });
  }
  const caKeyPath = join(dir, CredentialFile.caKey);
  const notice =
    `The CA private key ${caKeyPath} defines this server's identity (${c.fingerprint}). ` +
    'Move it to offline storage and delete it from the server: it is only needed to issue a new ' +
    'online TLS certificate with the same identity if the current one is compromised.';
  return { credentials: c, fingerprint: c.fingerprint, caKeyPath, notice };
}

const readOptional = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
};

const readRequired = async (dir: string, name: string): Promise<string> => {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (e) {
    throw new CredentialsError(`cannot read ${name} in ${dir}`, { cause: e });
  }
};

/**
 * Loads and checks the credentials in `dir`. `ca.key` may be absent (moved offline). If a
 * `fingerprint` file exists it must match `ca.crt`, so a replaced CA certificate is noticed.
 */
export async function loadServerCredentials(dir: string): Promise<CheckedCredentials> {
  const [caCertPem, serverCertPem, serverKeyPem] = await Promise.all([
    readRequired(dir, CredentialFile.caCert),
    readRequired(dir, CredentialFile.serverCert),
    readRequired(dir, CredentialFile.serverKey),
  ]);
  const caKeyPem = await readOptional(join(dir, CredentialFile.caKey));
  const saved = await readOptional(join(dir, CredentialFile.fingerprint));
  const checked = checkServerCredentials({
    caCertPem,
    serverCertPem,
    serverKeyPem,
    ...(caKeyPem === undefined ? {} : { caKeyPem }),
  });
  if (saved !== undefined && saved.trim() !== checked.fingerprint)
    throw new CredentialsError(
      `${CredentialFile.fingerprint} in ${dir} does not match ${CredentialFile.caCert}`,
    );
  return checked;
}
