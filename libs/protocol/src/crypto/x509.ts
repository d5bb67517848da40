// X.509 certificate reading for the TLS chain and server identity, spec smp.md §3.2. Upstream
// `Transport/Shared.hs: chainIdCaCerts`, `Transport/Server.hs: loadFileFingerprint`
// (`getFingerprint cert HashSHA256`), `Crypto.hs: certificateFingerprint`, and `x509` library checks.
// Only Ed25519/Ed448 signatures are understood (upstream certificates are made with those).
import { ParseError } from '../errors.ts';
import {
  DerReader,
  DerTag,
  derBitStringBytes,
  derBoolean,
  derContents,
  derIntegerBytes,
  derSmallUint,
} from './der.ts';
import type { DerTlv } from './der.ts';
import { decodePubKeyDer } from './keys.ts';
import type { PublicKey, SignAlgorithm } from './keys.ts';
import type { CryptoProvider } from './provider.ts';
import { verify } from './sign.ts';

/** The parts of a certificate the protocol needs (byte fields are subarrays of the input). */
export interface Certificate {
  /** The whole certificate DER. */
  readonly der: Uint8Array;
  /** The signed bytes: the whole tbsCertificate TLV. */
  readonly tbsRaw: Uint8Array;
  /** X.509 version: 0 = v1, 2 = v3. */
  readonly version: number;
  readonly serial: Uint8Array;
  readonly issuerRaw: Uint8Array;
  readonly subjectRaw: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: PublicKey;
  readonly signatureAlgorithm: SignAlgorithm;
  readonly signature: Uint8Array;
  /** basicConstraints cA (false when the extension is absent). */
  readonly isCa: boolean;
}

/** OID 1.3.101.112 / .113 content bytes → signature algorithm (RFC 8410, no parameters). */
const SIG_OIDS: Readonly<Record<string, SignAlgorithm>> = {
  '2b6570': 'ed25519',
  '2b6571': 'ed448',
};
const OID_BASIC_CONSTRAINTS = '551d13'; // 2.5.29.19

const hexOf = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Reads an AlgorithmIdentifier that must be Ed25519 or Ed448 with absent parameters. */
export function decodeSignAlgorithmId(r: DerReader): SignAlgorithm {
  const seq = r.enter(DerTag.SEQUENCE, 'AlgorithmIdentifier');
  const oid = seq.expect(DerTag.OID, 'algorithm OID');
  seq.assertEnd('AlgorithmIdentifier (parameters must be absent)');
  const alg = SIG_OIDS[hexOf(oid.value)];
  if (alg === undefined) throw new ParseError('X.509: unsupported signature algorithm', oid.offset);
  return alg;
}

/** DER AlgorithmIdentifier of an Ed* algorithm: 30 05 06 03 2b 65 70|71. */
export function encodeSignAlgorithmId(alg: SignAlgorithm): Uint8Array {
  return Uint8Array.of(0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, alg === 'ed25519' ? 0x70 : 0x71);
}

/** UTCTime (YYMMDDHHMMSSZ, 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSSZ), DER forms only. */
function decodeTime(t: DerTlv): Date {
  const utc = t.tag === DerTag.UTC_TIME && t.value.length === 13;
  const gen = t.tag === DerTag.GENERALIZED_TIME && t.value.length === 15;
  if (!utc && !gen) throw new ParseError('X.509: bad time', t.offset);
  const s = String.fromCharCode(...t.value);
  if (!/^[0-9]+Z$/.test(s)) throw new ParseError('X.509: bad time', t.offset);
  const yy = Number(s.slice(0, 2));
  // RFC 5280 §4.1.2.5.1: UTCTime years 50–99 are 19xx, 00–49 are 20xx.
  const year = utc ? (yy >= 50 ? 1900 + yy : 2000 + yy) : Number(s.slice(0, 4));
  const rest = s.slice(utc ? 2 : 4);
  const [mo, d, h, mi, se] = [0, 2, 4, 6, 8].map((i) => Number(rest.slice(i, i + 2))) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(0);
  date.setUTCFullYear(year, mo - 1, d);
  date.setUTCHours(h, mi, se, 0);
  // Why: Date silently rolls over (month 13, Feb 30, 24:00); a round trip rejects such values.
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === se;
  if (!exact) throw new ParseError('X.509: invalid date', t.offset);
  return date;
}

/** Reads the extensions and returns the basicConstraints cA flag (false if absent). */
function decodeExtensions(tlv: DerTlv): boolean {
  const outer = derContents(tlv);
  const exts = outer.enter(DerTag.SEQUENCE, 'Extensions');
  outer.assertEnd('extensions');
  if (exts.atEnd) throw new ParseError('X.509: empty extensions', tlv.offset);
  let isCa = false;
  const seen = new Set<string>();
  while (!exts.atEnd) {
    const ext = exts.enter(DerTag.SEQUENCE, 'Extension');
    const oid = ext.expect(DerTag.OID, 'extension OID');
    const id = hexOf(oid.value);
    // RFC 5280 §4.2: a certificate must not include more than one instance of an extension.
    if (seen.has(id)) throw new ParseError('X.509: duplicate extension', oid.offset);
    seen.add(id);
    const crit = ext.optional(DerTag.BOOLEAN);
    if (crit !== undefined) derBoolean(crit);
    const value = ext.expect(DerTag.OCTET_STRING, 'extension value');
    ext.assertEnd('extension');
    if (id === OID_BASIC_CONSTRAINTS) {
      const vr = derContents(value);
      const bc = vr.enter(DerTag.SEQUENCE, 'BasicConstraints');
      vr.assertEnd('BasicConstraints');
      const ca = bc.optional(DerTag.BOOLEAN);
      isCa = ca !== undefined && derBoolean(ca);
      const pathLen = bc.optional(DerTag.INTEGER);
      if (pathLen !== undefined) derSmallUint(pathLen);
      bc.assertEnd('BasicConstraints');
    }
  }
  return isCa;
}

