// The client's check of the server certificate chain (spec smp.md §3.2): the chain maps to
// (leaf, idCert, caCert), SHA-256(idCert DER) must be the address key hash, and the path
// leaf → … → caCert must validate with caCert as the only trust anchor, hostname not checked.
// Mirrors upstream `Transport/Client.hs: validateCertificateChain` and `Transport/Shared.hs:
// chainIdCaCerts, x509validate` (x509-validation `defaultChecks` with `checkFQHN = False`).
import type { TLSSocket } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import {
  HandshakeError,
  ParseError,
  bytesEqual,
  certFingerprint,
  chainIdCaCerts,
  decodeCertificate,
  verifyCertSignature,
} from '@simplex-relay/protocol';
import type { Certificate, CryptoProvider } from '@simplex-relay/protocol';

/** Longest chain worth collecting: 5+ certificates are refused anyway (`CCLong`). */
const MAX_CHAIN = 5;

/**
 * The certificate chain the TLS peer presented, DER, leaf first. Node exposes it only as the
 * `issuerCertificate` links of `getPeerCertificate(true)`, which it builds by issuer-name matching
 * over the certificates the peer sent; the walk stops at a self-issued certificate (its link points
 * to itself) or after 5 certificates.
 */
export function peerCertificateChain(socket: TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let c: PeerCertificate | undefined = socket.getPeerCertificate(true);
  while (c !== undefined && c.raw !== undefined && chain.length < MAX_CHAIN) {
    chain.push(new Uint8Array(c.raw));
    const next: PeerCertificate | undefined = (c as { issuerCertificate?: PeerCertificate })
      .issuerCertificate;
    if (next === undefined || next === c || bytesEqual(next.raw, c.raw)) break;
    c = next;
  }
  return chain;
}

const identityError = (message: string, cause?: unknown): HandshakeError =>
  new HandshakeError('IDENTITY', message, cause === undefined ? undefined : { cause });

/**
 * Validates a server chain for `keyHash` and returns the decoded leaf certificate, whose key must
 * then verify the signed session key (§4.2). Every failure is HandshakeError `IDENTITY` (upstream
 * refuses such a chain inside TLS: `UnknownCA`, `EmptyChain`, `AuthorityTooDeep`, validation errors).
 */
export function validateServerChain(
  c: CryptoProvider,
  chain: readonly Uint8Array[],
  keyHash: Uint8Array,
  now: Date = new Date(),
): Certificate {
  const cc = chainIdCaCerts(chain);
  if (cc.type === 'empty' || cc.type === 'self')
    throw identityError('server certificate chain needs at least 2 certificates');
  if (cc.type === 'long') throw identityError('server certificate chain is too long');
  // keyHash is the server's public identity, not a secret: a plain comparison is fine.
  if (!bytesEqual(certFingerprint(c, cc.idCert), keyHash))
    throw identityError('server identity does not match the address key hash');
  // x509-validation builds the path from the leaf to the trust anchor; with caCert (always the last
  // certificate of a 2–4 chain) as the only store entry, that path is the whole presented chain.
  let certs: Certificate[];
  try {
    certs = chain.map((der) => decodeCertificate(der));
  } catch (e) {
    if (e instanceof ParseError) throw identityError('server certificate does not parse', e);
    throw e;
  }
  const leaf = certs[0] as Certificate;
  // `checkLeafV3`.
  if (leaf.version !== 2) throw identityError('server leaf certificate is not X.509 v3');
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i] as Certificate;
    // `checkTimeValidity`.
    if (now < cert.notBefore || now > cert.notAfter)
      throw identityError(`server certificate ${i} is outside its validity period`);
    if (i === certs.length - 1) break; // the trust anchor's own signature is not checked
    const issuer = certs[i + 1] as Certificate;
    // `checkCAConstraints` + `checkStrictOrdering`-style linking by name, then the signature.
    if (!issuer.isCa) throw identityError(`certificate ${i + 1} of the chain is not a CA`);
    if (!bytesEqual(cert.issuerRaw, issuer.subjectRaw))
      throw identityError(`certificate ${i} is not issued by certificate ${i + 1}`);
    if (!verifyCertSignature(c, cert, issuer.publicKey))
      throw identityError(`certificate ${i} has a bad signature`);
  }
  return leaf;
}
