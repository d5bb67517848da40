// File encryption on disk and in memory (spec xftp.md §13, upstream `FileTransfer/Crypto.hs`): the
// byte layout checked by opening the whole file with one-shot libsodium secretbox, streamed round
// trips through chunk files of several sizes with digest checks, and the failures. The cipher, the
// header codec and the malformed-file cases are the protocol library's and tested there.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { boxKey } from '@simplex-relay/protocol';
import { nodeProvider } from '@simplex-relay/node-crypto';
import {
  FileCryptoError,
  decodeFileHeader,
  decryptBytes,
  decryptChunkFiles,
  encodeFileHeader,
  encryptBytes,
  encryptFile,
  encryptStream,
  planEncryption,
  randomFileKeys,
  sha512OfFiles,
} from '../src/index.ts';
import type { EncryptedFile, FileCryptoErrorCode } from '../src/index.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...bs: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(bs));
const int64 = (n: number): Uint8Array => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return new Uint8Array(b);
};
const isCode = (code: FileCryptoErrorCode) => (e: unknown) => {
  assert.ok(e instanceof FileCryptoError, `expected FileCryptoError, got ${String(e)}`);
  assert.equal(e.code, code);
  return true;
};

describe('decodeFileHeader (the protocol codec with its length and error code)', () => {
  it('returns the header and its length; a header that does not parse is INVALID_HEADER', () => {
    const b = cat(Uint8Array.of(12), ascii('document.pdf1'), Uint8Array.of(2), ascii('v2'));
    assert.deepEqual(decodeFileHeader(cat(b, ascii('rest'))), {
      header: { fileName: 'document.pdf', fileExtra: 'v2' },
      length: b.length,
    });
    assert.throws(() => decodeFileHeader(Uint8Array.of(3, 0x41)), isCode('INVALID_HEADER'));
    assert.throws(
      () => decodeFileHeader(cat(Uint8Array.of(1), ascii('a2'))),
      isCode('INVALID_HEADER'),
    );
  });
});

describe('encryption layout (upstream encryptFile)', () => {
  it('is secretbox of Int64 fileSize || header || content || "#" padding, tag last', async () => {
    const keys = randomFileKeys();
    const content = ascii('Hello, this is test file content!');
    const enc = await encryptBytes(content, { fileName: 'test.txt', keys });
    const hdr = encodeFileHeader({ fileName: 'test.txt' });
    const fileSize = hdr.length + content.length;
    assert.deepEqual(enc.plan.chunkSizes, [65536]);
    assert.equal(enc.encrypted.length, 65536);
    const tag = enc.encrypted.subarray(-16);
    const opened = nodeProvider.secretboxOpen(
      boxKey(nodeProvider, keys.key),
      keys.nonce,
      cat(tag, enc.encrypted.subarray(0, -16)),
    );
    assert.ok(opened, 'libsodium opens the file with the tag moved to the front');
    const padLen = 65536 - 16 - 8 - fileSize;
    assert.deepEqual(opened, cat(int64(fileSize), hdr, content, new Uint8Array(padLen).fill(0x23)));
    assert.deepEqual(
      enc.digest,
      new Uint8Array(createHash('sha512').update(enc.encrypted).digest()),
    );
    assert.deepEqual(enc.chunks, [
      {
        chunkNo: 1,
        offset: 0,
        size: 65536,
        digest: new Uint8Array(createHash('sha256').update(enc.encrypted).digest()),
      },
    ]);
  });

  it('plans chunks over fileSize + 8 + 16, or one chunk for redirects', () => {
    const p = planEncryption(5_000_000, { fileName: 'a.bin' });
    assert.equal(p.fileSize, 5_000_000 + 7);
    assert.deepEqual(p.chunkSizes, [4194304, 1048576]);
    assert.equal(p.encSize, 5242880);
    assert.deepEqual(
      planEncryption(1000, { fileName: '' }, { singleChunk: true }).chunkSizes,
      [65536],
    );
    assert.throws(
      () => planEncryption(5_000_000, { fileName: '' }, { singleChunk: true }),
      RangeError,
    );
    assert.throws(() => planEncryption(5 * 1024 ** 3 + 1, { fileName: '' }), RangeError);
  });

  it('streams in pieces of at most 64 KiB for 64 KiB source pieces', async () => {
    const plan = planEncryption(300_000, { fileName: 'x' });
    const source = function* () {
      for (let i = 0; i < 300_000; i += 65536) yield new Uint8Array(Math.min(65536, 300_000 - i));
    };
    let total = 0;
    for await (const p of encryptStream(source(), plan, randomFileKeys())) {
      assert.ok(p.length <= 65536);
      total += p.length;
    }
    assert.equal(total, plan.encSize);
  });

  it('fails with FILE_IO when the source is shorter or longer than planned', async () => {
    const plan = planEncryption(10, { fileName: 'x' });
    const drain = async (src: Uint8Array[]) => {
      for await (const _ of encryptStream(src, plan, randomFileKeys()));
    };
    await assert.rejects(drain([new Uint8Array(9)]), isCode('FILE_IO'));
    await assert.rejects(drain([new Uint8Array(6), new Uint8Array(5)]), isCode('FILE_IO'));
  });
});

