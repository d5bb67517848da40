// SbStream (the protocol library's incremental secret_box behind this package's old name, spec
// xftp.md §7.3) against one-shot libsodium secretbox under HSalsa20(k0, 0^16), an independent
// implementation: any split of the message gives the same ciphertext and tag, both ways.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { boxKey } from '@simplex-relay/protocol';
import { nodeProvider } from '@simplex-relay/node-crypto';
import { SbStream } from '../src/index.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

// Cuts `msg` at the given points (sorted, clamped) and feeds the pieces through `f`.
function piecewise(msg: Uint8Array, cuts: number[], f: (p: Uint8Array) => Uint8Array): Uint8Array {
  const points = [0, ...cuts.map((c) => Math.min(c, msg.length)).sort((a, b) => a - b), msg.length];
  const out = new Uint8Array(msg.length);
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1] as number, points[i] as number];
    out.set(f(msg.subarray(a, b)), a);
  }
  return out;
}

// libsodium's tag || ciphertext against the stream's ciphertext and tag, both directions.
function checkAgainstLibsodium(k0: Uint8Array, nonce: Uint8Array, msg: Uint8Array, cuts: number[]) {
  const ref = nodeProvider.secretboxSeal(boxKey(nodeProvider, k0), nonce, msg);
  const enc = new SbStream(k0, nonce);
  assert.deepEqual(
    piecewise(msg, cuts, (p) => enc.encryptChunk(p)),
    ref.subarray(16),
    'ciphertext',
  );
  assert.deepEqual(enc.auth(), ref.subarray(0, 16), 'tag');
  const dec = new SbStream(k0, nonce);
  assert.deepEqual(
    piecewise(ref.subarray(16), cuts, (p) => dec.decryptChunk(p)),
    msg,
  );
  assert.deepEqual(dec.auth(), ref.subarray(0, 16), 'tag of the decrypting side');
}

describe('SbStream against one-shot libsodium secretbox', () => {
  it('encrypts and decrypts any split of a message to the tag-last one-shot output', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(24),
        fc.uint8Array({ maxLength: 700 }),
        fc.array(fc.nat({ max: 700 }), { maxLength: 6 }),
        checkAgainstLibsodium,
      ),
      { numRuns: 150 },
    );
  });

  it('matches across many 64-byte blocks with odd piece sizes', () => {
    const msg = new Uint8Array(300_001).map((_, i) => (i * 31) & 0xff);
    const cuts = [1, 33, 64, 65, 4096, 65_535, 65_600, 200_000, 299_999];
    checkAgainstLibsodium(new Uint8Array(32).fill(7), new Uint8Array(24).fill(9), msg, cuts);
  });

  it('rejects a nonce that is not 24 bytes', () => {
    assert.throws(() => new SbStream(new Uint8Array(32), new Uint8Array(23)), RangeError);
  });
});
