// The X.509 "signed key" object, spec smp.md §1.7 (server hello DH key, `PKEY`). Upstream
// `Crypto.hs: signX509`, `verifyX509` over the x509 library's `objectToSignedExact` /
// `decodeSignedObject`: SEQUENCE { objRaw = SEQUENCE { SPKI }, AlgorithmIdentifier, BIT STRING sig },
// and the signature covers the whole objRaw TLV (46 bytes for an X25519 key), not the bare SPKI.
import { ParseError } from '../errors.ts';
import { DerReader, DerTag, derBitStringBytes, derContents, derEncode } from './der.ts';
import { SIGNATURE_LENGTH, decodePubKeyDer, encodePubKeyDer } from './keys.ts';
import type { PrivateKey, PublicKey, SignAlgorithm } from './keys.ts';
import type { CryptoProvider } from './provider.ts';
import { sign, verify } from './sign.ts';
import { decodeSignAlgorithmId, encodeSignAlgorithmId } from './x509.ts';

/** A decoded signed key; `objRaw` is the exact signed byte range of the input. */
export interface SignedKey {
  readonly objRaw: Uint8Array;
  readonly key: PublicKey;
  readonly alg: SignAlgorithm;
  readonly signature: Uint8Array;
}

/** DER of `pub` signed by `signPriv` (Ed25519 or Ed448), byte-compatible with upstream `signX509`. */
export function signX509Key(c: CryptoProvider, signPriv: PrivateKey, pub: PublicKey): Uint8Array {
  if (signPriv.alg !== 'ed25519' && signPriv.alg !== 'ed448')
    throw new TypeError(`${signPriv.alg} keys cannot sign`);
  // The x509 library wraps the object's ASN.1 in one more SEQUENCE before signing (see header).
  const objRaw = derEncode(DerTag.SEQUENCE, encodePubKeyDer(pub));
  const sig = sign(c, signPriv, objRaw);
  return derEncode(
    DerTag.SEQUENCE,
    objRaw,
    encodeSignAlgorithmId(signPriv.alg),
    derEncode(DerTag.BIT_STRING, Uint8Array.of(0), sig),
  );
}

/** Parses a signed key strictly (Ed* algorithm, matching signature length, no trailing bytes). */
export function decodeSignedKey(der: Uint8Array): SignedKey {
  const top = new DerReader(der);
  const seq = top.enter(DerTag.SEQUENCE, 'signed object');
  top.assertEnd('signed object');
  const objTlv = seq.expect(DerTag.SEQUENCE, 'signed data');
  const obj = derContents(objTlv);
  const spki = obj.expect(DerTag.SEQUENCE, 'SubjectPublicKeyInfo');
  obj.assertEnd('signed data');
  let key: PublicKey;
  try {
    key = decodePubKeyDer(spki.raw);
  } catch (e) {
    throw new ParseError('signed key: unsupported public key', spki.offset, { cause: e });
  }
  const alg = decodeSignAlgorithmId(seq);
  const sigTlv = seq.expect(DerTag.BIT_STRING, 'signature');
  seq.assertEnd('signed object');
  const signature = derBitStringBytes(sigTlv);
  // Upstream `decodeSignature` would refuse this length for the declared algorithm at verify time.
  if (signature.length !== SIGNATURE_LENGTH[alg])
    throw new ParseError('signed key: bad signature length', sigTlv.offset);
  return { objRaw: objTlv.raw, key, alg, signature };
}

/** True iff `signed` was signed by `signerPub` (algorithms must match; never throws). */
export function verifySignedKey(
  c: CryptoProvider,
  signerPub: PublicKey,
  signed: SignedKey,
): boolean {
  return signerPub.alg === signed.alg && verify(c, signerPub, signed.signature, signed.objRaw);
}
