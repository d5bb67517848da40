// One-pass digests of an encrypted file (spec xftp.md §8, §13): node:crypto hashes cut at the chunk
// boundaries must give the protocol library's SHA-256 chunk digests and SHA-512 file digest
// (upstream `getChunkDigest`, `LC.sha512Hash`) for any piece boundaries. The chunk plans themselves
// are the protocol library's and tested there.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fileDigest } from '@simplex-relay/protocol';
import { EncryptedFileDigester, chunkDigest } from '../src/index.ts';

describe('EncryptedFileDigester', () => {
  it('gives SHA-512 of the file and SHA-256 of each chunk for any piece boundaries', () => {
    const sizes = [100, 37, 1000];
    const data = new Uint8Array(1137).map((_, i) => (i * 7) & 0xff);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1137 }), { maxLength: 8 }), (cuts) => {
        const d = new EncryptedFileDigester(sizes);
        const points = [0, ...[...cuts].sort((a, b) => a - b), data.length];
        for (let i = 1; i < points.length; i++) d.update(data.subarray(points[i - 1], points[i]));
        const digests = d.digest();
        assert.deepEqual(digests.fileDigest, fileDigest(data));
        assert.deepEqual(digests.chunkDigests, [
          chunkDigest(data.subarray(0, 100)),
          chunkDigest(data.subarray(100, 137)),
          chunkDigest(data.subarray(137)),
        ]);
      }),
    );
  });

  it('rejects more or fewer bytes than the chunks hold, and sizes that are no integers', () => {
    const over = new EncryptedFileDigester([2]);
    assert.throws(() => over.update(new Uint8Array(3)), RangeError);
    const under = new EncryptedFileDigester([2, 2]);
    under.update(new Uint8Array(3));
    assert.throws(() => under.digest(), RangeError);
    assert.throws(() => new EncryptedFileDigester([2, -1]), RangeError);
  });
});
