// The chunk cipher of spec xftp.md §7.3 and the file encryption of §13: libsodium-computed vectors
// (test/vectors/xftp/xftp-vectors.json, see the README), upstream tests/CoreTests/CryptoTests.hs
// lazy-padding literals, equivalence of every split with the one-shot result, interop with the
// tag-first secret box of crypto/box.ts, and the receivers' SIZE / CRYPTO / DIGEST outcomes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  cbEncryptNoPad,
  cbInit,
  chunkDigest,
  createChunkDigest,
  createFileDigest,
  decryptFile,
  dhSecret,
  encodeFileHeader,
  encryptFile,
  encryptFileChunk,
  encryptedFileSizes,
  nobleSbCore,
  fileChunkDecryptInit,
  fileDigest,
  generateKeyPair,
  nobleProvider as c,
  padLazy,
  prepareFileChunkEncryption,
  privateKey,
  publicKey,
  sbAuth,
  sbDecryptChunk,
  sbDecryptTailTag,
  sbEncryptChunk,
  sbEncryptNoPad,
  sbEncryptTailTag,
  sbInit,
  splitLen,
  unPadLazy,
  CryptoError,
  EncryptedChunkReceiver,
  FileCryptoError,
  FileDecryptor,
  FileEncryptor,
  PlainChunkReceiver,
  XFTPReceiveError,
} from '../../src/index.ts';
import type { SbCoreFactory } from '../../src/index.ts';
import { hex, range, readVectorText, unhex } from '../helpers.ts';
import { cat } from './arbitraries.ts';

interface FileCase {
  fileName: string;
  fileExtra: string | null;
  header: string;
  encSize: number;
  source?: string;
  sourceLength?: number;
  encrypted?: string;
  sha512: string;
  sha256: string;
}
const V = JSON.parse(readVectorText('xftp/xftp-vectors.json')) as {
  sbTailTag: { key: string; nonce: string; msg: string; paddedLen: number; cipher: string };
  fgetBody: Record<
    'rcvPriv' | 'rcvPub' | 'srvPriv' | 'srvPub' | 'dhSecret' | 'nonce' | 'chunk' | 'body',
    string
  >;
  files: FileCase[];
};
const key = range(1, 32);
const nonce = range(1, 24);

