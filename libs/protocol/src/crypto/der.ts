// Minimal strict DER (X.690 §10) reader and writer for the X.509 pieces of spec smp.md §1.7 and
// §3.2. Upstream parses with the Haskell `asn1-encoding` (`DER`) and `x509` packages
// (`Data.X509.decodeSignedObject`); this reader accepts only canonical DER: single-byte tags,
// definite minimal lengths, no trailing bytes. Every failure is a ParseError with an offset.
import { ParseError } from '../errors.ts';

/** Universal tags and the context tags X.509 uses. */
export const DerTag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0x81,
  CONTEXT_2: 0x82,
  CONTEXT_3: 0xa3,
} as const;

/** One TLV: its tag, value bytes and whole encoding (subarrays of the input, no copies). */
export interface DerTlv {
  readonly tag: number;
  /** Absolute offset of the tag byte in the outermost input. */
  readonly offset: number;
  readonly value: Uint8Array;
  readonly raw: Uint8Array;
}

/** Cursor over a sequence of DER TLVs. */
export class DerReader {
  private pos = 0;

  /** `base` is the absolute offset of `buf[0]`, so nested readers report input offsets. */
  constructor(
    readonly buf: Uint8Array,
    private readonly base = 0,
  ) {}

  /** True when every byte was consumed. */
  get atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  /** The next tag byte without consuming it, or -1 at the end. */
  peekTag(): number {
    return this.atEnd ? -1 : (this.buf[this.pos] as number);
  }

  private fail(msg: string, at = this.pos): never {
    throw new ParseError(`DER: ${msg}`, this.base + at);
  }

  /** Reads one TLV of any tag. */
  next(): DerTlv {
    const start = this.pos;
    const buf = this.buf;
    if (start >= buf.length) this.fail('unexpected end of input');
    const tag = buf[start] as number;
    // Why: high-tag-number form never occurs in X.509; refusing it keeps tags one byte.
    if ((tag & 0x1f) === 0x1f) this.fail('multi-byte tag');
    let p = start + 1;
    if (p >= buf.length) this.fail('missing length');
    const first = buf[p++] as number;
    let len = first;
    if (first === 0x80) this.fail('indefinite length');
    if (first > 0x80) {
      const n = first & 0x7f;
      if (n > 3) this.fail('length too large');
      if (p + n > buf.length) this.fail('truncated length');
      if (buf[p] === 0) this.fail('non-minimal length (leading zero)');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + (buf[p++] as number);
      if (len < 0x80) this.fail('non-minimal length (short form fits)');
    }
    if (len > buf.length - p) this.fail(`length ${len} exceeds input`, start);
    this.pos = p + len;
    return {
      tag,
      offset: this.base + start,
      value: buf.subarray(p, p + len),
      raw: buf.subarray(start, p + len),
    };
  }

  /** Reads one TLV and requires its tag. */
  expect(tag: number, what: string): DerTlv {
    const t = this.peekTag();
    if (t !== tag) {
      const got = t < 0 ? 'end of input' : `tag 0x${t.toString(16)}`;
      this.fail(`expected ${what} (tag 0x${tag.toString(16)}), got ${got}`);
    }
    return this.next();
  }

  /** Reads a constructed TLV of `tag` and returns a reader over its contents. */
  enter(tag: number, what: string): DerReader {
    return derContents(this.expect(tag, what));
  }

  /** Reads the TLV if it has `tag`, else undefined. */
  optional(tag: number): DerTlv | undefined {
    return this.peekTag() === tag ? this.next() : undefined;
  }

  /** Fails unless all input was consumed. */
  assertEnd(what: string): void {
    if (!this.atEnd) this.fail(`trailing bytes after ${what}`);
  }
}

/** A reader over the contents of a TLV, reporting absolute offsets. */
export function derContents(t: DerTlv): DerReader {
  return new DerReader(t.value, t.offset + (t.raw.length - t.value.length));
}

/** Parses exactly one TLV spanning the whole input. */
export function derDecodeOne(der: Uint8Array, what: string): DerTlv {
  const r = new DerReader(der);
  const t = r.next();
  r.assertEnd(what);
  return t;
}

/** A DER BOOLEAN value: only 0x00 and 0xff are canonical. */
export function derBoolean(t: DerTlv): boolean {
  if (t.tag !== DerTag.BOOLEAN || t.value.length !== 1)
    throw new ParseError('DER: bad BOOLEAN', t.offset);
  if (t.value[0] === 0xff) return true;
  if (t.value[0] === 0x00) return false;
  throw new ParseError('DER: non-canonical BOOLEAN', t.offset);
}

/** A DER INTEGER as its minimal two's-complement bytes (checked minimal, non-empty). */
export function derIntegerBytes(t: DerTlv): Uint8Array {
  const v = t.value;
  if (t.tag !== DerTag.INTEGER || v.length === 0)
    throw new ParseError('DER: bad INTEGER', t.offset);
  if (v.length > 1) {
    const a = v[0] as number;
    const b = v[1] as number;
    if ((a === 0x00 && b < 0x80) || (a === 0xff && b >= 0x80)) {
      throw new ParseError('DER: non-minimal INTEGER', t.offset);
    }
  }
  return v;
}

/** A small non-negative DER INTEGER (up to 2^31 - 1). */
export function derSmallUint(t: DerTlv): number {
  const v = derIntegerBytes(t);
  if (((v[0] as number) & 0x80) !== 0 || v.length > 4)
    throw new ParseError('DER: INTEGER out of range', t.offset);
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/** BIT STRING content with zero unused bits (signatures and keys are whole bytes). */
export function derBitStringBytes(t: DerTlv): Uint8Array {
  if (t.tag !== DerTag.BIT_STRING || t.value.length === 0)
    throw new ParseError('DER: bad BIT STRING', t.offset);
  if (t.value[0] !== 0) throw new ParseError('DER: BIT STRING with unused bits', t.offset);
  return t.value.subarray(1);
}

/** Encodes a DER length. */
function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  if (n < 0x100) return Uint8Array.of(0x81, n);
  if (n < 0x10000) return Uint8Array.of(0x82, n >>> 8, n & 0xff);
  if (n < 0x1000000) return Uint8Array.of(0x83, n >>> 16, (n >>> 8) & 0xff, n & 0xff);
  throw new RangeError('DER: value too long');
}

/** Encodes one TLV whose value is the concatenation of `parts`. */
export function derEncode(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const len = encodeLength(n);
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  let at = 1 + len.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
