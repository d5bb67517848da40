// The text form of sizes in file descriptions (spec xftp.md Appendix A6): bytes when not a multiple
// of 1024, else the largest exact unit with `kb`, `mb` or `gb`. Upstream `Description.hs:
// instance StrEncoding (FileSize a)`.
import { FileDescriptionError } from './errors.ts';

/** Largest `FileSize Word32` (chunk sizes). */
export const MAX_WORD32 = 0xffffffff;

const UNITS: readonly (readonly [string, bigint])[] = [
  ['gb', 1024n ** 3n],
  ['mb', 1024n ** 2n],
  ['kb', 1024n],
];

/**
 * Text form of a size (upstream `strEncode (FileSize n)`). Zero has no remainder at any level, so
 * it is written `0gb`, as upstream does.
 */
export function encodeFileSize(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError('size must be a non-negative integer');
  if (n % 1024 !== 0) return String(n);
  const ks = n / 1024;
  if (ks % 1024 !== 0) return `${ks}kb`;
  const ms = ks / 1024;
  if (ms % 1024 !== 0) return `${ms}mb`;
  return `${ms / 1024}gb`;
}

/**
 * Length of the size at `s[from..]`: decimal digits with an optional `gb`/`mb`/`kb` suffix
 * (upstream `strP`: the suffixed forms are tried first), or 0 if there are no digits.
 */
export function fileSizeTokenLength(s: string, from: number): number {
  let i = from;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i === from) return 0;
  const suffix = s.slice(i, i + 2);
  return i - from + (UNITS.some(([u]) => u === suffix) ? 2 : 0);
}

/**
 * Parses a whole size text (upstream `strDecode`). Leading zeros are accepted as upstream's
 * `decimal` does. Values above `max` are rejected, where upstream's fixed-width integers would wrap.
 */
export function parseFileSize(s: string, max: number = Number.MAX_SAFE_INTEGER): number {
  if (s.length === 0 || fileSizeTokenLength(s, 0) !== s.length)
    throw new FileDescriptionError(`bad file size: ${JSON.stringify(s)}`);
  const unit = UNITS.find(([u]) => s.endsWith(u));
  const digits = unit === undefined ? s : s.slice(0, -2);
  const n = BigInt(digits) * (unit?.[1] ?? 1n);
  if (n > BigInt(max)) throw new FileDescriptionError(`file size out of range: ${s}`);
  return Number(n);
}