/** Splits `b` at the given cut points (sorted, deduplicated, within bounds). */
const splitAt = (b: Uint8Array, cuts: number[]): Uint8Array[] => {
  const pts = [...new Set(cuts.map((x) => x % (b.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...pts, b.length]) {
    out.push(b.subarray(prev, p));
    prev = p;
  }
  return out;
};
const concat = (parts: Uint8Array[]): Uint8Array => cat(...parts);
const isRecv = (code: string) => (e: unknown) => e instanceof XFTPReceiveError && e.code === code;
const isFile = (code: string) => (e: unknown) => e instanceof FileCryptoError && e.code === code;

describe('lazy padding (upstream tests/CoreTests/CryptoTests.hs literals)', () => {
  const abc = cat('abc');
  it('pads with an Int64 length and refuses what does not fit', () => {
    assert.equal(hex(padLazy(abc, 3, 11)), hex(cat([0, 0, 0, 0, 0, 0, 0, 3], 'abc')));
    assert.throws(() => padLazy(abc, 3, 10), CryptoError);
    const s = new Uint8Array(100000).fill(0x61);
    assert.equal(hex(unPadLazy(padLazy(s, 100000, 100008))), hex(s));
    assert.throws(() => padLazy(s, 100000, 100007), CryptoError);
    assert.equal(
      hex(unPadLazy(padLazy(s, 9000, 10100))),
      hex(s.subarray(0, 9000)),
      'a shorter len truncates',
    );
  });
  it('unpads leniently: a zero length is empty, a short remainder is returned as is, fewer than 8 bytes fail', () => {
    assert.equal(unPadLazy(new Uint8Array(8)).length, 0);
    assert.throws(() => unPadLazy(cat([0, 0])), CryptoError);
    assert.throws(() => unPadLazy(cat()), CryptoError);
    assert.equal(hex(unPadLazy(cat([0, 0, 0, 0, 0, 0, 0, 3], 'abc'))), hex(abc));
    assert.equal(hex(unPadLazy(cat([0, 0, 0, 0, 0, 0, 0, 3], 'ab'))), hex(cat('ab')));
    assert.throws(() => splitLen(cat([0x80, 0, 0, 0, 0, 0, 0, 0])), CryptoError, 'negative length');
  });
});

describe('streaming secret box (spec §7.3, upstream Crypto/Lazy.hs)', () => {
  it('sbEncryptTailTag equals the libsodium vector (upstream XFTPWebTests "sbEncryptTailTag matches Haskell")', () => {
    const v = V.sbTailTag;
    const msg = unhex(v.msg);
    const ct = sbEncryptTailTag(c, unhex(v.key), unhex(v.nonce), msg, msg.length, v.paddedLen);
    assert.equal(hex(ct), v.cipher);
    assert.deepEqual(sbDecryptTailTag(c, unhex(v.key), unhex(v.nonce), v.paddedLen, ct), {
      valid: true,
      content: msg,
    });
    const bad = ct.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    assert.equal(
      sbDecryptTailTag(c, unhex(v.key), unhex(v.nonce), v.paddedLen, bad).valid,
      false,
      'tampered tag',
    );
    assert.equal(
      sbDecryptTailTag(c, unhex(v.key), unhex(v.nonce), v.paddedLen, ct.subarray(0, 70)).valid,
      false,
      'short tag',
    );
  });
  it('is the tag-first secret box of crypto/box.ts with the tag moved to the end (sbEncryptNoPad, cbEncryptNoPad)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.uint8Array({ maxLength: 600 }),
        (k, n, m) => {
          const st = sbInit(c, k, n);
          const tailTag = cat(sbEncryptChunk(st, m), sbAuth(st));
          const tagFirst = sbEncryptNoPad(c, k, n, m);
          assert.equal(hex(tailTag), hex(cat(tagFirst.subarray(16), tagFirst.subarray(0, 16))));
          const cb = cbEncryptNoPad(c, k, n, m);
          assert.equal(
            hex(cb),
            hex(tagFirst),
            'a DH secret and a symmetric key go through the same HSalsa20 step',
          );
        },
      ),
      { numRuns: 60 },
    );
  });
  it('any split of the input gives the same ciphertext and tag as one call, both ways', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 700 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (m, cuts) => {
          const one = sbInit(c, key, nonce);
          const ct = sbEncryptChunk(one, m);
          const tag = sbAuth(one);
          const st = sbInit(c, key, nonce);
          assert.equal(hex(concat(splitAt(m, cuts).map((p) => sbEncryptChunk(st, p)))), hex(ct));
          assert.equal(hex(sbAuth(st)), hex(tag));
          const dst = sbInit(c, key, nonce);
          assert.equal(hex(concat(splitAt(ct, cuts).map((p) => sbDecryptChunk(dst, p)))), hex(m));
          assert.equal(hex(sbAuth(dst)), hex(tag), 'the decrypting side computes the same tag');
        },
      ),
      { numRuns: 150 },
    );
  });
  it('a 1 MB chunk in 16 KB pieces matches one call over it', () => {
    const m = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 13) & 0xff);
    const one = sbEncryptTailTag(c, key, nonce, m, m.length, m.length + 8);
    const st = sbInit(c, key, nonce);
    const parts = [sbEncryptChunk(st, padLazy(m, m.length, m.length + 8).subarray(0, 5))];
    const padded = padLazy(m, m.length, m.length + 8).subarray(5);
    for (let o = 0; o < padded.length; o += 16384)
      parts.push(sbEncryptChunk(st, padded.subarray(o, o + 16384)));
    parts.push(sbAuth(st));
    assert.equal(hex(concat(parts)), hex(one));
  });
  it('a pluggable core (SbCoreFactory) is what sbInit, cbInit and the chunk and file helpers run', () => {
    let calls = 0;
    const counting: SbCoreFactory = (p, k1, n) => {
      const inner = nobleSbCore(p, k1, n);
      return {
        xor: (d) => (calls++, inner.xor(d)),
        mac: (ct) => inner.mac(ct),
        tag: () => inner.tag(),
      };
    };
    const m = range(1, 100);
    const st = sbInit(c, key, nonce, counting);
    const viaCore = cat(sbEncryptChunk(st, m), sbAuth(st));
    const plain = sbInit(c, key, nonce);
    assert.equal(hex(viaCore), hex(cat(sbEncryptChunk(plain, m), sbAuth(plain))));
    assert.equal(calls, 1);
    const rcv = generateKeyPair(c, 'x25519');
    encryptFileChunk(prepareFileChunkEncryption(c, rcv.pub, counting).state, m);
    const hdr = encodeFileHeader({ fileName: 'x' });
    encryptFile(
      c,
      { key, nonce, fileHeader: hdr, contentSize: 3, encSize: 64, core: counting },
      cat('abc'),
    );
    assert.ok(calls >= 4, 'the FGET and file paths take the core too');
  });
  it('the state refuses use after sbAuth', () => {
    const st = sbInit(c, key, nonce);
    sbAuth(st);
    assert.throws(() => sbEncryptChunk(st, cat('x')), TypeError);
    assert.throws(() => sbAuth(st), TypeError);
  });
});

