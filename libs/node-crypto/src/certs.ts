// Server TLS credentials (spec smp.md §3.2): an offline CA certificate, whose SHA-256 is the server
// identity (`keyHash` in server addresses), and an online TLS certificate signed by it. Mirrors
// upstream `Server/CLI.hs: createServerX509_` (the `init` and `cert` commands) and
// `Transport/Server.hs: loadFileFingerprint` / `Server/CLI.hs: checkSavedFingerprint`, but builds
// the certificates in-process (x509-builder.ts) instead of running the openssl CLI.
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomFillSync,
  sign,
  X509Certificate,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  decodeCertificate,
  decodePrivKeyDer,
  nobleProvider,
  verifyCertSignature,
} from '@simplex-relay/protocol';
import type { PrivateKey, PublicKey, SignAlgorithm } from '@simplex-relay/protocol';
import { decodePem, encodePem } from './pem.ts';
import {
  akiExtension,
  basicConstraintsExtension,
  encodeCertificate,
  encodeTbsCertificate,
  serverAuthExtension,
  serverKeyUsageExtension,
  skiExtension,
} from './x509-builder.ts';
import type { DistinguishedName } from './x509-builder.ts';

/** Upstream `defaultX509Config`: Ed448 (note: `smp-server init -a` itself defaults to ED25519). */
export const DEFAULT_CERT_ALGORITHM: SignAlgorithm = 'ed448';
/** Upstream `defaultX509Config.commonName` (init uses `--fqdn`, else `--ip`, default 127.0.0.1). */
export const DEFAULT_COMMON_NAME = '127.0.0.1';
/** `openssl req -x509 -days 999999` / `openssl x509 -req -days 999999` in `createServerX509_`. */
export const DEFAULT_VALIDITY_DAYS = 999_999;
/** Subject of the offline CA, fixed upstream (`openssl_ca.conf`). */
export const CA_SUBJECT: DistinguishedName = {
  commonName: 'SMP server CA',
  organization: 'SimpleX',
};

/** Options for new certificates. */
export interface CertificateOptions {
  /** Signature algorithm of both keys. Default Ed448. */
  readonly algorithm?: SignAlgorithm;
  /** CN of the online certificate: the server's FQDN or IP (clients do not check it). */
  readonly commonName?: string;
  /** Validity of each certificate from `now`. Default 999999 days, as upstream. */
  readonly validityDays?: number;
  /** Start of validity (tests). Default: the current time. */
  readonly now?: Date;
}

/** The PEM files of a server; `caKeyPem` is absent once the CA key has been moved offline. */
export interface ServerCredentials {
  readonly caKeyPem?: string;
  readonly caCertPem: string;
  readonly serverKeyPem: string;
  readonly serverCertPem: string;
  /** Server identity: base64url (with padding) SHA-256 of the CA certificate DER. */
  readonly fingerprint: string;
}

/** Credentials that could not be created or loaded (bad files, mismatched keys, wrong identity). */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const DAY_MS = 86_400_000;

const rawKeys = (privateKey: KeyObject): { pub: Uint8Array; priv: Uint8Array } => {
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    pub: Buffer.from(jwk.x ?? '', 'base64url'),
    priv: Buffer.from(jwk.d ?? '', 'base64url'),
  };
};

/** Ed25519/Ed448 key of a PEM/KeyObject private key, or CredentialsError. */
const signAlgOf = (k: KeyObject, what: string): SignAlgorithm => {
  const t = k.asymmetricKeyType;
  if (t !== 'ed25519' && t !== 'ed448')
    throw new CredentialsError(`${what}: expected an Ed25519 or Ed448 key, got ${t}`);
  return t;
};

// openssl's `hash` key identifier: SHA-1 over the subjectPublicKey BIT STRING contents (RFC 5280
// §4.2.1.2 method 1), which for RFC 8410 keys is the raw public key.
const keyId = (pub: Uint8Array): Uint8Array => createHash('sha1').update(pub).digest();

