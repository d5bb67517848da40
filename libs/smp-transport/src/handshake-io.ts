// Small I/O helpers shared by both handshake sides: a whole-handshake deadline and a block read that
// treats end of stream as a closed connection (upstream `getHandshake` fails on EOF as well).
import type { Duplex } from 'node:stream';
import type { BlockSocket } from './block-socket.ts';
import { ConnectionClosedError, TimeoutError } from './errors.ts';

/** Returns a function giving the milliseconds left; it throws TimeoutError once none are left. */
export function deadline(ms: number): () => number {
  if (!(ms > 0)) throw new RangeError(`timeout must be positive, got ${ms}`);
  const end = Date.now() + ms;
  return () => {
    const left = end - Date.now();
    if (left <= 0) throw new TimeoutError(`handshake did not finish within ${ms} ms`);
    return left;
  };
}

/** The next block of the handshake; ConnectionClosedError if the peer closed instead. */
export async function readHandshakeBlock(
  blocks: BlockSocket<Duplex>,
  timeoutMs: number,
): Promise<Uint8Array> {
  const b = await blocks.readBlock(timeoutMs);
  if (b === undefined) throw new ConnectionClosedError('peer closed during the handshake');
  return b;
}