describe('FGET bodies (spec §7.2, §7.3)', () => {
  const v = V.fgetBody;
  const rcvPriv = privateKey('x25519', unhex(v.rcvPriv));
  const srvPriv = privateKey('x25519', unhex(v.srvPriv));
  const rcvPub = publicKey('x25519', unhex(v.rcvPub));
  const srvPub = publicKey('x25519', unhex(v.srvPub));
  const chunk = unhex(v.chunk);
  it('the server body is crypto_box_detached(chunk) = ciphertext || tag (libsodium vector)', () => {
    assert.equal(hex(dhSecret(c, rcvPub, srvPriv)), v.dhSecret);
    const body = encryptFileChunk(cbInit(c, dhSecret(c, rcvPub, srvPriv), unhex(v.nonce)), chunk);
    assert.equal(hex(body), v.body);
  });
  it('the client decrypts it in pieces of any size and verifies the tag', () => {
    const body = unhex(v.body);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 10 }), (cuts) => {
        const r = new EncryptedChunkReceiver(
          fileChunkDecryptInit(c, srvPub, rcvPriv, unhex(v.nonce)),
          chunk.length,
        );
        const plain = concat(splitAt(body, cuts).map((p) => r.update(p)));
        assert.ok(r.complete);
        r.finish();
        assert.equal(hex(plain), hex(chunk));
      }),
      { numRuns: 60 },
    );
    const byByte = new EncryptedChunkReceiver(
      fileChunkDecryptInit(c, srvPub, rcvPriv, unhex(v.nonce)),
      chunk.length,
    );
    const plain = concat(Array.from(body, (b) => byByte.update(Uint8Array.of(b))));
    byByte.finish();
    assert.equal(hex(plain), hex(chunk), 'byte by byte');
  });
  const receiver = () =>
    new EncryptedChunkReceiver(
      fileChunkDecryptInit(c, srvPub, rcvPriv, unhex(v.nonce)),
      chunk.length,
    );
  it('surplus bytes are SIZE at once; a body ending in the ciphertext is SIZE, in or at a bad tag CRYPTO', () => {
    const body = unhex(v.body);
    assert.throws(() => receiver().update(cat(body, [0])), isRecv('SIZE'));
    const r2 = receiver();
    r2.update(body);
    assert.throws(() => r2.update(cat([0])), isRecv('SIZE'), 'surplus in a later piece');
    const r3 = receiver();
    r3.update(body.subarray(0, 999));
    assert.throws(() => r3.finish(), isRecv('SIZE'));
    const r4 = receiver();
    r4.update(body.subarray(0, 1010));
    assert.throws(() => r4.finish(), isRecv('CRYPTO'));
    const bad = body.slice();
    bad[3] = (bad[3] as number) ^ 0x80;
    const r5 = receiver();
    r5.update(bad);
    assert.throws(() => r5.finish(), isRecv('CRYPTO'));
  });
  it('prepareFileChunkEncryption uses a fresh key and nonce per download that the client can open', () => {
    const rcv = generateKeyPair(c, 'x25519');
    const a = prepareFileChunkEncryption(c, rcv.pub);
    const b = prepareFileChunkEncryption(c, rcv.pub);
    assert.notEqual(hex(a.srvDhKey.raw), hex(b.srvDhKey.raw));
    assert.notEqual(hex(a.nonce), hex(b.nonce));
    const body = encryptFileChunk(a.state, chunk);
    const r = new EncryptedChunkReceiver(
      fileChunkDecryptInit(c, a.srvDhKey, rcv.priv, a.nonce),
      chunk.length,
    );
    assert.equal(hex(r.update(body)), hex(chunk));
    r.finish();
    assert.throws(
      () => prepareFileChunkEncryption(c, generateKeyPair(c, 'ed25519').pub),
      TypeError,
    );
  });
  it('plain chunk bodies are counted and hashed: surplus SIZE, short SIZE, other digest DIGEST', () => {
    const ok = new PlainChunkReceiver(chunk.length, chunkDigest(chunk));
    for (const p of splitAt(chunk, [10, 500])) ok.update(p);
    ok.finish();
    assert.throws(
      () => new PlainChunkReceiver(chunk.length, chunkDigest(chunk)).update(cat(chunk, [1])),
      isRecv('SIZE'),
    );
    const short = new PlainChunkReceiver(chunk.length, chunkDigest(chunk));
    short.update(chunk.subarray(1));
    assert.throws(() => short.finish(), isRecv('SIZE'));
    const other = new PlainChunkReceiver(chunk.length, new Uint8Array(32));
    other.update(chunk);
    assert.throws(() => other.finish(), isRecv('DIGEST'));
  });
});

