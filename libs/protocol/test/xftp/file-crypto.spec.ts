// The file header codec and the file decryptor on malformed input (spec xftp.md §13): upstream
// `Types.hs: FileHeader` (names via `safeDecodeUtf8`), `Crypto.hs: decryptChunks, parseFileHeader`
// and `Crypto/Lazy.hs: splitLen`, with the error codes upstream gives (`FTCryptoError`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FileCryptoError,
  FileDecryptor,
  FileEncryptor,
  ParseError,
  decryptFile,
  encodeFileHeader,
  nobleProvider as c,
  parseFileHeader,
  sbAuth,
  sbEncryptChunk,
  sbInit,
} from '../../src/index.ts';
import { range } from '../helpers.ts';
import { cat } from './arbitraries.ts';

const key = range(1, 32);
const nonce = range(1, 24);
const isFile = (code: string) => (e: unknown) => e instanceof FileCryptoError && e.code === code;
const int64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(n));
  return b;
};
/** What a (possibly broken) sender would upload: `plain` and '#' padding, encrypted, tag last. */
const seal = (plain: Uint8Array, encSize = 65536): Uint8Array => {
  const st = sbInit(c, key, nonce);
  const ct = sbEncryptChunk(
    st,
    cat(plain, new Array<number>(encSize - 16 - plain.length).fill(35)),
  );
  return cat(ct, sbAuth(st));
};

describe('FileHeader (upstream Types.hs)', () => {
  it('encodes name and absent extra as a short string and tag 0, or tag 1 and the extra', () => {
    assert.deepEqual(encodeFileHeader({ fileName: 'test.txt' }), cat([8], 'test.txt0'));
    const b = cat([12], 'document.pdf1', [2], 'v2');
    assert.deepEqual(encodeFileHeader({ fileName: 'document.pdf', fileExtra: 'v2' }), b);
    const { header, rest } = parseFileHeader(cat(b, 'rest'));
    assert.deepEqual(header, { fileName: 'document.pdf', fileExtra: 'v2' });
    assert.deepEqual(rest, cat('rest'));
  });

  it("decodes names as upstream safeDecodeUtf8: invalid bytes become '?', a BOM stays", () => {
    const b = cat([5, 0xef, 0xbb, 0xbf, 0xff, 0x41], '0');
    assert.deepEqual(parseFileHeader(b).header, { fileName: '\ufeff?A' });
  });

  it('rejects an incomplete header and a bad Maybe tag; names over 255 bytes do not encode', () => {
    assert.throws(() => parseFileHeader(cat([3], 'A')), ParseError);
    assert.throws(() => parseFileHeader(cat([1], 'a')), ParseError);
    assert.throws(() => parseFileHeader(cat([1], 'a2')), ParseError);
    assert.throws(() => encodeFileHeader({ fileName: 'é'.repeat(128) }), RangeError);
  });
});

describe('FileDecryptor on malformed files (upstream decryptChunks)', () => {
  const hdr = encodeFileHeader({ fileName: 'a' });

  it('decrypts a well-formed file fed one byte at a time', () => {
    const enc = seal(cat(int64(hdr.length + 3), hdr, 'xyz'));
    const d = new FileDecryptor(c, { key, nonce, encSize: enc.length });
    const out = Array.from(enc, (b) => d.update(Uint8Array.of(b)));
    assert.deepEqual(d.finish(), { fileName: 'a' });
    assert.deepEqual(cat(...out.map((p) => [...p])), cat('xyz'));
  });

  it('reads the header only from the first fileSize bytes (INVALID_HEADER)', () => {
    const enc = seal(cat(int64(hdr.length - 1), hdr));
    assert.throws(() => decryptFile(c, { key, nonce }, enc), isFile('INVALID_HEADER'));
  });

  it('a negative length is CRYPTO (splitLen), one beyond the file INVALID_FILE_SIZE', () => {
    assert.throws(
      () => decryptFile(c, { key, nonce }, seal(cat(int64(-1), hdr))),
      isFile('CRYPTO'),
    );
    assert.throws(
      () => decryptFile(c, { key, nonce }, seal(cat(int64(65536 - 23), hdr))),
      isFile('INVALID_FILE_SIZE'),
    );
    const longest = decryptFile(c, { key, nonce }, seal(cat(int64(65536 - 24), hdr)));
    assert.equal(longest.content.length, 65536 - 24 - hdr.length, 'the padding is content then');
  });

  it('a file too short for the length is CRYPTO; a size that is no integer is misuse', () => {
    assert.throws(() => new FileDecryptor(c, { key, nonce, encSize: 23 }), isFile('CRYPTO'));
    assert.throws(() => new FileDecryptor(c, { key, nonce, encSize: 1.5 }), RangeError);
    assert.throws(() => new FileDecryptor(c, { key, nonce, encSize: -1 }), RangeError);
  });
});

describe('FileEncryptor and its source (upstream encryptFile)', () => {
  const p = { key, nonce, fileHeader: encodeFileHeader({ fileName: 'x' }), contentSize: 10 };
  it('more or less content than declared is FILE_IO (upstream FTCEFileIOError)', () => {
    const long = new FileEncryptor(c, { ...p, encSize: 65536 });
    long.update(new Uint8Array(6));
    assert.throws(() => long.update(new Uint8Array(5)), isFile('FILE_IO'));
    const short = new FileEncryptor(c, { ...p, encSize: 65536 });
    short.update(new Uint8Array(9));
    assert.throws(() => [...short.finish()], isFile('FILE_IO'));
  });
});
