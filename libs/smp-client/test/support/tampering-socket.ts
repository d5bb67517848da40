// A BlockSocket that records the blocks it writes and can rewrite the next one: lets tests look at
// the wire (plain vs encrypted) and corrupt a block after encryption, below TLS's own integrity.
import type { TLSSocket } from 'node:tls';
import { BlockSocket } from '@simplex-relay/smp-transport';

export class TamperingBlockSocket extends BlockSocket<TLSSocket> {
  readonly written: Uint8Array[] = [];
  private rewrite: ((b: Uint8Array) => Uint8Array) | undefined;

  /** Applies `f` to the next block written (once). */
  rewriteNext(f: (b: Uint8Array) => Uint8Array): void {
    this.rewrite = f;
  }

  /** Flips one byte of the next block: an encrypted block then fails its tag check. */
  corruptNext(at = 100): void {
    this.rewriteNext((b) => {
      const c = b.slice();
      c[at] = (c[at] as number) ^ 0x01;
      return c;
    });
  }

  override writeBlock(block: Uint8Array): Promise<void> {
    const f = this.rewrite;
    this.rewrite = undefined;
    const out = f === undefined ? block : f(block);
    this.written.push(out);
    return super.writeBlock(out);
  }
}

/** True if `needle` occurs in `hay` (to spot plaintext on the wire). */
export function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
