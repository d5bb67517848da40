// The optional browser-facing ("web") TLS credential of an XFTP server (spec xftp.md §3.3: INI
// `[WEB] cert` / `key`, presented only to clients that send SNI). Operators normally use a
// CA-issued certificate; for local use this makes a self-signed ECDSA P-256 certificate with
// subjectAltName entries (browsers require SAN and do not accept EdDSA server certificates), and
// loads/writes the PEM pair as `web.crt` / `web.key`.
import {
  X509Certificate,
  createPrivateKey,
  generateKeyPairSync,
  randomFillSync,
  sign,
} from 'node:crypto';
import { isIP } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DerTag, derEncode } from '@simplex-relay/protocol';
import { CredentialsError } from './certs.ts';
import { decodePem, encodePem } from './pem.ts';
import {
  basicConstraintsExtension,
  derExtension,
  derName,
  derOid,
  derTime,
  derUnsignedInteger,
  serverAuthExtension,
} from './x509-builder.ts';

/** File names of the web credential inside a credentials directory. */
export const WebCredentialFile = { cert: 'web.crt', key: 'web.key' } as const;

/** A web certificate chain (leaf first) and its private key, as PEM. */
export interface WebCredentials {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Options of `createWebCertificate`. */
export interface WebCertificateOptions {
  /** DNS names and IP addresses for subjectAltName; the first is also the CN. Default `['localhost']`. */
  readonly hosts?: readonly string[];
  /** Validity from `now`, days. Default 825 (the longest browsers accepted for public CAs). */
  readonly validityDays?: number;
  /** Start of validity (tests). Default: now. */
  readonly now?: Date;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const SUBJECT_ALT_NAME = '2.5.29.17';
const KEY_USAGE = '2.5.29.15';
const DNS_NAME = 0x82; // [2] IMPLICIT IA5String
const IP_ADDRESS = 0x87; // [7] IMPLICIT OCTET STRING

const ipBytes = (ip: string): Uint8Array => {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split('.').map(Number));
  // IPv6: expand "::" and write 8 groups.
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
};

/** A new self-signed ECDSA P-256 server certificate for `hosts` (SAN DNS/IP entries). */
export function createWebCertificate(opts: WebCertificateOptions = {}): WebCredentials {
  const hosts = opts.hosts ?? ['localhost'];
  const cn = hosts[0];
  if (cn === undefined) throw new RangeError('web certificate needs at least one host');
  const days = opts.validityDays ?? 825;
  if (!Number.isInteger(days) || days < 1) throw new RangeError('validityDays must be positive');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const notBefore = new Date(Math.floor((opts.now ?? new Date()).getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const serial = randomFillSync(new Uint8Array(16));
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01;
  const san = hosts.map((h) =>
    isIP(h) ? derEncode(IP_ADDRESS, ipBytes(h)) : derEncode(DNS_NAME, new TextEncoder().encode(h)),
  );
  const algId = derEncode(DerTag.SEQUENCE, derOid(ECDSA_WITH_SHA256));
  const name = derName({ commonName: cn });
  const tbs = derEncode(
    DerTag.SEQUENCE,
    derEncode(DerTag.CONTEXT_0, derEncode(DerTag.INTEGER, Uint8Array.of(2))),
    derUnsignedInteger(serial),
    algId,
    name,
    derEncode(DerTag.SEQUENCE, derTime(notBefore), derTime(notAfter)),
    name,
    spki,
    derEncode(
      DerTag.CONTEXT_3,
      derEncode(
        DerTag.SEQUENCE,
        basicConstraintsExtension(false),
        // digitalSignature only (bit 0): 03 02 07 80.
        derExtension(KEY_USAGE, true, derEncode(DerTag.BIT_STRING, Uint8Array.of(7, 0x80))),
        serverAuthExtension(),
        derExtension(SUBJECT_ALT_NAME, false, derEncode(DerTag.SEQUENCE, ...san)),
      ),
    ),
  );
  // node:crypto's ECDSA output is the DER `Ecdsa-Sig-Value` X.509 expects.
  const sig = sign('sha256', tbs, privateKey);
  const cert = derEncode(
    DerTag.SEQUENCE,
    tbs,
    algId,
    derEncode(DerTag.BIT_STRING, Uint8Array.of(0), sig),
  );
  return {
    certPem: encodePem('CERTIFICATE', cert),
    keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Checks that `keyPem` is the key of the first certificate in `certPem`; CredentialsError if not. */
export function checkWebCredentials(c: WebCredentials): WebCredentials {
  let x: X509Certificate;
  try {
    x = new X509Certificate(decodeFirstCert(c.certPem));
  } catch (e) {
    throw new CredentialsError('web certificate: not a PEM certificate', { cause: e });
  }
  let ok: boolean;
  try {
    ok = x.checkPrivateKey(createPrivateKey({ key: c.keyPem, format: 'pem' }));
  } catch (e) {
    throw new CredentialsError('web key: not a PEM private key', { cause: e });
  }
  if (!ok) throw new CredentialsError('web key does not match the web certificate');
  return c;
}

const decodeFirstCert = (pem: string): Uint8Array => {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem);
  return decodePem(m?.[0] ?? '', 'CERTIFICATE');
};

/** Reads and checks a web credential from two PEM files (INI `[WEB] cert` and `key`). */
export async function loadWebCredentials(
  certPath: string,
  keyPath: string,
): Promise<WebCredentials> {
  const read = async (p: string, what: string): Promise<string> => {
    try {
      return await readFile(p, 'utf8');
    } catch (e) {
      throw new CredentialsError(`cannot read the web ${what}`, { cause: e });
    }
  };
  const [certPem, keyPem] = await Promise.all([
    read(certPath, 'certificate'),
    read(keyPath, 'key'),
  ]);
  return checkWebCredentials({ certPem, keyPem });
}

/**
 * Loads `web.crt` / `web.key` from `dir`, creating a self-signed pair for `hosts` first if neither
 * exists. Returns the credential and whether it was created.
 */
export async function loadOrCreateWebCredentials(
  dir: string,
  opts: WebCertificateOptions = {},
): Promise<{ credentials: WebCredentials; created: boolean }> {
  const certPath = join(dir, WebCredentialFile.cert);
  const keyPath = join(dir, WebCredentialFile.key);
  let created = false;
  try {
    const c = createWebCertificate(opts);
    await mkdir(dir, { recursive: true });
    // 'wx': never replace an existing credential.
    await writeFile(keyPath, c.keyPem, { flag: 'wx', mode: 0o600 });
    await writeFile(certPath, c.certPem, { flag: 'wx', mode: 0o644 });
    created = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return { credentials: await loadWebCredentials(certPath, keyPath), created };
}
