// Generates xftp-vectors.json with libsodium (sodium-native) and node:crypto only, independently of
// the code under test. Run from the repo root: node libs/protocol/test/vectors/xftp/generate.mjs
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sodium from 'sodium-native';

const range = (a, b) => Buffer.from(Array.from({ length: b - a + 1 }, (_, i) => a + i));
const hex = (b) => Buffer.from(b).toString('hex');
const alloc = (n) => Buffer.alloc(n);

// HSalsa20(k, zero16) from libsodium's Salsa20 (sodium-native has no crypto_core_hsalsa20): with a
// zero nonce and counter, Salsa20 block 0 is core(x) + x for x = the HSalsa20 input, so HSalsa20's
// output words (core(x) at 0, 5, 10, 15, 6, 7, 8, 9) are the keystream words minus x there, where x
// holds the sigma constants at 0, 5, 10, 15 and zeros at 6..9.
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];
function hsalsa20Zero(k) {
  const ks = alloc(64);
  sodium.crypto_stream_salsa20(ks, alloc(8), k);
  const out = alloc(32);
  [0, 5, 10, 15].forEach((w, i) => out.writeUInt32LE((ks.readUInt32LE(w * 4) - SIGMA[i]) >>> 0, i * 4));
  [6, 7, 8, 9].forEach((w, i) => out.writeUInt32LE(ks.readUInt32LE(w * 4), 16 + i * 4));
  return out;
}

// NaCl secretbox with the tag after the ciphertext, keyed by HSalsa20(k0, zero16) as simplexmq does.
function tailTagBox(k0, nonce, plain) {
  const k1 = hsalsa20Zero(k0);
  const ct = alloc(plain.length);
  const tag = alloc(16);
  sodium.crypto_secretbox_detached(ct, tag, plain, nonce, k1);
  return Buffer.concat([ct, tag]);
}
const int64 = (n) => {
  const b = alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};
const lazyPad = (msg, paddedLen) =>
  Buffer.concat([int64(msg.length), msg, Buffer.alloc(paddedLen - msg.length - 8, 0x23)]);

const key = range(1, 32);
const nonce = range(1, 24);
const out = {};

// upstream tests/XFTPWebTests.hs "sbEncryptTailTag matches Haskell"
const msg = Buffer.from('hello streaming');
out.sbTailTag = { key: hex(key), nonce: hex(nonce), msg: hex(msg), paddedLen: 64, cipher: hex(tailTagBox(key, nonce, lazyPad(msg, 64))) };

// FGET body: crypto_box_beforenm(rcvPub, srvPriv) then crypto_secretbox_detached (spec §7.3)
const rcvPriv = range(0x40, 0x5f);
const srvPriv = range(0x60, 0x7f);
const fnonce = range(0xa0, 0xb7);
const rcvPub = alloc(32);
const srvPub = alloc(32);
sodium.crypto_scalarmult_base(rcvPub, rcvPriv);
sodium.crypto_scalarmult_base(srvPub, srvPriv);
const dh = alloc(32);
sodium.crypto_scalarmult(dh, srvPriv, rcvPub);
const chunk = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 0xff));
const ct = alloc(chunk.length);
const tag = alloc(16);
// crypto_box_detached = crypto_box_beforenm (HSalsa20 of the X25519 secret) + secretbox_detached.
sodium.crypto_box_detached(ct, tag, chunk, fnonce, rcvPub, srvPriv);
const body = Buffer.concat([ct, tag]);
if (!tailTagBox(dh, fnonce, chunk).equals(body))
  throw new Error('HSalsa20 derivation disagrees with crypto_box');
out.fgetBody = {
  rcvPriv: hex(rcvPriv), rcvPub: hex(rcvPub), srvPriv: hex(srvPriv), srvPub: hex(srvPub),
  dhSecret: hex(dh), boxKey: hex(hsalsa20Zero(dh)), nonce: hex(fnonce), chunk: hex(chunk), body: hex(body),
};

// Whole-file encryption (upstream FileTransfer/Crypto.hs encryptFile; XFTPWebTests cases)
function fileCase(fileName, fileExtra, source, encSize, digestsOnly = false) {
  const name = Buffer.from(fileName, 'utf8');
  const hdr = Buffer.concat([Buffer.of(name.length), name, fileExtra === undefined ? Buffer.from('0') : Buffer.concat([Buffer.from('1'), Buffer.of(Buffer.byteLength(fileExtra)), Buffer.from(fileExtra)])]);
  const plain = Buffer.concat([hdr, source]);
  const enc = tailTagBox(key, nonce, lazyPad(plain, encSize - 16));
  return {
    fileName, fileExtra: fileExtra ?? null, header: hex(hdr), encSize,
    ...(digestsOnly ? { sourceLength: source.length } : { source: hex(source), encrypted: hex(enc) }),
    sha512: createHash('sha512').update(enc).digest('hex'), sha256: createHash('sha256').update(enc).digest('hex'),
  };
}
out.files = [
  fileCase('test.txt', undefined, Buffer.from('Hello, this is test file content!'), 256),
  fileCase('data.bin', 'meta', Buffer.from('cross-language file test data'), 128),
  // source byte i = (i * 31) & 0xff; only the digests are kept (the file is 128 KB)
  fileCase('фото.jpg', undefined, Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 31) & 0xff)), 65536 * 2, true),
];

// Signed transmission (upstream XFTPWebTests "encodeAuthTransmission signed"): Ed25519 seed 1..32
const pk = alloc(32);
const sk = alloc(64);
sodium.crypto_sign_seed_keypair(pk, sk, range(1, 32));
const sessionId = range(101, 132);
const sb = (b) => Buffer.concat([Buffer.of(b.length), b]);
const authorized = Buffer.concat([sb(sessionId), sb(Buffer.from('xyz')), sb(range(1, 24)), Buffer.from('FPUT')]);
const sig = alloc(64);
sodium.crypto_sign_detached(sig, authorized, sk);
const t = Buffer.concat([sb(sig), authorized]);
const lenT = alloc(2);
lenT.writeUInt16BE(t.length);
out.signedFput = { seed: hex(range(1, 32)), pub: hex(pk), sessionId: hex(sessionId), batch: hex(Buffer.concat([Buffer.of(1), lenT, t])) };

writeFileSync(join(import.meta.dirname, 'xftp-vectors.json'), JSON.stringify(out, null, 2) + '\n');
