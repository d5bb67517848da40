// DER building of the two X.509 v3 certificates a server needs (spec smp.md §3.2), in the shape
// upstream gets from openssl in `Server/CLI.hs: createServerX509_` (its `openssl_ca.conf` /
// `openssl_server.conf` profiles): same field order, string types and extension order, so that
// `openssl asn1parse` of our certificates matches upstream's fixtures line for line except values.
// Uses the DER TLV writer of libs/protocol; signing is done by the caller (certs.ts).
import { DerTag, derEncode, encodePubKeyDer, encodeSignAlgorithmId } from '@simplex-relay/protocol';
import type { PublicKey, SignAlgorithm } from '@simplex-relay/protocol';

const UTF8_STRING = 0x0c;
const CONTEXT_0_PRIMITIVE = 0x80; // [0] IMPLICIT OCTET STRING (AuthorityKeyIdentifier.keyIdentifier)

/** Object identifiers used in the certificates. */
export const Oid = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** OBJECT IDENTIFIER from dotted form (X.690 §8.19: first two arcs combined, base-128 arcs). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`OID: bad arc in ${dotted}`);
    return BigInt(a);
  });
  const [a0, a1, ...rest] = arcs;
  if (a0 === undefined || a1 === undefined || a0 > 2n || (a0 < 2n && a1 > 39n))
    throw new RangeError(`OID: bad ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [a0 * 40n + a1, ...rest]) {
    const groups = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    bytes.push(...groups);
  }
  return derEncode(DerTag.OID, Uint8Array.from(bytes));
}

/** INTEGER from unsigned big-endian bytes, minimal (X.690 §8.3.2) and non-negative. */
export function derUnsignedInteger(be: Uint8Array): Uint8Array {
  let i = 0;
  while (i < be.length - 1 && be[i] === 0) i++;
  const v = be.subarray(i);
  if (v.length === 0) return derEncode(DerTag.INTEGER, Uint8Array.of(0));
  return (v[0] as number) & 0x80
    ? derEncode(DerTag.INTEGER, Uint8Array.of(0), v)
    : derEncode(DerTag.INTEGER, v);
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Validity time: UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5), seconds, Z. */
export function derTime(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  if (!Number.isFinite(d.getTime()) || y < 0 || y > 9999)
    throw new RangeError('X.509: date out of range');
  const tail = `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  const utc = y >= 1950 && y < 2050;
  const s = utc ? `${two(y % 100)}${tail}` : `${String(y).padStart(4, '0')}${tail}`;
  return derEncode(utc ? DerTag.UTC_TIME : DerTag.GENERALIZED_TIME, new TextEncoder().encode(s));
}

/** A distinguished name as openssl's `req` builds it from a config: CN, then O if given. */
export interface DistinguishedName {
  readonly commonName: string;
  readonly organization?: string;
}

/** Name: one single-attribute RDN per field, UTF8String values (openssl's default string_mask). */
export function derName(n: DistinguishedName): Uint8Array {
  const rdn = (oid: string, value: string): Uint8Array =>
    derEncode(
      DerTag.SET,
      derEncode(
        DerTag.SEQUENCE,
        derOid(oid),
        derEncode(UTF8_STRING, new TextEncoder().encode(value)),
      ),
    );
  if (n.commonName.length === 0 || n.commonName.length > 64)
    throw new RangeError('X.509: commonName must be 1–64 characters'); // RFC 5280 ub-common-name
  const rdns = [rdn(Oid.commonName, n.commonName)];
  if (n.organization !== undefined) rdns.push(rdn(Oid.organizationName, n.organization));
  return derEncode(DerTag.SEQUENCE, ...rdns);
}

const TRUE = derEncode(DerTag.BOOLEAN, Uint8Array.of(0xff));

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
export function derExtension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  const parts = [derOid(oid), ...(critical ? [TRUE] : []), derEncode(DerTag.OCTET_STRING, value)];
  return derEncode(DerTag.SEQUENCE, ...parts);
}

/** subjectKeyIdentifier = keyid (openssl `hash`: SHA-1 of the subjectPublicKey bits). */
export const skiExtension = (keyId: Uint8Array): Uint8Array =>
  derExtension(Oid.subjectKeyIdentifier, false, derEncode(DerTag.OCTET_STRING, keyId));

/** authorityKeyIdentifier = keyid only (openssl `keyid:always` with a keyid present). */
export const akiExtension = (issuerKeyId: Uint8Array): Uint8Array =>
  derExtension(
    Oid.authorityKeyIdentifier,
    false,
    derEncode(DerTag.SEQUENCE, derEncode(CONTEXT_0_PRIMITIVE, issuerKeyId)),
  );

/** basicConstraints: `critical,CA:true` for the CA, `CA:FALSE` (an empty SEQUENCE, DER default) for the leaf. */
export const basicConstraintsExtension = (ca: boolean): Uint8Array =>
  ca
    ? derExtension(Oid.basicConstraints, true, derEncode(DerTag.SEQUENCE, TRUE))
    : derExtension(Oid.basicConstraints, false, derEncode(DerTag.SEQUENCE));

/** keyUsage = digitalSignature (bit 0), nonRepudiation (1), keyAgreement (4): 03 02 03 c8. */
export const serverKeyUsageExtension = (): Uint8Array =>
  // DER named bit string: trailing zero bits dropped, so 5 bits used and 3 unused.
  derExtension(Oid.keyUsage, false, derEncode(DerTag.BIT_STRING, Uint8Array.of(3, 0b1100_1000)));

/** extendedKeyUsage = serverAuth. */
export const serverAuthExtension = (): Uint8Array =>
  derExtension(Oid.extKeyUsage, false, derEncode(DerTag.SEQUENCE, derOid(Oid.serverAuth)));

/** The fields of a TBSCertificate (always v3, Ed25519/Ed448 signature, extensions present). */
export interface TbsCertificateFields {
  readonly serial: Uint8Array;
  readonly signatureAlgorithm: SignAlgorithm;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: PublicKey;
  readonly extensions: readonly Uint8Array[];
}

/** DER TBSCertificate (RFC 5280 §4.1): the bytes the issuer signs. */
export function encodeTbsCertificate(f: TbsCertificateFields): Uint8Array {
  return derEncode(
    DerTag.SEQUENCE,
    derEncode(DerTag.CONTEXT_0, derEncode(DerTag.INTEGER, Uint8Array.of(2))), // version v3
    derUnsignedInteger(f.serial),
    encodeSignAlgorithmId(f.signatureAlgorithm),
    derName(f.issuer),
    derEncode(DerTag.SEQUENCE, derTime(f.notBefore), derTime(f.notAfter)),
    derName(f.subject),
    encodePubKeyDer(f.publicKey),
    derEncode(DerTag.CONTEXT_3, derEncode(DerTag.SEQUENCE, ...f.extensions)),
  );
}

/** DER Certificate = SEQUENCE { tbsCertificate, signatureAlgorithm, signature BIT STRING }. */
export function encodeCertificate(
  tbs: Uint8Array,
  alg: SignAlgorithm,
  signature: Uint8Array,
): Uint8Array {
  return derEncode(
    DerTag.SEQUENCE,
    tbs,
    encodeSignAlgorithmId(alg),
    derEncode(DerTag.BIT_STRING, Uint8Array.of(0), signature),
  );
}