/** Parses a DER certificate (Ed25519/Ed448-signed, any of the four key types); ParseError otherwise. */
export function decodeCertificate(der: Uint8Array): Certificate {
  const top = new DerReader(der);
  const cert = top.enter(DerTag.SEQUENCE, 'Certificate');
  top.assertEnd('Certificate');
  const tbsTlv = cert.expect(DerTag.SEQUENCE, 'TBSCertificate');
  const signatureAlgorithm = decodeSignAlgorithmId(cert);
  const sigTlv = cert.expect(DerTag.BIT_STRING, 'signature');
  cert.assertEnd('Certificate');
  const signature = derBitStringBytes(sigTlv);

  const tbs = derContents(tbsTlv);
  let version = 0;
  const vTlv = tbs.optional(DerTag.CONTEXT_0);
  if (vTlv !== undefined) {
    const vr = derContents(vTlv);
    version = derSmallUint(vr.next());
    vr.assertEnd('version');
    if (version > 2) throw new ParseError('X.509: unknown version', vTlv.offset);
  }
  const serial = derIntegerBytes(tbs.expect(DerTag.INTEGER, 'serialNumber'));
  const innerAlg = decodeSignAlgorithmId(tbs);
  // RFC 5280 §4.1.1.2: the inner and outer signature algorithms must be the same.
  if (innerAlg !== signatureAlgorithm)
    throw new ParseError('X.509: signature algorithm mismatch', tbsTlv.offset);
  const issuerRaw = tbs.expect(DerTag.SEQUENCE, 'issuer').raw;
  const validity = tbs.enter(DerTag.SEQUENCE, 'validity');
  const notBefore = decodeTime(validity.next());
  const notAfter = decodeTime(validity.next());
  validity.assertEnd('validity');
  const subjectRaw = tbs.expect(DerTag.SEQUENCE, 'subject').raw;
  const spki = tbs.expect(DerTag.SEQUENCE, 'subjectPublicKeyInfo');
  let publicKey: PublicKey;
  try {
    publicKey = decodePubKeyDer(spki.raw);
  } catch (e) {
    throw new ParseError('X.509: unsupported subject public key', spki.offset, { cause: e });
  }
  tbs.optional(DerTag.CONTEXT_1); // issuerUniqueID
  tbs.optional(DerTag.CONTEXT_2); // subjectUniqueID
  const extTlv = tbs.optional(DerTag.CONTEXT_3);
  tbs.assertEnd('TBSCertificate');
  if (extTlv !== undefined && version !== 2)
    throw new ParseError('X.509: extensions need v3', extTlv.offset);
  const isCa = extTlv === undefined ? false : decodeExtensions(extTlv);
  return {
    der,
    tbsRaw: tbsTlv.raw,
    version,
    serial,
    issuerRaw,
    subjectRaw,
    notBefore,
    notAfter,
    publicKey,
    signatureAlgorithm,
    signature,
    isCa,
  };
}

/** True iff the certificate is signed by `issuerPub` (algorithm must match; never throws). */
export function verifyCertSignature(
  c: CryptoProvider,
  cert: Certificate,
  issuerPub: PublicKey,
): boolean {
  return (
    issuerPub.alg === cert.signatureAlgorithm && verify(c, issuerPub, cert.signature, cert.tbsRaw)
  );
}

/** Server identity `keyHash`: SHA-256 of the whole certificate DER (not of its key). */
export function certFingerprint(c: CryptoProvider, certDer: Uint8Array): Uint8Array {
  return c.sha256(certDer);
}

/** How a presented chain maps to (leaf, identity, CA) certificates (upstream `ChainCertificates`). */
export type ChainCertificates<T> =
  | { readonly type: 'valid'; readonly leafCert: T; readonly idCert: T; readonly caCert: T }
  | { readonly type: 'empty' }
  | { readonly type: 'self'; readonly cert: T }
  | { readonly type: 'long' };

/** Leaf-first chain → roles: [l,c] → id = ca = c; [l,id,ca]; [l,id,_,ca]; 0, 1, 5+ are not valid. */
export function chainIdCaCerts<T>(chain: readonly T[]): ChainCertificates<T> {
  const [a, b, c, d] = chain as readonly [T, T, T, T];
  switch (chain.length) {
    case 0:
      return { type: 'empty' };
    case 1:
      return { type: 'self', cert: a };
    case 2:
      return { type: 'valid', leafCert: a, idCert: b, caCert: b };
    case 3:
      return { type: 'valid', leafCert: a, idCert: b, caCert: c };
    case 4:
      // The third certificate (network certificate) plays no role in identity or validation.
      return { type: 'valid', leafCert: a, idCert: b, caCert: d };
    default:
      return { type: 'long' };
  }
}