describe('streamed round trips through chunk files (upstream encryptFile / decryptChunks)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xftp-file-crypto-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Writes each chunk's byte range of the encrypted file to its own file, as a download would.
  async function splitChunks(encPath: string, enc: EncryptedFile, tag: string): Promise<string[]> {
    const paths: string[] = [];
    for (const c of enc.chunks) {
      const p = join(dir, `${tag}.chunk${c.chunkNo}`);
      if (c.size > 0)
        await pipeline(
          createReadStream(encPath, { start: c.offset, end: c.offset + c.size - 1 }),
          createWriteStream(p),
        );
      paths.push(p);
    }
    return paths;
  }

  const sizes: [string, number][] = [
    ['0 B', 0],
    ['1 B', 1],
    ['64 KiB', 65536],
    ['1 MiB', 1024 * 1024],
    ['20 MiB', 20 * 1024 * 1024],
  ];
  for (const [label, size] of sizes) {
    it(`round trips ${label} with matching digests`, async () => {
      const tag = label.replace(' ', '');
      const src = join(dir, `${tag}.plain`);
      await writeFile(src, randomBytes(size));
      const encPath = join(dir, `${tag}.enc`);
      const enc = await encryptFile(src, encPath, { fileName: 'photo.jpg' });
      assert.equal((await stat(encPath)).size, enc.plan.encSize);
      const chunkPaths = await splitChunks(encPath, enc, tag);
      for (const [i, p] of chunkPaths.entries())
        assert.deepEqual(
          new Uint8Array(
            createHash('sha256')
              .update(await readFile(p))
              .digest(),
          ),
          enc.chunks[i]?.digest,
          `chunk ${i + 1} digest`,
        );
      assert.deepEqual(await sha512OfFiles(chunkPaths), enc.digest, 'file digest');
      const out = join(dir, `${tag}.out`);
      const r = await decryptChunkFiles(chunkPaths, { ...enc, encSize: enc.plan.encSize }, (h) => {
        assert.equal(h.fileName, 'photo.jpg');
        return out;
      });
      assert.deepEqual(r, { path: out, header: { fileName: 'photo.jpg' }, size });
      const [a, b] = await Promise.all([readFile(src), readFile(out)]);
      assert.ok(a.equals(b), 'decrypted content equals the source');
    });
  }

  it('removes the output and fails INVALID_AUTH_TAG when one byte was changed', async () => {
    const src = join(dir, 'tamper.plain');
    await writeFile(src, randomBytes(300_000));
    const encPath = join(dir, 'tamper.enc');
    const enc = await encryptFile(src, encPath);
    const bytes = await readFile(encPath);
    for (const at of [20_000, bytes.length - 1]) {
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] as number) ^ 1;
      const tampered = join(dir, `tampered-${at}`);
      await writeFile(tampered, copy);
      const out = join(dir, `tamper-${at}.out`);
      await assert.rejects(
        decryptChunkFiles([tampered], { ...enc, encSize: enc.plan.encSize }, () => out),
        isCode('INVALID_AUTH_TAG'),
      );
      assert.ok(!existsSync(out), 'no output is left behind');
    }
  });

  it('removes the encrypted output when the source cannot be read', async () => {
    const encPath = join(dir, 'missing.enc');
    await writeFile(encPath, 'stale');
    const src = join(dir, 'a-directory'); // stat works, reading fails (EISDIR)
    await mkdir(src);
    await assert.rejects(encryptFile(src, encPath), /EISDIR/);
    assert.ok(!existsSync(encPath), 'no partial encrypted file is left');
  });

  it('fails on missing or surplus bytes and on an empty chunk list', async () => {
    const keys = randomFileKeys();
    const enc = await encryptBytes(ascii('data'), { keys });
    const params = { ...keys, encSize: enc.encrypted.length };
    const short = join(dir, 'short');
    await writeFile(short, enc.encrypted.subarray(0, -1));
    await assert.rejects(
      decryptChunkFiles([short], params, () => join(dir, 'short.out')),
      isCode('INVALID_FILE_SIZE'),
    );
    assert.ok(!existsSync(join(dir, 'short.out')));
    const long = join(dir, 'long');
    await writeFile(long, cat(enc.encrypted, Uint8Array.of(0)));
    await assert.rejects(
      decryptChunkFiles([long], params, () => join(dir, 'long.out')),
      isCode('INVALID_FILE_SIZE'),
    );
    await assert.rejects(
      decryptChunkFiles([], params, () => 'unused'),
      isCode('INVALID_HEADER'),
    );
  });
});

describe('decryptBytes', () => {
  it('fails with the wrong key and decrypts with the right one', async () => {
    const keys = randomFileKeys();
    const enc = await encryptBytes(ascii('xyz'), { fileName: 'a', keys });
    assert.throws(() => decryptBytes(enc.encrypted, randomFileKeys()), FileCryptoError);
    assert.deepEqual(decryptBytes(enc.encrypted, keys), {
      header: { fileName: 'a' },
      content: ascii('xyz'),
    });
  });
});
