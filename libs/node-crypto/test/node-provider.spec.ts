// The native provider against the shared known-answer contract (libs/protocol) and against the pure
// @noble provider on random inputs: both must agree byte for byte on every primitive.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nobleProvider } from '@simplex-relay/protocol';
// The contract suite is test code of libs/protocol, not part of its public API, so it is imported by
// path (the one deliberate exception to the barrel-only rule; there is no package export for it).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { providerContract } from '../../protocol/test/crypto/provider-contract.ts';
import { createNodeProvider, nodeProvider } from '../src/index.ts';

providerContract('nodeProvider', nodeProvider);
providerContract(
  'nodeProvider without KeyObject caches',
  createNodeProvider({ publicKeyCache: 0, privateKeyCache: 0 }),
);

const node = nodeProvider;
const noble = nobleProvider;
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const anyBytes = (max: number) => fc.uint8Array({ maxLength: max });
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('nodeProvider agrees with nobleProvider on random inputs', () => {
  for (const [alg, keyLen, runs] of [
    ['ed25519', 32, 100],
    ['ed448', 57, 25],
  ] as const) {
    it(`${alg}: same public key and deterministic signature; each verifies the other's`, () => {
      fc.assert(
        fc.property(bytes(keyLen), anyBytes(300), (priv, msg) => {
          const pub = node[alg].publicFromPrivate(priv);
          assert.equal(hexOf(pub), hexOf(noble[alg].publicFromPrivate(priv)), 'public keys');
          const sig = node[alg].sign(priv, msg);
          assert.equal(
            hexOf(sig),
            hexOf(noble[alg].sign(priv, msg)),
            'RFC 8032 signatures are deterministic',
          );
          assert.equal(noble[alg].verify(pub, msg, sig), true, 'noble verifies the node signature');
          assert.equal(
            node[alg].verify(pub, msg, noble[alg].sign(priv, msg)),
            true,
            'node verifies noble',
          );
        }),
        { numRuns: runs },
      );
    });

    it(`${alg}: both reject the same corrupted signatures and random keys, never throwing`, () => {
      const { pub, priv } = node[alg].generateKeyPair();
      const msg = Uint8Array.of(1, 2, 3);
      const sig = node[alg].sign(priv, msg);
      fc.assert(
        fc.property(
          fc.nat(sig.length - 1),
          fc.integer({ min: 1, max: 255 }),
          bytes(keyLen),
          (i, x, rndPub) => {
            const bad = sig.slice();
            bad[i] = (bad[i] as number) ^ x;
            assert.equal(
              node[alg].verify(pub, msg, bad),
              noble[alg].verify(pub, msg, bad),
              `byte ${i} ^ ${x}`,
            );
            assert.equal(
              node[alg].verify(rndPub, msg, sig),
              noble[alg].verify(rndPub, msg, sig),
              'random key',
            );
          },
        ),
        { numRuns: runs },
      );
    });
  }

  for (const [alg, keyLen] of [
    ['x25519', 32],
    ['x448', 56],
  ] as const) {
    it(`${alg}: same public keys and shared secrets, and the same refusals of bad peer keys`, () => {
      fc.assert(
        fc.property(bytes(keyLen), bytes(keyLen), (a, peer) => {
          assert.equal(
            hexOf(node[alg].publicFromPrivate(a)),
            hexOf(noble[alg].publicFromPrivate(a)),
          );
          // `peer` is any byte string, including non-canonical and low-order u-coordinates.
          const run = (p: typeof node): string => {
            try {
              return hexOf(p[alg].dh(peer, a));
            } catch (e) {
              return `throws ${(e as Error).name}`;
            }
          };
          assert.equal(run(node), run(noble));
        }),
        { numRuns: 50 },
      );
    });
  }

  it('secretbox: identical boxes, and each opens the other', () => {
    fc.assert(
      fc.property(bytes(32), bytes(24), anyBytes(2000), (key, nonce, msg) => {
        const boxed = node.secretboxSeal(key, nonce, msg);
        assert.equal(hexOf(boxed), hexOf(noble.secretboxSeal(key, nonce, msg)));
        assert.deepEqual(noble.secretboxOpen(key, nonce, boxed), msg);
        assert.deepEqual(node.secretboxOpen(key, nonce, boxed), msg);
      }),
    );
  });

  it('secretboxOpen: both refuse the same tampered boxes', () => {
    fc.assert(
      fc.property(bytes(32), bytes(24), anyBytes(100), fc.nat(), (key, nonce, msg, at) => {
        const boxed = node.secretboxSeal(key, nonce, msg);
        const bad = boxed.slice();
        const i = at % bad.length;
        bad[i] = (bad[i] as number) ^ 1;
        assert.equal(node.secretboxOpen(key, nonce, bad), undefined);
        assert.equal(noble.secretboxOpen(key, nonce, bad), undefined);
      }),
    );
  });

  it('hkdfSha512, hashes and hsalsa20 give the same bytes', () => {
    fc.assert(
      fc.property(
        anyBytes(100),
        anyBytes(100),
        anyBytes(100),
        fc.integer({ min: 1, max: 255 * 64 }),
        (ikm, salt, info, len) => {
          assert.equal(
            hexOf(node.hkdfSha512(ikm, salt, info, len)),
            hexOf(noble.hkdfSha512(ikm, salt, info, len)),
          );
          assert.equal(hexOf(node.sha256(ikm)), hexOf(noble.sha256(ikm)));
          assert.equal(hexOf(node.sha512(ikm)), hexOf(noble.sha512(ikm)));
          assert.equal(hexOf(node.sha3_384(ikm)), hexOf(noble.sha3_384(ikm)));
        },
      ),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(bytes(32), bytes(16), (k, i) => {
        assert.equal(hexOf(node.hsalsa20(k, i)), hexOf(noble.hsalsa20(k, i)));
      }),
    );
  });
});

describe('KeyObject caches', () => {
  it('key by contents: a reused, overwritten key array signs with the new key', () => {
    const p = createNodeProvider();
    const a = p.ed25519.generateKeyPair();
    const b = p.ed25519.generateKeyPair();
    const priv = a.priv.slice();
    const msg = Uint8Array.of(7);
    assert.equal(p.ed25519.verify(a.pub, msg, p.ed25519.sign(priv, msg)), true);
    priv.set(b.priv); // same array object, different key
    const sig = p.ed25519.sign(priv, msg);
    assert.equal(p.ed25519.verify(b.pub, msg, sig), true, 'must sign with the current bytes');
    assert.equal(
      p.ed25519.verify(a.pub, msg, sig),
      false,
      'a cache keyed by identity would sign with a',
    );
  });

  it('gives the same results with caches of size 1 under churn', () => {
    const tiny = createNodeProvider({ publicKeyCache: 1, privateKeyCache: 1 });
    const keys = Array.from({ length: 4 }, () => nodeProvider.ed448.generateKeyPair());
    const msg = Uint8Array.of(1);
    for (let round = 0; round < 3; round++) {
      for (const k of keys) {
        assert.equal(tiny.ed448.verify(k.pub, msg, tiny.ed448.sign(k.priv, msg)), true);
        for (const other of keys) {
          if (other !== k)
            assert.equal(tiny.ed448.verify(other.pub, msg, tiny.ed448.sign(k.priv, msg)), false);
        }
      }
    }
  });
});
