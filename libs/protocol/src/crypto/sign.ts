// Signatures and key generation, spec smp.md §1.6. Upstream `Crypto.hs: sign'`, `verify'`,
// `verify` (algorithm equality via `testEquality`), `generateKeyPair`.
import { KEY_LENGTH, SIGNATURE_LENGTH } from './keys.ts';
import type { KeyAlgorithm, KeyPair, PrivateKey, PublicKey, SignAlgorithm } from './keys.ts';
import type { CryptoProvider, DhScheme, SignatureScheme } from './provider.ts';

const isSignAlg = (alg: KeyAlgorithm): alg is SignAlgorithm => alg === 'ed25519' || alg === 'ed448';

/** The provider's scheme for a key algorithm. */
function scheme(c: CryptoProvider, alg: KeyAlgorithm): SignatureScheme | DhScheme {
  switch (alg) {
    case 'ed25519':
      return c.ed25519;
    case 'ed448':
      return c.ed448;
    case 'x25519':
      return c.x25519;
    case 'x448':
      return c.x448;
    default:
      throw new TypeError(`unknown key algorithm ${String(alg)}`);
  }
}

/** Signs `msg` with an Ed25519 or Ed448 private key (deterministic, RFC 8032 pure EdDSA). */
export function sign(c: CryptoProvider, priv: PrivateKey, msg: Uint8Array): Uint8Array {
  if (priv.alg === 'ed25519') return c.ed25519.sign(priv.raw, msg);
  if (priv.alg === 'ed448') return c.ed448.sign(priv.raw, msg);
  throw new TypeError(`${priv.alg} keys cannot sign`);
}

/** True iff `sig` is a valid signature of `msg` by `pub`; false (never throws) for any mismatch. */
export function verify(
  c: CryptoProvider,
  pub: PublicKey,
  sig: Uint8Array,
  msg: Uint8Array,
): boolean {
  if (!isSignAlg(pub.alg)) return false;
  // Why: the signature length must match the key's algorithm (upstream `decodeSignature` picks the
  // algorithm from the length and `verify` then requires it to equal the key's).
  if (sig.length !== SIGNATURE_LENGTH[pub.alg] || pub.raw.length !== KEY_LENGTH[pub.alg])
    return false;
  return (pub.alg === 'ed25519' ? c.ed25519 : c.ed448).verify(pub.raw, msg, sig);
}

/** A fresh key pair of any of the four algorithms. */
export function generateKeyPair(c: CryptoProvider, alg: KeyAlgorithm): KeyPair {
  const kp = scheme(c, alg).generateKeyPair();
  return { pub: { alg, raw: kp.pub }, priv: { alg, raw: kp.priv } };
}

/** The public key of a private key (any algorithm). */
export function publicKeyOf(c: CryptoProvider, priv: PrivateKey): PublicKey {
  return { alg: priv.alg, raw: scheme(c, priv.alg).publicFromPrivate(priv.raw) };
}
