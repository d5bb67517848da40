// Crypto micro-benchmark (issue: protocol library): the per-block and per-command operations of
// the relay with the pure @noble provider and the Node-native one (node:crypto + libsodium), side
// by side in one run. Prints median ops/s over 5 rounds and the native ÷ noble ratio.
// Run: npm run -w loadtest bench:crypto
import {
  authorizedBytes,
  cbAuthenticate,
  cbVerify,
  createBlockCipher,
  createChunkDigest,
  generateKeyPair,
  nobleProvider,
  sbAuth,
  sbEncrypt,
  sbEncryptChunk,
  sbInit,
  sign,
  verify,
  type CryptoProvider,
} from '@simplex-relay/protocol';
import { nodeProvider } from '@simplex-relay/node-crypto';
import { fmt, measure } from './bench-util.ts';

const BLOCK_CONTENT = 16_000;

function cases(c: CryptoProvider): [string, () => void][] {
  const sessionId = c.randomBytes(32);
  const secret = c.randomBytes(32);
  const server = createBlockCipher(c, { sessionId, dhSecret: secret, role: 'server' });
  const client = createBlockCipher(c, { sessionId, dhSecret: secret, role: 'client' });
  const content = c.randomBytes(BLOCK_CONTENT);

  const ed = generateKeyPair(c, 'ed25519');
  const corrId = c.randomBytes(24);
  const authorized = authorizedBytes(
    sessionId,
    corrId,
    c.randomBytes(24),
    new TextEncoder().encode('SUB'),
  );
  const sig = sign(c, ed.priv, authorized);

  const serverSession = generateKeyPair(c, 'x25519');
  const queueKey = generateKeyPair(c, 'x25519');
  const authenticator = cbAuthenticate(c, serverSession.pub, queueKey.priv, corrId, authorized);

  const key = c.randomBytes(32);
  const nonce = c.randomBytes(24);
  const body = c.randomBytes(16 * 1024);
  // Not c.randomBytes: noble's is capped at 64 KB per call; the bytes' values do not matter here.
  const chunk = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 131) & 0xff);

  return [
    [
      'block encrypt+decrypt (16 KB, chain step each way)',
      () => void client.decryptBlock(server.encryptBlock(content)),
    ],
    ['Ed25519 verify (SUB authorization)', () => void verify(c, ed.pub, sig, authorized)],
    [
      'X25519 authenticator verify (80 bytes)',
      () => void cbVerify(c, queueKey.pub, serverSession.priv, corrId, authenticator, authorized),
    ],
    [
      'secretbox 16 KB body (SimpleX sbEncrypt)',
      () => void sbEncrypt(c, key, nonce, body, 16 * 1024 + 2),
    ],
    [
      // The XFTP chunk body path (FGET re-encryption, file encryption): the provider's stream core.
      'XFTP stream cipher 1 MB in 16 KB pieces + tag',
      () => {
        const st = sbInit(c, key, nonce);
        for (let o = 0; o < chunk.length; o += 16384)
          sbEncryptChunk(st, chunk.subarray(o, o + 16384));
        sbAuth(st);
      },
    ],
    [
      'XFTP chunk digest SHA-256 1 MB in 16 KB pieces',
      () => {
        const h = createChunkDigest(c);
        for (let o = 0; o < chunk.length; o += 16384) h.update(chunk.subarray(o, o + 16384));
        h.digest();
      },
    ],
  ];
}

const noble = cases(nobleProvider);
const native = cases(nodeProvider);
console.log(`crypto micro-benchmark — node ${process.version}, median of 5 rounds × 400 ms`);
console.log(
  `${'operation'.padEnd(52)} ${'noble ops/s'.padStart(12)} ${'native ops/s'.padStart(13)} ${'ratio'.padStart(7)}`,
);
for (let i = 0; i < noble.length; i++) {
  const [name, nobleOp] = noble[i] as [string, () => void];
  const nativeOp = (native[i] as [string, () => void])[1];
  const a = measure(nobleOp);
  const b = measure(nativeOp);
  console.log(
    `${name.padEnd(52)} ${fmt(a).padStart(12)} ${fmt(b).padStart(13)} ${(b / a).toFixed(1).padStart(6)}×`,
  );
}
