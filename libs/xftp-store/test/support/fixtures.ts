// Record builders for the store tests: random keys and digests, so tests sharing a database never collide.
import { randomBytes } from 'node:crypto';
import type { FileIdGenerator, NewFile } from '../../src/index.ts';
import { randomFileId } from '../../src/index.ts';

/** An hour boundary in the past (epoch seconds), the base of time-dependent tests. */
export const HOUR = 3600;
export const T0 = 1_700_000_000 - (1_700_000_000 % HOUR);

/** A fake 44-byte Ed25519 SPKI (opaque to the store). */
export const key = (): Uint8Array => new Uint8Array(randomBytes(44));
/** A fake SHA-256 digest. */
export const digest = (): Uint8Array => new Uint8Array(randomBytes(32));

/** A 64 KB chunk with one recipient; override any field. */
export function newFile(over: Partial<NewFile> = {}): NewFile {
  return { senderKey: key(), size: 65536, digest: digest(), recipientKeys: [key()], ...over };
}

/** `n` recipient keys. */
export function keys(n: number): [Uint8Array, ...Uint8Array[]] {
  return [key(), ...Array.from({ length: n - 1 }, key)];
}

/** A generator that hands out `scripted` IDs first, then random ones; counts calls. */
export function scriptedIds(...scripted: Uint8Array[]): FileIdGenerator & { calls: number } {
  const queue = [...scripted];
  const gen = Object.assign(
    () => {
      gen.calls++;
      return queue.shift() ?? randomFileId();
    },
    { calls: 0 },
  );
  return gen;
}

/** A generator that always returns `id` (every attempt collides once `id` is taken). */
export const constantId =
  (id: Uint8Array): FileIdGenerator =>
  () =>
    new Uint8Array(id);
