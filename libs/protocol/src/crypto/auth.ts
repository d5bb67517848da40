// The X25519 command authenticator, spec smp.md §2.6 and §6.4. Upstream `Crypto.hs:
// cbAuthenticate`, `cbVerify`, `cbAuthenticatorSize`: crypto_box(DH(peer, own), nonce,
// SHA-512(authorized)) without padding = 16-byte tag + 64 bytes.
import { constantTimeEqual } from './bytes.ts';
import { cbDecryptNoPad, cbEncryptNoPad, dhSecret } from './box.ts';
import type { PrivateKey, PublicKey } from './keys.ts';
import type { CryptoProvider } from './provider.ts';

/** Size of an authenticator (upstream `cbAuthenticatorSize`). */
export const CB_AUTHENTICATOR_SIZE = 80;

/** Authenticator over `authorized` for the X25519 key pair (peer public, own private) and nonce. */
export function cbAuthenticate(
  c: CryptoProvider,
  peerPub: PublicKey,
  ownPriv: PrivateKey,
  nonce: Uint8Array,
  authorized: Uint8Array,
): Uint8Array {
  if (peerPub.alg !== 'x25519' || ownPriv.alg !== 'x25519')
    throw new TypeError('cbAuthenticate needs X25519 keys');
  return cbEncryptNoPad(c, dhSecret(c, peerPub, ownPriv), nonce, c.sha512(authorized));
}

/** True iff `authenticator` is valid for `authorized`; never throws (any bad input is false). */
export function cbVerify(
  c: CryptoProvider,
  peerPub: PublicKey,
  ownPriv: PrivateKey,
  nonce: Uint8Array,
  authenticator: Uint8Array,
  authorized: Uint8Array,
): boolean {
  try {
    if (peerPub.alg !== 'x25519' || ownPriv.alg !== 'x25519' || nonce.length !== 24) return false;
    const hash = cbDecryptNoPad(c, dhSecret(c, peerPub, ownPriv), nonce, authenticator);
    // Why: constant-time comparison of the decrypted hash (upstream compares after a constant-time
    // tag check; the tag already binds it, this keeps the second comparison side-channel free too).
    return constantTimeEqual(hash, c.sha512(authorized));
  } catch {
    // Why: attacker-controlled keys (low-order points, wrong lengths) must yield AUTH, not a crash.
    return false;
  }
}
