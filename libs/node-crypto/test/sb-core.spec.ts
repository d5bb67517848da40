// The native streaming secret-box core and incremental hashes of nodeProvider (src/sb-core.ts)
// against the pure ones of libs/protocol: the same stream properties as the noble core (any split =
// one call, byte-by-byte feeding, = one-shot NaCl secretbox with the tag moved), byte equality with
// the noble core on random inputs and splits, the libsodium FGET vector, and equal digests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  cbInit,
  chunkDigest,
  createChunkDigest,
  createFileDigest,
  dhSecret,
  encodeFileHeader,
  encryptFile,
  encryptFileChunk,
  fileDigest,
  nobleProvider,
  nobleSbCore,
  privateKey,
  publicKey,
  sbAuth,
  sbDecryptChunk,
  sbEncryptChunk,
  sbEncryptNoPad,
  sbInit,
} from '@simplex-relay/protocol';
import type { SbCoreFactory, SbState } from '@simplex-relay/protocol';
import { nodeProvider, sodiumSbCore } from '../src/index.ts';
import { readVectorText } from './helpers.ts';

const node = nodeProvider;
const noble = nobleProvider;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const cat = (parts: readonly Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** Splits `b` at the given cut points (reduced into range, sorted, deduplicated). */
const splitAt = (b: Uint8Array, cuts: readonly number[]): Uint8Array[] => {
  const pts = [...new Set(cuts.map((x) => x % (b.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...pts, b.length]) {
    out.push(b.subarray(prev, p));
    prev = p;
  }
  return out;
};

/** Ciphertext || tag of `pieces` through a fresh state with `core`. */
const encrypt = (
  core: SbCoreFactory,
  k: Uint8Array,
  n: Uint8Array,
  pieces: readonly Uint8Array[],
): Uint8Array => {
  const st = sbInit(node, k, n, core);
  const out = pieces.map((p) => sbEncryptChunk(st, p));
  return cat([...out, sbAuth(st)]);
};

/** Plaintext || tag of `pieces` (ciphertext) through a fresh state with `core`. */
const decrypt = (
  core: SbCoreFactory,
  k: Uint8Array,
  n: Uint8Array,
  pieces: readonly Uint8Array[],
): Uint8Array => {
  const st: SbState = sbInit(node, k, n, core);
  const out = pieces.map((p) => sbDecryptChunk(st, p));
  return cat([...out, sbAuth(st)]);
};

describe('native streaming secret box (sodiumSbCore)', () => {
  it('is what nodeProvider supplies, and sbInit/cbInit take it by default', () => {
    assert.equal(node.sbCore, sodiumSbCore);
    const k = node.randomBytes(32);
    const n = node.randomBytes(24);
    const m = node.randomBytes(300);
    const viaDefault = sbInit(node, k, n);
    const viaCb = cbInit(node, k, n);
    const expected = encrypt(nobleSbCore, k, n, [m]);
    assert.equal(hex(cat([sbEncryptChunk(viaDefault, m), sbAuth(viaDefault)])), hex(expected));
    assert.equal(hex(cat([sbEncryptChunk(viaCb, m), sbAuth(viaCb)])), hex(expected));
  });

  it('any split of the input gives the one-call ciphertext and tag, both ways', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(24),
        fc.uint8Array({ maxLength: 900 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (k, n, m, cuts) => {
          const one = encrypt(sodiumSbCore, k, n, [m]);
          assert.equal(hex(encrypt(sodiumSbCore, k, n, splitAt(m, cuts))), hex(one));
          const ct = one.subarray(0, m.length);
          const tag = one.subarray(m.length);
          assert.equal(
            hex(decrypt(sodiumSbCore, k, n, splitAt(ct, cuts))),
            hex(cat([m, tag])),
            'decrypting computes the same tag over the ciphertext',
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('byte-by-byte feeding gives the one-call bytes', () => {
    fc.assert(
      fc.property(bytes(32), bytes(24), fc.uint8Array({ maxLength: 300 }), (k, n, m) => {
        const single = Array.from(m, (_, i) => m.subarray(i, i + 1));
        assert.equal(
          hex(encrypt(sodiumSbCore, k, n, single)),
          hex(encrypt(sodiumSbCore, k, n, [m])),
        );
      }),
      { numRuns: 40 },
    );
  });

  it('is the one-shot NaCl secretbox (sbEncryptNoPad, libsodium and noble) with the tag moved to the end', () => {
    fc.assert(
      fc.property(bytes(32), bytes(24), fc.uint8Array({ maxLength: 700 }), (k, n, m) => {
        const tailTag = encrypt(sodiumSbCore, k, n, [m]);
        for (const c of [node, noble]) {
          const tagFirst = sbEncryptNoPad(c, k, n, m);
          assert.equal(hex(tailTag), hex(cat([tagFirst.subarray(16), tagFirst.subarray(0, 16)])));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('equals the noble core piece for piece on random inputs and random splits', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(24),
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 16 }),
        (k, n, m, cuts) => {
          const pieces = splitAt(m, cuts);
          const a = sbInit(node, k, n, sodiumSbCore);
          const b = sbInit(node, k, n, nobleSbCore);
          for (const p of pieces)
            assert.equal(hex(sbEncryptChunk(a, p)), hex(sbEncryptChunk(b, p)));
          assert.equal(hex(sbAuth(a)), hex(sbAuth(b)));
          const da = sbInit(node, k, n, sodiumSbCore);
          const db = sbInit(node, k, n, nobleSbCore);
          for (const p of pieces)
            assert.equal(hex(sbDecryptChunk(da, p)), hex(sbDecryptChunk(db, p)));
          assert.equal(hex(sbAuth(da)), hex(sbAuth(db)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a 1 MB body in unaligned 16 KB pieces (network-sized, Buffer views) equals the noble core', () => {
    const k = node.randomBytes(32);
    const n = node.randomBytes(24);
    const m = Buffer.from(node.randomBytes((1 << 20) + 37));
    const pieces = [m.subarray(0, 5)];
    for (let o = 5; o < m.length; o += 16384) pieces.push(m.subarray(o, o + 16384));
    assert.equal(hex(encrypt(sodiumSbCore, k, n, pieces)), hex(encrypt(nobleSbCore, k, n, [m])));
  });

  it('encrypts the FGET body of the libsodium vector, and whole files as the pure provider does', () => {
    const v = (
      JSON.parse(readVectorText('xftp/xftp-vectors.json')) as {
        fgetBody: Record<'rcvPub' | 'srvPriv' | 'nonce' | 'chunk' | 'body', string>;
      }
    ).fgetBody;
    const secret = dhSecret(
      node,
      publicKey('x25519', unhex(v.rcvPub)),
      privateKey('x25519', unhex(v.srvPriv)),
    );
    const body = encryptFileChunk(cbInit(node, secret, unhex(v.nonce)), unhex(v.chunk));
    assert.equal(hex(body), v.body);
    const k = node.randomBytes(32);
    const n = node.randomBytes(24);
    const content = node.randomBytes(5000);
    const p = {
      key: k,
      nonce: n,
      fileHeader: encodeFileHeader({ fileName: 'a.bin' }),
      contentSize: content.length,
      encSize: 65536,
    };
    assert.equal(hex(encryptFile(node, p, content)), hex(encryptFile(noble, p, content)));
  });

  it('refuses a key or nonce of the wrong length', () => {
    assert.throws(() => sodiumSbCore(node, new Uint8Array(31), new Uint8Array(24)), RangeError);
    assert.throws(() => sodiumSbCore(node, new Uint8Array(32), new Uint8Array(23)), RangeError);
  });
});

describe('native incremental hashes (nodeProvider.createHash)', () => {
  it('SHA-256 and SHA-512 over random splits equal the pure digests, as plain Uint8Arrays', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (m, cuts) => {
          const pieces = splitAt(m, cuts);
          const pairs = [
            [createChunkDigest(node), createChunkDigest()],
            [createFileDigest(node), createFileDigest()],
          ] as const;
          for (const [a, b] of pairs) {
            for (const p of pieces) {
              a.update(p);
              b.update(p);
            }
            const da = a.digest();
            assert.equal(Object.getPrototypeOf(da), Uint8Array.prototype);
            assert.deepEqual(da, b.digest());
          }
          assert.equal(hex(chunkDigest(m, node)), hex(chunkDigest(m)));
          assert.equal(hex(fileDigest(m, node)), hex(fileDigest(m)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a provider without createHash falls back to the pure hashes', () => {
    const m = node.randomBytes(1000);
    const h = createChunkDigest(noble);
    h.update(m);
    assert.equal(hex(h.digest()), hex(node.sha256(m)));
    const f = createFileDigest(noble);
    f.update(m);
    assert.equal(hex(f.digest()), hex(node.sha512(m)));
  });
});
