// Key encodings (spec smp.md §1.6): public keys travel as DER SubjectPublicKeyInfo (RFC 8410, no
// parameters) inside a short string; private keys are stored as PKCS#8 v1 DER. Upstream
// `Crypto.hs: encodePubKey, decodePubKey, encodePrivKey, decodePrivKey` (via the x509 library).
// RFC 8410 encodings have a fixed prefix per algorithm, so decoding is a prefix + length check,
// which also rejects non-canonical DER and trailing bytes.
import type { Decoder } from '../encoding/decoder.ts';
import type { Writer } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';

/** The four curve algorithms SimpleX uses. */
export const KeyAlgorithm = {
  ed25519: 'ed25519',
  ed448: 'ed448',
  x25519: 'x25519',
  x448: 'x448',
} as const;
export type KeyAlgorithm = (typeof KeyAlgorithm)[keyof typeof KeyAlgorithm];

/** A public key: algorithm + raw key bytes. */
export interface PublicKey {
  readonly alg: KeyAlgorithm;
  readonly raw: Uint8Array;
}

/** A private key: algorithm + raw private bytes (seed / scalar). */
export interface PrivateKey {
  readonly alg: KeyAlgorithm;
  readonly raw: Uint8Array;
}

/** A key pair of one algorithm. */
export interface KeyPair {
  readonly pub: PublicKey;
  readonly priv: PrivateKey;
}

/** Signature algorithms (certificates, Ed* auth keys). */
export type SignAlgorithm = 'ed25519' | 'ed448';
/** DH algorithms. */
export type DhAlgorithm = 'x25519' | 'x448';

/** OID last byte (1.3.101.x): 112 Ed25519, 113 Ed448, 110 X25519, 111 X448. */
const OID: Record<KeyAlgorithm, number> = { ed25519: 0x70, ed448: 0x71, x25519: 0x6e, x448: 0x6f };
/** Raw key length per algorithm (public and private are equal for these curves). */
export const KEY_LENGTH: Record<KeyAlgorithm, number> = {
  ed25519: 32,
  ed448: 57,
  x25519: 32,
  x448: 56,
};
/** Signature length per signature algorithm. */
export const SIGNATURE_LENGTH: Record<SignAlgorithm, number> = { ed25519: 64, ed448: 114 };

const ALGS = Object.keys(OID) as KeyAlgorithm[];

// SPKI = 30 L1 30 05 06 03 2b 65 <oid> 03 L2 00 <raw>, L2 = n + 1, L1 = n + 10.
const spkiPrefix = (alg: KeyAlgorithm): Uint8Array => {
  const n = KEY_LENGTH[alg];
  return Uint8Array.of(
    0x30,
    n + 10,
    0x30,
    0x05,
    0x06,
    0x03,
    0x2b,
    0x65,
    OID[alg],
    0x03,
    n + 1,
    0x00,
  );
};
// PKCS8 v1 = 30 L1 02 01 00 30 05 06 03 2b 65 <oid> 04 L2 04 n <raw>, L2 = n + 2, L1 = n + 14.
const pkcs8Prefix = (alg: KeyAlgorithm): Uint8Array => {
  const n = KEY_LENGTH[alg];
  return Uint8Array.of(
    0x30,
    n + 14,
    0x02,
    0x01,
    0x00,
    0x30,
    0x05,
    0x06,
    0x03,
    0x2b,
    0x65,
    OID[alg],
    0x04,
    n + 2,
    0x04,
    n,
  );
};
const SPKI_PREFIX = Object.fromEntries(ALGS.map((a) => [a, spkiPrefix(a)])) as Record<
  KeyAlgorithm,
  Uint8Array
>;
const PKCS8_PREFIX = Object.fromEntries(ALGS.map((a) => [a, pkcs8Prefix(a)])) as Record<
  KeyAlgorithm,
  Uint8Array
>;

const startsWith = (b: Uint8Array, p: Uint8Array): boolean => {
  if (b.length < p.length) return false;
  for (let i = 0; i < p.length; i++) if (b[i] !== p[i]) return false;
  return true;
};

const checkRaw = (alg: KeyAlgorithm, raw: Uint8Array): void => {
  if (raw.length !== KEY_LENGTH[alg])
    throw new RangeError(`${alg} key must be ${KEY_LENGTH[alg]} bytes`);
};

