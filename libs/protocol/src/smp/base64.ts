// Base64 text forms (spec smp.md §1.9): base64url with `=` padding for binary strings in addresses
// (upstream `Encoding/String.hs: StrEncoding ByteString`, `base64urlP`, base64-bytestring `URL.decode`)
// and standard base64 for message IDs inside the `INFO` JSON (`Server.hs: getQueueInfo`).
import { ParseError } from '../errors.ts';

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const reverse = (alphabet: string): Int16Array => {
  const t = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
};
const URL_REV = reverse(URL_ALPHABET);
const STD_REV = reverse(STD_ALPHABET);

function encodeWith(b: Uint8Array, alphabet: string): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = ((b[i] as number) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    const left = b.length - i;
    s += alphabet[(n >> 18) & 63] as string;
    s += alphabet[(n >> 12) & 63] as string;
    s += left > 1 ? (alphabet[(n >> 6) & 63] as string) : '=';
    s += left > 2 ? (alphabet[n & 63] as string) : '=';
  }
  return s;
}

// Padding is optional, but when present it must complete the last quantum; the unused low bits of
// the last character must be zero, so every byte string has exactly one accepted spelling
// (up to padding).
function decodeWith(s: string, rev: Int16Array, what: string): Uint8Array {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x3d) end--;
  const pad = s.length - end;
  if (pad > 0 && (s.length % 4 !== 0 || pad > 2)) throw new ParseError(`${what}: bad padding`);
  if (end % 4 === 1) throw new ParseError(`${what}: bad length`);
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 256 ? (rev[c] as number) : -1;
    if (v < 0) throw new ParseError(`${what}: invalid character`, i);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new ParseError(`${what}: non-canonical trailing bits`);
  return out;
}

/** base64url with `=` padding (upstream `strEncode` of a ByteString). */
export function encodeBase64Url(b: Uint8Array): string {
  return encodeWith(b, URL_ALPHABET);
}

/** Decodes base64url, padding optional; ParseError on any other character or bad length. */
export function decodeBase64Url(s: string): Uint8Array {
  return decodeWith(s, URL_REV, 'base64url');
}

/** Standard base64 with padding (upstream `Data.ByteString.Base64.encode`). */
export function encodeBase64(b: Uint8Array): string {
  return encodeWith(b, STD_ALPHABET);
}

/** Decodes standard base64, padding optional. */
export function decodeBase64(s: string): Uint8Array {
  return decodeWith(s, STD_REV, 'base64');
}

/**
 * Length of the base64url token at `s[from..]`: a non-empty run of `[A-Za-z0-9_-]` followed by any
 * `=` (upstream `base64urlP`); 0 if there is none.
 */
export function base64UrlTokenLength(s: string, from: number): number {
  let i = from;
  while (i < s.length && s.charCodeAt(i) < 256 && (URL_REV[s.charCodeAt(i)] as number) >= 0) i++;
  if (i === from) return 0;
  while (i < s.length && s.charCodeAt(i) === 0x3d) i++;
  return i - from;
}
