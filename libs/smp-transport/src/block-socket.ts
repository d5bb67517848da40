// Exact 16384-byte block I/O over a Node stream (spec smp.md §5.1): every read and write after TLS is
// one block. Mirrors upstream `Transport.hs: cGet/cPut` as used by `tGetBlock`/`tPutBlock`; the byte
// reassembly itself is the protocol library's BlockReader.
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { BlockReader, SMP_BLOCK_SIZE } from '@simplex-relay/protocol';
import { ConnectionClosedError, TimeoutError } from './errors.ts';

/** Tuning of a BlockSocket. */
export interface BlockSocketOptions {
  /** Blocks read ahead before the socket is paused (read-side backpressure). Default 64 (1 MiB). */
  readonly maxQueuedBlocks?: number;
  /** How long `close()` waits for the peer before destroying the socket. Default 5000 ms. */
  readonly closeGraceMs?: number;
}

interface Waiter {
  resolve(block: Uint8Array | undefined): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout | undefined;
}

/**
 * Wraps a stream (a TLS socket in production) as a sequence of 16384-byte blocks. Reads are queued
 * as they complete; writes are serialized and wait for 'drain' when the socket buffer is full.
 */
export class BlockSocket<S extends Duplex = TLSSocket> {
  /** Resolves once the underlying socket has closed. */
  readonly closed: Promise<void>;
  private readonly reader = new BlockReader(SMP_BLOCK_SIZE);
  private readonly queue: Uint8Array[] = [];
  private readonly maxQueued: number;
  private readonly closeGraceMs: number;
  private waiter: Waiter | undefined;
  private ended = false;
  private failure: Error | undefined;
  private paused = false;
  private drained: Promise<void> | undefined;
  private isClosed = false;

  constructor(
    readonly socket: S,
    opts: BlockSocketOptions = {},
  ) {
    this.maxQueued = opts.maxQueuedBlocks ?? 64;
    this.closeGraceMs = opts.closeGraceMs ?? 5000;
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 1)
      throw new RangeError('maxQueuedBlocks must be a positive integer');
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (e: Error) => this.onFailure(e));
    socket.on('close', () => {
      this.isClosed = true;
      this.onEnd();
    });
    // The socket may have been paused by its previous owner; from now on this class decides.
    socket.resume();
  }

  /** Blocks received and not yet read. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * The next block, `undefined` at a clean end of stream. Rejects with TransportError `BLOCK` if the
   * stream ended inside a block, with ConnectionClosedError(cause) on a socket error, and with
   * TimeoutError after `timeoutMs`. One read at a time.
   */
  readBlock(timeoutMs?: number): Promise<Uint8Array | undefined> {
    if (this.waiter !== undefined) throw new TypeError('readBlock is already pending');
    const block = this.queue.shift();
    if (block !== undefined) {
      this.resumeIfBelowLimit();
      return Promise.resolve(block);
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const w: Waiter = { resolve, reject };
      if (timeoutMs !== undefined) {
        w.timer = setTimeout(() => {
          this.waiter = undefined;
          reject(new TimeoutError(`no block within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.waiter = w;
    });
  }

  /**
   * Writes one 16384-byte block. Writes leave in call order; while the socket buffer is full the
   * block waits for 'drain', and the returned promise settles when the block was handed to the socket.
   */
  writeBlock(block: Uint8Array): Promise<void> {
    if (block.length !== SMP_BLOCK_SIZE)
      throw new RangeError(`block must be ${SMP_BLOCK_SIZE} bytes, got ${block.length}`);
    if (this.isClosed || this.socket.writableEnded || this.socket.destroyed)
      return Promise.reject(new ConnectionClosedError('write after close'));
    // Behind a pending drain: keep the order by chaining onto it.
    if (this.drained !== undefined) return this.drained.then(() => this.writeBlock(block));
    if (this.socket.write(block)) return Promise.resolve();
    const drained = new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.socket.off('close', onClose);
        this.drained = undefined; // cleared before the queued writes continue
        resolve();
      };
      const onClose = (): void => {
        this.socket.off('drain', onDrain);
        this.drained = undefined;
        reject(
          new ConnectionClosedError('closed while waiting for drain', { cause: this.failure }),
        );
      };
      this.socket.once('drain', onDrain);
      this.socket.once('close', onClose);
    });
    this.drained = drained;
    return drained;
  }

  /** Graceful close: flushes written blocks, sends TLS close_notify/FIN, destroys after a grace period. */
  close(): void {
    if (this.isClosed) return;
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), this.closeGraceMs);
    t.unref();
  }

  /** Immediate close, dropping unsent data (failed handshakes: nothing more goes on the wire). */
  destroy(cause?: Error): void {
    if (cause !== undefined && this.failure === undefined) this.failure = cause;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    // A plain Uint8Array view (no copy): BlockReader then copies whole blocks with `slice`, which on a
    // Buffer would return a view into Node's chunk instead of a copy.
    const blocks = this.reader.push(
      new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
    for (const b of blocks) {
      const w = this.takeWaiter();
      if (w !== undefined) w.resolve(b);
      else this.queue.push(b);
    }
    if (this.queue.length >= this.maxQueued && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private onEnd(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.reader.end();
    } catch (e) {
      if (this.failure === undefined) this.failure = e as Error;
    }
    this.wakeAtEnd();
  }

  private onFailure(e: Error): void {
    if (this.failure === undefined)
      this.failure = new ConnectionClosedError(`socket error: ${e.message}`, { cause: e });
    this.ended = true;
    this.wakeAtEnd();
  }

  private wakeAtEnd(): void {
    if (this.queue.length > 0) return;
    const w = this.takeWaiter();
    if (w === undefined) return;
    if (this.failure !== undefined) w.reject(this.failure);
    else w.resolve(undefined);
  }

  private takeWaiter(): Waiter | undefined {
    const w = this.waiter;
    if (w === undefined) return undefined;
    this.waiter = undefined;
    if (w.timer !== undefined) clearTimeout(w.timer);
    return w;
  }

  private resumeIfBelowLimit(): void {
    if (this.paused && this.queue.length < this.maxQueued / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