/** Builds a PublicKey, checking the raw length. */
export function publicKey(alg: KeyAlgorithm, raw: Uint8Array): PublicKey {
  checkRaw(alg, raw);
  return { alg, raw };
}

/** Builds a PrivateKey, checking the raw length. */
export function privateKey(alg: KeyAlgorithm, raw: Uint8Array): PrivateKey {
  checkRaw(alg, raw);
  return { alg, raw };
}

// Both DER forms are a fixed per-algorithm prefix followed by the raw key.
const withPrefix = (
  prefixes: Record<KeyAlgorithm, Uint8Array>,
  k: { alg: KeyAlgorithm; raw: Uint8Array },
): Uint8Array => {
  checkRaw(k.alg, k.raw);
  const p = prefixes[k.alg];
  const out = new Uint8Array(p.length + k.raw.length);
  out.set(p);
  out.set(k.raw, p.length);
  return out;
};

const withoutPrefix = (
  prefixes: Record<KeyAlgorithm, Uint8Array>,
  der: Uint8Array,
  what: string,
) => {
  for (const alg of ALGS) {
    const p = prefixes[alg];
    if (der.length === p.length + KEY_LENGTH[alg] && startsWith(der, p))
      return { alg, raw: der.slice(p.length) };
  }
  throw new ParseError(`unsupported or malformed ${what}`);
};

/** DER SubjectPublicKeyInfo of a public key. */
export function encodePubKeyDer(k: PublicKey): Uint8Array {
  return withPrefix(SPKI_PREFIX, k);
}

/** Parses a DER SPKI of one of the four algorithms; anything else is a ParseError. */
export function decodePubKeyDer(der: Uint8Array): PublicKey {
  return withoutPrefix(SPKI_PREFIX, der, 'public key');
}

/** DER PKCS#8 v1 of a private key. */
export function encodePrivKeyDer(k: PrivateKey): Uint8Array {
  return withPrefix(PKCS8_PREFIX, k);
}

/** Parses a DER PKCS#8 v1 private key of one of the four algorithms. */
export function decodePrivKeyDer(der: Uint8Array): PrivateKey {
  return withoutPrefix(PKCS8_PREFIX, der, 'private key');
}

/** Writes `sb(spki(k))`, the wire form of a key field. */
export function encodePubKey(w: Writer, k: PublicKey): void {
  w.bytes(encodePubKeyDer(k));
}

/** Reads `sb(spki)`, accepting any of the four algorithms. */
export function decodePubKey(d: Decoder): PublicKey {
  const at = d.offset;
  const der = d.bytes();
  try {
    return decodePubKeyDer(der);
  } catch (e) {
    throw new ParseError('bad public key', at, { cause: e });
  }
}

/** Reads `sb(spki)` and requires one of `algs` (e.g. X25519 only for DH keys). */
export function decodePubKeyOf<A extends KeyAlgorithm>(
  d: Decoder,
  algs: readonly A[],
): PublicKey & { alg: A } {
  const at = d.offset;
  const k = decodePubKey(d);
  if (!(algs as readonly KeyAlgorithm[]).includes(k.alg))
    throw new ParseError(`expected ${algs.join('/')} key`, at);
  return k as PublicKey & { alg: A };
}

/** Algorithms that may authorize commands: signatures (Ed*) or the X25519 authenticator (§1.6). */
export const AUTH_ALGORITHMS = ['ed25519', 'ed448', 'x25519'] as const;
export type AuthAlgorithm = (typeof AUTH_ALGORITHMS)[number];

/** Reads an auth key field: Ed25519, Ed448 or X25519 (upstream `APublicAuthKey`). */
export function decodeAuthKey(d: Decoder): PublicKey & { alg: AuthAlgorithm } {
  return decodePubKeyOf(d, AUTH_ALGORITHMS);
}

/** Reads a DH key field: X25519 only (upstream `PublicKeyX25519`). */
export function decodeDhKey(d: Decoder): PublicKey & { alg: 'x25519' } {
  return decodePubKeyOf(d, ['x25519'] as const);
}

/** The signature algorithm implied by a signature's length (upstream `decodeSignature`). */
export function signatureAlgorithm(sig: Uint8Array): SignAlgorithm | undefined {
  if (sig.length === SIGNATURE_LENGTH.ed25519) return 'ed25519';
  if (sig.length === SIGNATURE_LENGTH.ed448) return 'ed448';
  return undefined;
}