describe('file encryption before chunking (spec §13, upstream FileTransfer/Crypto.hs)', () => {
  const source = (f: FileCase): Uint8Array =>
    f.source !== undefined
      ? unhex(f.source)
      : Uint8Array.from({ length: f.sourceLength ?? 0 }, (_, i) => (i * 31) & 0xff);
  const params = (f: FileCase) => ({
    key,
    nonce,
    fileHeader: encodeFileHeader({ fileName: f.fileName, fileExtra: f.fileExtra ?? undefined }),
    contentSize: source(f).length,
    encSize: f.encSize,
  });
  it('headers encode as sb(utf8 name) || Maybe sb(utf8 extra)', () => {
    for (const f of V.files) assert.equal(hex(params(f).fileHeader), f.header, f.fileName);
  });
  it('encrypts the upstream XFTPWebTests files and a 128 KB one to the libsodium vectors and digests', () => {
    for (const f of V.files) {
      const enc = encryptFile(c, params(f), source(f));
      if (f.encrypted !== undefined) assert.equal(hex(enc), f.encrypted, f.fileName);
      assert.equal(hex(fileDigest(enc)), f.sha512, 'SHA-512 file digest');
      assert.equal(hex(chunkDigest(enc)), f.sha256, 'SHA-256 chunk digest');
    }
  });
  it('the incremental encryptor gives the same bytes for any split of the content', () => {
    const f = V.files[2] as FileCase;
    const src = source(f);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
        const e = new FileEncryptor(c, params(f));
        const h = createFileDigest();
        const d = createChunkDigest();
        for (const p of [e.head, ...splitAt(src, cuts).map((x) => e.update(x)), ...e.finish()]) {
          h.update(p);
          d.update(p);
        }
        assert.equal(hex(h.digest()), f.sha512);
        assert.equal(hex(d.digest()), f.sha256);
      }),
      { numRuns: 15 },
    );
  });
  it('decrypts from pieces of any size (chunk boundaries do not matter) to the header and content', () => {
    for (const f of V.files) {
      const enc = encryptFile(c, params(f), source(f));
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
          const d = new FileDecryptor(c, { key, nonce, encSize: enc.length });
          const content = concat(splitAt(enc, cuts).map((p) => d.update(p)));
          const header = d.finish();
          assert.deepEqual(
            header,
            f.fileExtra === null
              ? { fileName: f.fileName }
              : { fileName: f.fileName, fileExtra: f.fileExtra },
          );
          assert.equal(hex(content), hex(source(f)));
        }),
        { numRuns: 15 },
      );
    }
    const f = V.files[1] as FileCase;
    const d = new FileDecryptor(c, { key, nonce, encSize: f.encSize });
    const content = concat(Array.from(unhex(f.encrypted ?? ''), (b) => d.update(Uint8Array.of(b))));
    assert.equal(d.finish().fileExtra, 'meta');
    assert.equal(hex(content), f.source, 'byte by byte');
  });
  it('a changed byte is INVALID_AUTH_TAG; a short or long file is INVALID_FILE_SIZE', () => {
    const f = V.files[1] as FileCase;
    const enc = unhex(f.encrypted ?? '');
    const bad = enc.slice();
    bad[enc.length - 1] = (bad[enc.length - 1] as number) ^ 1;
    assert.throws(() => decryptFile(c, { key, nonce }, bad), isFile('INVALID_AUTH_TAG'));
    const short = new FileDecryptor(c, { key, nonce, encSize: enc.length });
    short.update(enc.subarray(0, enc.length - 1));
    assert.throws(() => short.finish(), isFile('INVALID_FILE_SIZE'));
    assert.throws(
      () => new FileDecryptor(c, { key, nonce, encSize: enc.length }).update(cat(enc, [0])),
      isFile('INVALID_FILE_SIZE'),
    );
    assert.throws(
      () => decryptFile(c, { key: range(2, 33), nonce }, enc),
      FileCryptoError,
      'another key',
    );
  });
  it('plans the sizes as upstream encryptFileForUpload: header + content + 8 + 16 bytes, in chunks', () => {
    const hdr = encodeFileHeader({ fileName: 'a.txt' });
    assert.deepEqual(encryptedFileSizes(1000, hdr), {
      plainSize: 1007,
      payloadSize: 1031,
      chunkSizes: [65536],
      encSize: 65536,
    });
    const big = encryptedFileSizes(10_000_000, hdr); // payload 10,000,030 > 3 MB: 4 MB + 1 MB chunks
    assert.deepEqual(big.chunkSizes, [4194304, 4194304, 1048576, 1048576]);
    assert.equal(big.encSize, 10485760);
    assert.deepEqual(encryptedFileSizes(300_000, hdr, { singleChunk: true }).chunkSizes, [1048576]);
    assert.throws(() => encryptedFileSizes(5_000_000, hdr, { singleChunk: true }), RangeError);
    assert.throws(
      () => new FileEncryptor(c, { key, nonce, fileHeader: hdr, contentSize: 100, encSize: 100 }),
      RangeError,
      'encSize too small',
    );
  });
});
