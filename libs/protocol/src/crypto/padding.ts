// Length-prefixed '#' padding, spec smp.md §1.5. Upstream `Crypto.hs: pad`, `unPad`, `maxMsgLen`
// (and `padMaxLenBS`, which is `pad` with the padded length fixed by a type).
// Failures are CryptoError, as upstream returns `CryptoLargeMsgError` / `CryptoInvalidMsgError`
// (both constructors of `Crypto.hs: CryptoError`), not a parse error.
import { CryptoError } from '../errors.ts';

/** Largest message `pad` accepts: 65533 bytes (upstream `maxMsgLen = 2^16 - 3`). */
export const MAX_PAD_MSG_LEN = 65533;

const HASH = 0x23; // '#'

/** Word16 BE length || msg || '#' * (paddedLen - len - 2); CryptoError if it does not fit. */
export function pad(msg: Uint8Array, paddedLen: number): Uint8Array {
  const len = msg.length;
  if (len > MAX_PAD_MSG_LEN || paddedLen - len - 2 < 0) {
    throw new CryptoError(
      `pad: message of ${len} bytes does not fit ${paddedLen} (CryptoLargeMsgError)`,
    );
  }
  // One allocation of the final size; this runs per 16 KB block.
  const out = new Uint8Array(paddedLen);
  out[0] = len >>> 8;
  out[1] = len & 0xff;
  out.set(msg, 2);
  // Why: the pad bytes are fixed ('#'), never uninitialised or random, so padded blocks leak nothing.
  out.fill(HASH, 2 + len);
  return out;
}

/** The `n` bytes after the Word16 length `n` (a subarray, no copy); pad bytes are not checked. */
export function unPad(padded: Uint8Array): Uint8Array {
  if (padded.length < 2)
    throw new CryptoError('unPad: shorter than 2 bytes (CryptoInvalidMsgError)');
  const len = ((padded[0] as number) << 8) | (padded[1] as number);
  // Upstream requires only that enough bytes follow; the padding content is not verified.
  if (padded.length - 2 < len)
    throw new CryptoError('unPad: length exceeds data (CryptoInvalidMsgError)');
  return padded.subarray(2, 2 + len);
}