// 20 random bytes with the top bit clear: a positive, minimally encoded INTEGER of 20 octets, the
// same size as openssl's random serials (RFC 5280 §4.1.2.2 allows at most 20).
const randomSerial = (): Uint8Array => {
  const s = randomFillSync(new Uint8Array(20));
  s[0] = ((s[0] as number) & 0x7f) | 0x01;
  return s;
};

const validity = (opts: CertificateOptions): { notBefore: Date; notAfter: Date } => {
  const days = opts.validityDays ?? DEFAULT_VALIDITY_DAYS;
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError('validityDays must be a positive integer');
  const notBefore = new Date(Math.floor((opts.now ?? new Date()).getTime() / 1000) * 1000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * DAY_MS) };
};

interface IssueParams {
  readonly subject: DistinguishedName;
  readonly subjectPub: PublicKey;
  readonly issuer: DistinguishedName;
  readonly issuerKey: KeyObject;
  readonly issuerKeyId: Uint8Array;
  readonly ca: boolean;
  readonly opts: CertificateOptions;
}

function issue(p: IssueParams): string {
  const alg = signAlgOf(p.issuerKey, 'issuer key');
  const ski = keyId(p.subjectPub.raw);
  // Extension order as openssl writes upstream's profiles (see the fixtures in libs/protocol).
  const extensions = p.ca
    ? [skiExtension(ski), akiExtension(p.issuerKeyId), basicConstraintsExtension(true)]
    : [
        basicConstraintsExtension(false),
        serverKeyUsageExtension(),
        serverAuthExtension(),
        skiExtension(ski),
        akiExtension(p.issuerKeyId),
      ];
  const tbs = encodeTbsCertificate({
    serial: randomSerial(),
    signatureAlgorithm: alg,
    issuer: p.issuer,
    subject: p.subject,
    ...validity(p.opts),
    publicKey: p.subjectPub,
    extensions,
  });
  return encodePem('CERTIFICATE', encodeCertificate(tbs, alg, sign(null, tbs, p.issuerKey)));
}

const newKey = (alg: SignAlgorithm): KeyObject => generateKeyPairSync(alg as 'ed25519').privateKey;
const keyPem = (k: KeyObject): string => k.export({ format: 'pem', type: 'pkcs8' }).toString();

/** A new online certificate + key signed by an existing CA (upstream `smp-server cert`). */
export function createServerCertificate(
  ca: { readonly caKeyPem: string; readonly caCertPem: string },
  opts: CertificateOptions = {},
): { serverKeyPem: string; serverCertPem: string } {
  const caKey = parsePrivateKey(ca.caKeyPem, 'CA key');
  const caCert = parseCert(ca.caCertPem, 'CA certificate');
  if (!caCert.checkPrivateKey(caKey))
    throw new CredentialsError('CA key does not match the CA certificate');
  const caPub = rawKeys(caKey).pub;
  const serverKey = newKey(opts.algorithm ?? DEFAULT_CERT_ALGORITHM);
  const serverCertPem = issue({
    subject: { commonName: opts.commonName ?? DEFAULT_COMMON_NAME },
    subjectPub: { alg: signAlgOf(serverKey, 'server key'), raw: rawKeys(serverKey).pub },
    issuer: CA_SUBJECT,
    issuerKey: caKey,
    issuerKeyId: keyId(caPub),
    ca: false,
    opts,
  });
  return { serverKeyPem: keyPem(serverKey), serverCertPem };
}

/** A new offline CA and online certificate (upstream `smp-server init`, `createServerX509_ True`). */
export function createCertificates(opts: CertificateOptions = {}): Required<ServerCredentials> {
  const alg = opts.algorithm ?? DEFAULT_CERT_ALGORITHM;
  const caKey = newKey(alg);
  const caPub = rawKeys(caKey).pub;
  const caCertPem = issue({
    subject: CA_SUBJECT,
    subjectPub: { alg, raw: caPub },
    issuer: CA_SUBJECT,
    issuerKey: caKey,
    issuerKeyId: keyId(caPub),
    ca: true,
    opts,
  });
  const caKeyPem = keyPem(caKey);
  return {
    caKeyPem,
    caCertPem,
    ...createServerCertificate({ caKeyPem, caCertPem }, opts),
    fingerprint: fingerprintOf(caCertPem),
  };
}

