// crypto_box nonces, spec smp.md §2.3. Upstream `Crypto.hs: cbNonce`, `reverseNonce`
// (the prose spec's "corrId + 1" for proxied responses is, in code, the reversed nonce).

/** Nonce length of XSalsa20 (upstream `CbNonce`). */
export const NONCE_LENGTH = 24;

/** 24-byte nonce from any bytes: the input itself if 24 long, else truncated or zero-padded copy. */
export function cbNonce(bytes: Uint8Array): Uint8Array {
  if (bytes.length === NONCE_LENGTH) return bytes;
  if (bytes.length > NONCE_LENGTH) return bytes.slice(0, NONCE_LENGTH);
  const out = new Uint8Array(NONCE_LENGTH);
  out.set(bytes);
  return out;
}

/** The 24 nonce bytes in reverse order (the response direction of proxied commands, §7.11). */
export function reverseNonce(nonce: Uint8Array): Uint8Array {
  if (nonce.length !== NONCE_LENGTH) throw new RangeError(`nonce must be ${NONCE_LENGTH} bytes`);
  return nonce.slice().reverse();
}
