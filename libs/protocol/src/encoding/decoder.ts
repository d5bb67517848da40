// Binary decoding cursor for the SMP encodings of spec smp.md §1 (upstream `Encoding.hs`, class
// `Encoding`, `smpP`). Every read checks bounds and throws ParseError, so a decoder fed any input
// throws nothing else. A full-message decode ends with `assertEnd()` (upstream `parseAll`).
import { ParseError } from '../errors.ts';

/** Cursor over a Uint8Array; all multi-byte integers are big-endian. */
export class Decoder {
  private pos = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Current offset from the start of the buffer. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes not yet consumed. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Throws a ParseError at the current offset (for decoders built on this cursor). */
  fail(message: string): never {
    throw new ParseError(message, this.pos);
  }

  /** Exactly `n` raw bytes (a subarray: no copy). */
  take(n: number): Uint8Array {
    if (n > this.remaining) this.fail(`need ${n} bytes, have ${this.remaining}`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** One byte. */
  byte(): number {
    if (this.remaining < 1) this.fail('unexpected end of input');
    return this.buf[this.pos++] as number;
  }

  /** The next byte without consuming it, or -1 at the end. */
  peek(): number {
    return this.remaining > 0 ? (this.buf[this.pos] as number) : -1;
  }

  /** Consumes the expected byte or fails. */
  expectByte(b: number, what = 'byte'): void {
    const got = this.byte();
    if (got !== b) {
      this.pos--;
      this.fail(`expected ${what} 0x${b.toString(16)}, got 0x${got.toString(16)}`);
    }
  }

  /** Consumes the exact ASCII text (e.g. a tag or a separator) or fails. */
  expectAscii(s: string): void {
    if (this.remaining < s.length) this.fail(`expected "${s}"`);
    for (let i = 0; i < s.length; i++) {
      if (this.buf[this.pos + i] !== s.charCodeAt(i)) this.fail(`expected "${s}"`);
    }
    this.pos += s.length;
  }

  /** Word16 big-endian. */
  word16(): number {
    if (this.remaining < 2) this.fail('need 2 bytes for Word16');
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  /** Word32 big-endian. */
  word32(): number {
    if (this.remaining < 4) this.fail('need 4 bytes for Word32');
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  /** Int64 big-endian two's complement (upstream: high Word32 then low Word32). */
  int64(): bigint {
    if (this.remaining < 8) this.fail('need 8 bytes for Int64');
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  /** Bool: 'T' or 'F'; anything else is a parse error. */
  bool(): boolean {
    const b = this.byte();
    if (b === 0x54) return true;
    if (b === 0x46) return false;
    this.pos--;
    return this.fail('bad Bool');
  }

  /** Short byte string: 1 length byte then the bytes. */
  bytes(): Uint8Array {
    return this.take(this.byte());
  }

  /** Large byte string: Word16 length then the bytes. */
  large(): Uint8Array {
    return this.take(this.word16());
  }

  /** Everything to the end of the frame (upstream `Tail`). */
  rest(): Uint8Array {
    return this.take(this.remaining);
  }

  /** Maybe: '0' = absent, '1' then the value. */
  maybe<T>(item: (d: Decoder) => T): T | undefined {
    const b = this.byte();
    if (b === 0x30) return undefined;
    if (b === 0x31) return item(this);
    this.pos--;
    return this.fail('bad Maybe tag');
  }

  /** List: 1 count byte then the items. */
  list<T>(item: (d: Decoder) => T): T[] {
    const n = this.byte();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }

  /** NonEmpty list: as `list`, but a zero count is an error. */
  nonEmpty<T>(item: (d: Decoder) => T): [T, ...T[]] {
    if (this.peek() === 0) this.fail('empty NonEmpty list');
    return this.list(item) as [T, ...T[]];
  }

  /** Runs a parser and rewinds if it throws ParseError (upstream attoparsec backtracking). */
  optional<T>(item: (d: Decoder) => T): T | undefined {
    const start = this.pos;
    try {
      return item(this);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.pos = start;
      return undefined;
    }
  }

  /** Fails unless every byte was consumed (upstream `parseAll`). */
  assertEnd(): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} trailing bytes`);
  }
}

/** Decodes a whole buffer with `f` and requires it to be consumed exactly. */
export function decodeAll<T>(buf: Uint8Array, f: (d: Decoder) => T): T {
  const d = new Decoder(buf);
  const v = f(d);
  d.assertEnd();
  return v;
}
