// Certificate chain + signed key (spec smp.md §1.7, §1.8), as sent in the server hello and in `PKEY`:
// count ≥ 1 || lb(cert DER)… || lb(signedKey DER). Upstream `Transport.hs: CertChainPubKey`,
// `Crypto.hs: encodeCertChain, certChainP, SignedObject`. Structure only: X.509 checks live in crypto/.
import type { Decoder } from '../encoding/decoder.ts';
import type { Writer } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';

/** A TLS certificate chain (DER, leaf first) and the X.509 signed session key (DER, §1.7). */
export interface CertChainPubKey {
  readonly certChain: readonly Uint8Array[];
  readonly signedKey: Uint8Array;
}

/**
 * True if `der` is exactly one DER SEQUENCE with a minimal definite length. Upstream decodes every
 * blob as X.509 (`decodeCertificateChain`, `decodeSignedObject`); this is the structural part of that.
 */
export function isDerSequence(der: Uint8Array): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const l0 = der[1] as number;
  if (l0 < 0x80) return der.length === 2 + l0;
  const n = l0 & 0x7f;
  if (n === 0 || n > 3 || der.length < 2 + n || der[2] === 0) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (der[2 + i] as number);
  if (len < 0x80) return false; // long form for a short length is not DER
  return der.length === 2 + n + len;
}

/** Writes the chain and the signed key (upstream `smpEncode CertChainPubKey`). */
export function encodeCertChainPubKey(w: Writer, c: CertChainPubKey): void {
  if (c.certChain.length === 0) throw new RangeError('certificate chain must not be empty');
  w.list(c.certChain, (w2, cert) => w2.large(cert));
  w.large(c.signedKey);
}

/** Reads the chain and the signed key; every blob must be one DER SEQUENCE. */
export function decodeCertChainPubKey(d: Decoder): CertChainPubKey {
  const certChain = d.nonEmpty((d2) => derBlob(d2, 'certificate'));
  const signedKey = derBlob(d, 'signed key');
  return { certChain, signedKey };
}

function derBlob(d: Decoder, what: string): Uint8Array {
  const at = d.offset;
  const b = d.large();
  if (!isDerSequence(b)) throw new ParseError(`${what} is not a DER SEQUENCE`, at);
  return b;
}
