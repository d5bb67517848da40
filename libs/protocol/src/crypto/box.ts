// SimpleX crypto_box / secret_box, spec smp.md §2.1–§2.2. Upstream `Crypto.hs: dh'`, `cbEncrypt`,
// `cbEncryptNoPad`, `cbDecrypt`, `cbDecryptNoPad`, `sbEncrypt`, `sbEncryptNoPad`, `sbDecrypt`,
// `sbDecryptNoPad`, all over `cryptoBox` / `sbDecryptNoPad_` / `xSalsa20`.
//
// Both variants are one construction: K1 = HSalsa20(K0, zero16), then NaCl secretbox with K1,
// output tag(16) || ciphertext. K0 is the raw X25519 secret (= crypto_box_beforenm) or a 32-byte
// symmetric key; using the symmetric key directly as a secretbox key would break interop.
import { CryptoError } from '../errors.ts';
import type { PrivateKey, PublicKey } from './keys.ts';
import { pad, unPad } from './padding.ts';
import type { CryptoProvider } from './provider.ts';

const ZERO16 = new Uint8Array(16);

/** Raw DH secret of matching X25519 (32 bytes) or X448 (56 bytes) keys; CryptoError if low-order. */
export function dhSecret(c: CryptoProvider, pub: PublicKey, priv: PrivateKey): Uint8Array {
  if (pub.alg !== priv.alg)
    throw new TypeError(`dh: ${pub.alg} public key with ${priv.alg} private key`);
  if (pub.alg === 'x25519') return c.x25519.dh(pub.raw, priv.raw);
  if (pub.alg === 'x448') return c.x448.dh(pub.raw, priv.raw);
  throw new TypeError(`dh: ${pub.alg} is not a DH algorithm`);
}

/** The secretbox key actually used: HSalsa20(k0, zero16) (upstream `xSalsa20` first step). */
export function boxKey(c: CryptoProvider, k0: Uint8Array): Uint8Array {
  if (k0.length !== 32) throw new RangeError('box secret must be 32 bytes');
  return c.hsalsa20(k0, ZERO16);
}

function seal(c: CryptoProvider, k0: Uint8Array, nonce: Uint8Array, msg: Uint8Array): Uint8Array {
  return c.secretboxSeal(boxKey(c, k0), nonce, msg);
}

function open(c: CryptoProvider, k0: Uint8Array, nonce: Uint8Array, boxed: Uint8Array): Uint8Array {
  // Why: one error for short input and bad tag alike (upstream `CBDecryptError`), so the caller
  // cannot tell which check failed.
  const out = boxed.length < 16 ? undefined : c.secretboxOpen(boxKey(c, k0), nonce, boxed);
  if (out === undefined) throw new CryptoError('decryption failed (CBDecryptError)');
  return out;
}

/** crypto_box of `pad(msg, paddedLen)` with an X25519 DH secret; output paddedLen + 16 bytes. */
export function cbEncrypt(
  c: CryptoProvider,
  dhSecret: Uint8Array,
  nonce: Uint8Array,
  msg: Uint8Array,
  paddedLen: number,
): Uint8Array {
  return seal(c, dhSecret, nonce, pad(msg, paddedLen));
}

/** crypto_box of `msg` as is (no padding) with an X25519 DH secret. */
export function cbEncryptNoPad(
  c: CryptoProvider,
  dhSecret: Uint8Array,
  nonce: Uint8Array,
  msg: Uint8Array,
): Uint8Array {
  return seal(c, dhSecret, nonce, msg);
}

/** Opens a padded crypto_box and unpads it; CryptoError on a bad tag, short input or bad padding. */
export function cbDecrypt(
  c: CryptoProvider,
  dhSecret: Uint8Array,
  nonce: Uint8Array,
  boxed: Uint8Array,
): Uint8Array {
  return unPad(open(c, dhSecret, nonce, boxed));
}

/** Opens a crypto_box without unpadding; CryptoError on a bad tag or short input. */
export function cbDecryptNoPad(
  c: CryptoProvider,
  dhSecret: Uint8Array,
  nonce: Uint8Array,
  boxed: Uint8Array,
): Uint8Array {
  return open(c, dhSecret, nonce, boxed);
}

/** SimpleX secret_box of `pad(msg, paddedLen)` with a 32-byte symmetric key (transport blocks, §5.3). */
export function sbEncrypt(
  c: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  msg: Uint8Array,
  paddedLen: number,
): Uint8Array {
  return seal(c, key, nonce, pad(msg, paddedLen));
}

/** SimpleX secret_box of `msg` as is with a 32-byte symmetric key. */
export function sbEncryptNoPad(
  c: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  msg: Uint8Array,
): Uint8Array {
  return seal(c, key, nonce, msg);
}

/** Opens a padded SimpleX secret_box and unpads it; CryptoError on failure. */
export function sbDecrypt(
  c: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  boxed: Uint8Array,
): Uint8Array {
  return unPad(open(c, key, nonce, boxed));
}

/** Opens a SimpleX secret_box without unpadding; CryptoError on failure. */
export function sbDecryptNoPad(
  c: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  boxed: Uint8Array,
): Uint8Array {
  return open(c, key, nonce, boxed);
}
