// Throughput of the native provider against the pure one, and with/without KeyObject caches.
// Run: npm run bench -w @simplex-relay/node-crypto  (single thread, ops/s; not part of the tests).
import { nobleProvider } from '@simplex-relay/protocol';
import type { CryptoProvider } from '@simplex-relay/protocol';
import { createNodeProvider, nodeProvider } from '../src/index.ts';

const MIN_MS = Number(process.env['BENCH_MS'] ?? 400);

function rate(f: () => void): number {
  for (let i = 0; i < 20; i++) f();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_MS) {
    for (let i = 0; i < 10; i++) f();
    n += 10;
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

const fmt = (x: number): string => (x >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(1));

function suite(p: CryptoProvider): Record<string, string> {
  const msg = p.randomBytes(128);
  const block = p.randomBytes(16 * 1024);
  const key = p.randomBytes(32);
  const nonce = p.randomBytes(24);
  const boxed = p.secretboxSeal(key, nonce, block);
  const r: Record<string, string> = {};
  for (const alg of ['ed25519', 'ed448'] as const) {
    const kp = p[alg].generateKeyPair();
    const sig = p[alg].sign(kp.priv, msg);
    // Fresh copies each call: what a server sees when keys come out of a store per command.
    r[`${alg} sign`] = fmt(rate(() => p[alg].sign(kp.priv.slice(), msg)));
    r[`${alg} verify`] = fmt(rate(() => p[alg].verify(kp.pub.slice(), msg, sig)));
  }
  for (const alg of ['x25519', 'x448'] as const) {
    const a = p[alg].generateKeyPair();
    const b = p[alg].generateKeyPair();
    r[`${alg} dh (known keys)`] = fmt(rate(() => p[alg].dh(b.pub.slice(), a.priv.slice())));
    r[`${alg} keygen + dh`] = fmt(rate(() => p[alg].dh(b.pub, p[alg].generateKeyPair().priv)));
  }
  const mb = (ops: number): string => `${fmt((ops * block.length) / 1e6)} MB/s`;
  r['secretbox seal 16 KB'] = mb(rate(() => p.secretboxSeal(key, nonce, block)));
  r['secretbox open 16 KB'] = mb(rate(() => p.secretboxOpen(key, nonce, boxed)));
  r['hsalsa20'] = fmt(rate(() => p.hsalsa20(key, nonce.subarray(0, 16))));
  r['sha256 16 KB'] = mb(rate(() => p.sha256(block)));
  r['hkdfSha512 64 B'] = fmt(rate(() => p.hkdfSha512(key, key, msg, 64)));
  return r;
}

const providers: [string, CryptoProvider][] = [
  ['noble', nobleProvider],
  ['node (cached)', nodeProvider],
  ['node (no cache)', createNodeProvider({ publicKeyCache: 0, privateKeyCache: 0 })],
];
const results = providers.map(([name, p]) => [name, suite(p)] as const);
const rows = Object.keys(results[0]?.[1] ?? {});
console.log(['operation', ...results.map(([n]) => n)].join(' | '));
for (const row of rows) console.log([row, ...results.map(([, r]) => r[row])].join(' | '));
