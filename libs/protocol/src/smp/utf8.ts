// UTF-8 for the few text fields of SMP (spec smp.md §7.12 `STORE`, §7.3 `INFO` JSON): upstream
// `Data.Text.Encoding: encodeUtf8` and `Util.hs: safeDecodeUtf8` (invalid bytes become '?').
// Written here because the library targets plain ES2022 (no TextEncoder/TextDecoder types).

/** UTF-8 bytes of a string; lone surrogates become U+FFFD, as WHATWG TextEncoder does. */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else
      out.push(
        0xf0 | (c >> 18),
        0x80 | ((c >> 12) & 0x3f),
        0x80 | ((c >> 6) & 0x3f),
        0x80 | (c & 0x3f),
      );
  }
  return Uint8Array.from(out);
}

/** Lenient UTF-8 decoding: each byte of an invalid sequence becomes '?' (upstream `safeDecodeUtf8`). */
export function utf8DecodeLossy(b: Uint8Array): string {
  return utf8Decode(b, true) as string;
}

/** Strict UTF-8 decoding; undefined on any invalid, overlong or surrogate sequence. */
export function utf8DecodeStrict(b: Uint8Array): string | undefined {
  return utf8Decode(b, false);
}

function utf8Decode(b: Uint8Array, lossy: boolean): string | undefined {
  let s = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let n = 0;
    let cp = 0;
    let min = 0;
    if (c < 0x80) {
      s += String.fromCharCode(c);
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, cp, min] = [1, c & 0x1f, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, cp, min] = [2, c & 0x0f, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, cp, min] = [3, c & 0x07, 0x10000];
    let ok = n > 0 && i + n < b.length;
    for (let k = 1; ok && k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (cc & 0x3f);
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (!ok) {
      if (!lossy) return undefined;
      s += '?';
      i++;
      continue;
    }
    s += String.fromCodePoint(cp);
    i += n + 1;
  }
  return s;
}
