// Block reassembly from a byte stream (spec smp.md §5.1): TLS delivers arbitrary chunks, SMP reads
// exactly 16384 bytes per block. Mirrors upstream `Transport.hs: tGetBlock` (`cGet c blockSize`, a
// short read at EOF closes the connection). Pure state machine, no I/O: the gateway feeds it chunks.
import { TransportError } from '../errors.ts';
import { SMP_BLOCK_SIZE } from './block.ts';

/** Accumulates chunks of any size and emits complete blocks, in order. */
export class BlockReader {
  private buf: Uint8Array;
  private fill = 0;

  /** `blockSize` is 16384 for SMP; other sizes are for tests and XFTP-like framings. */
  constructor(readonly blockSize: number = SMP_BLOCK_SIZE) {
    if (!Number.isInteger(blockSize) || blockSize < 1)
      throw new RangeError(`bad block size ${blockSize}`);
    this.buf = new Uint8Array(blockSize);
  }

  /** Bytes of an incomplete block held so far (0 ≤ pending < blockSize). */
  get pending(): number {
    return this.fill;
  }

  /** Adds a chunk and returns the blocks it completed (each a fresh copy of `blockSize` bytes). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('chunk must be a Uint8Array');
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < chunk.length) {
      const n = Math.min(this.blockSize - this.fill, chunk.length - at);
      if (this.fill === 0 && n === this.blockSize) {
        // Whole block inside the chunk: copy it out directly (the caller may reuse its buffer).
        // A plain copy even when the chunk is a Node Buffer (whose slice is a view, not a copy).
        out.push(new Uint8Array(chunk.subarray(at, at + n)));
      } else {
        this.buf.set(chunk.subarray(at, at + n), this.fill);
        this.fill += n;
        if (this.fill === this.blockSize) {
          out.push(this.buf);
          this.buf = new Uint8Array(this.blockSize);
          this.fill = 0;
        }
      }
      at += n;
    }
    return out;
  }

  /**
   * Call at end of stream. A partial block left over is a TransportError `BLOCK` (upstream treats the
   * short read as EOF and closes the connection); the buffered bytes are discarded either way.
   */
  end(): void {
    const left = this.fill;
    this.buf.fill(0); // the partial block may hold ciphertext or, for plain sessions, commands
    this.fill = 0;
    if (left !== 0) throw new TransportError('BLOCK', `stream ended ${left} bytes into a block`);
  }
}