/** base64url with `=` padding, the `strEncode` form of a `KeyHash`. */
export const base64UrlPadded = (b: Uint8Array): string =>
  Buffer.from(b).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

/** Server identity of a CA certificate: base64url-with-padding SHA-256 of its DER (spec §3.2). */
export function fingerprintOf(caCertPem: string): string {
  return base64UrlPadded(createHash('sha256').update(decodePem(caCertPem, 'CERTIFICATE')).digest());
}

function parseCert(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(decodePem(pem, 'CERTIFICATE'));
  } catch (e) {
    throw new CredentialsError(`${what}: not a PEM certificate`, { cause: e });
  }
}

function parsePrivateKey(pem: string, what: string): KeyObject {
  let k: KeyObject;
  try {
    k = createPrivateKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new CredentialsError(`${what}: not a PEM private key`, { cause: e });
  }
  signAlgOf(k, what);
  return k;
}

/** Checked credentials, plus the forms the server needs at runtime. */
export interface CheckedCredentials extends ServerCredentials {
  /** The online key as a raw key: it also signs the per-connection DH key in the server hello (§4.2). */
  readonly serverSignKey: PrivateKey & { readonly alg: SignAlgorithm };
  /** The TLS chain as DER, leaf first: [server.crt, ca.crt]. */
  readonly chainDer: readonly [Uint8Array, Uint8Array];
}

/**
 * Checks that the files form a usable chain: both certificates Ed25519/Ed448-signed and parsable by
 * the protocol's own X.509 reader, the CA is `CA:TRUE` and self-signed, the online certificate is
 * signed by it and matches its key, and the CA key (if still present) matches the CA certificate.
 */
export function checkServerCredentials(
  c: Omit<ServerCredentials, 'fingerprint'>,
): CheckedCredentials {
  const caX = parseCert(c.caCertPem, 'CA certificate');
  const srvX = parseCert(c.serverCertPem, 'server certificate');
  const caDer = new Uint8Array(caX.raw);
  const srvDer = new Uint8Array(srvX.raw);
  let ca, srv;
  try {
    ca = decodeCertificate(caDer);
    srv = decodeCertificate(srvDer);
  } catch (e) {
    throw new CredentialsError('certificate is not an Ed25519/Ed448 X.509 certificate', {
      cause: e,
    });
  }
  if (!ca.isCa) throw new CredentialsError('CA certificate lacks basicConstraints CA:TRUE');
  if (!verifyCertSignature(nobleProvider, ca, ca.publicKey))
    throw new CredentialsError('CA certificate is not self-signed');
  if (!verifyCertSignature(nobleProvider, srv, ca.publicKey))
    throw new CredentialsError('server certificate is not signed by the CA');
  const srvKey = parsePrivateKey(c.serverKeyPem, 'server key');
  if (!srvX.checkPrivateKey(srvKey))
    throw new CredentialsError('server key does not match the server certificate');
  if (c.caKeyPem !== undefined && !caX.checkPrivateKey(parsePrivateKey(c.caKeyPem, 'CA key')))
    throw new CredentialsError('CA key does not match the CA certificate');
  const der = srvKey.export({ format: 'der', type: 'pkcs8' });
  const serverSignKey = decodePrivKeyDer(
    new Uint8Array(der.buffer, der.byteOffset, der.byteLength),
  ) as CheckedCredentials['serverSignKey'];
  return {
    ...c,
    fingerprint: fingerprintOf(c.caCertPem),
    serverSignKey,
    chainDer: [srvDer, caDer],
  };
}
