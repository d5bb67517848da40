// Growable binary writer for the SMP encodings of spec smp.md §1 (upstream `Encoding.hs`,
// `smpEncode`). One buffer per message instead of repeated concatenation on hot paths. Encoders
// refuse values the wire cannot carry (over-long short strings), unlike upstream `lenEncode`, which
// silently wraps the length byte.

const ascii = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new RangeError('not a Latin-1 string');
    out[i] = c;
  }
  return out;
};

/** Append-only byte writer; `finish()` returns the written bytes. */
export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** One byte (0..255). */
  byte(b: number): this {
    if (!Number.isInteger(b) || b < 0 || b > 0xff) throw new RangeError(`byte out of range: ${b}`);
    this.ensure(1);
    this.buf[this.len++] = b;
    return this;
  }

  /** Raw bytes, no length prefix. */
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** Latin-1 text as raw bytes (tags, separators). */
  ascii(s: string): this {
    return this.raw(ascii(s));
  }

  /** Word16 big-endian. */
  word16(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff)
      throw new RangeError(`Word16 out of range: ${v}`);
    this.ensure(2);
    this.view.setUint16(this.len, v);
    this.len += 2;
    return this;
  }

  /** Word32 big-endian. */
  word32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new RangeError(`Word32 out of range: ${v}`);
    this.ensure(4);
    this.view.setUint32(this.len, v);
    this.len += 4;
    return this;
  }

  /** Int64 big-endian two's complement. */
  int64(v: bigint): this {
    if (v < -(1n << 63n) || v >= 1n << 63n) throw new RangeError('Int64 out of range');
    this.ensure(8);
    this.view.setBigInt64(this.len, v);
    this.len += 8;
    return this;
  }

  /** Bool as 'T' / 'F'. */
  bool(v: boolean): this {
    return this.byte(v ? 0x54 : 0x46);
  }

  /** Short byte string (≤ 255 bytes). */
  bytes(b: Uint8Array): this {
    if (b.length > 0xff) throw new RangeError(`short string too long: ${b.length}`);
    return this.byte(b.length).raw(b);
  }

  /** Large byte string (≤ 65535 bytes). */
  large(b: Uint8Array): this {
    if (b.length > 0xffff) throw new RangeError(`large string too long: ${b.length}`);
    return this.word16(b.length).raw(b);
  }

  /** Maybe: '0' when undefined, else '1' and the value. */
  maybe<T>(v: T | undefined, item: (w: this, v: T) => unknown): this {
    if (v === undefined) return this.byte(0x30);
    this.byte(0x31);
    item(this, v);
    return this;
  }

  /** List with a count byte (≤ 255 items). */
  list<T>(items: readonly T[], item: (w: this, v: T) => unknown): this {
    if (items.length > 0xff) throw new RangeError(`list too long: ${items.length}`);
    this.byte(items.length);
    for (const v of items) item(this, v);
    return this;
  }

  /** The written bytes (a copy-free view; do not write after calling). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Encodes with a fresh Writer and returns the bytes. */
export function encode(f: (w: Writer) => unknown, initial?: number): Uint8Array {
  const w = new Writer(initial);
  f(w);
  return w.finish();
}

/** Latin-1 string → bytes. */
export function asciiBytes(s: string): Uint8Array {
  return ascii(s);
}

/** Bytes → Latin-1 string. */
export function bytesAscii(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte-wise equality (not constant-time; see crypto for secrets). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
