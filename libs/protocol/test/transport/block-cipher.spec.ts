// Encrypted and plain block codecs (spec smp.md §5.3 and its Corrections entry, §4.4). The chain-key
// vector is the digest's §2.5 computed vector; noble is slow, so the properties use few runs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ENCRYPTED_BLOCK_CONTENT_MAX,
  PlainBlockCodec,
  SMP_BATCH_CONTENT_MAX,
  batchTransmissions,
  decodeBatch,
  SMP_BLOCK_SIZE,
  TransportError,
  blockCodecFor,
  createBlockCipher,
  nobleProvider as c,
  sbDecrypt,
  usesBlockEncryption,
  type BlockCodec,
} from '../../src/index.ts';
import { range, unhex } from '../helpers.ts';

const pair = (
  sessionId: Uint8Array,
  dhSecret: Uint8Array,
): { server: BlockCodec; client: BlockCodec } => ({
  server: createBlockCipher(c, { sessionId, dhSecret, role: 'server' }),
  client: createBlockCipher(c, { sessionId, dhSecret, role: 'client' }),
});

const isBlockError = (e: unknown): boolean => e instanceof TransportError && e.code === 'BLOCK';

describe('createBlockCipher', () => {
  it('encrypts the first server block with sbcHkdf(ck1) of the §2.5 vector (server sends with ck1)', () => {
    const { server } = pair(range(0xa0, 0xbf), range(0x10, 0x2f));
    const block = server.encryptBlock(Uint8Array.of(1, 2, 3));
    assert.equal(block.length, SMP_BLOCK_SIZE);
    const key = unhex('b9683cf6951258cdb2f77964d1b4f55c92ba00a90b2653857ce7e72ab15a9d0d');
    const nonce = unhex('de66688d02c01d478a3801cda0dc6b03b7a4a1ff35efba69');
    assert.deepEqual(
      sbDecrypt(c, key, nonce, block),
      Uint8Array.of(1, 2, 3),
      'independent decryption with the vector key',
    );
  });

  it('round-trips blocks in sequence in both directions, interleaved, with random session keys', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: ENCRYPTED_BLOCK_CONTENT_MAX })), {
          minLength: 1,
          maxLength: 8,
        }),
        (sessionId, secret, steps) => {
          const { server, client } = pair(sessionId, secret);
          steps.forEach(([toServer, n], k) => {
            const content = new Uint8Array(n).fill(k);
            const [from, to] = toServer ? [client, server] : [server, client];
            const block = from.encryptBlock(content);
            assert.equal(block.length, SMP_BLOCK_SIZE);
            assert.deepEqual(to.decryptBlock(block), content, `step ${k}`);
          });
        },
      ),
      { numRuns: 8 },
    );
  });

  it('uses a fresh key per block: the same content never gives the same block twice', () => {
    const { client } = pair(new Uint8Array(32), new Uint8Array(32).fill(1));
    const a = client.encryptBlock(Uint8Array.of(9));
    const b = client.encryptBlock(Uint8Array.of(9));
    assert.notDeepEqual(a, b);
  });

  it('does not decrypt its own direction: client→server blocks are not server→client blocks', () => {
    const { server, client } = pair(new Uint8Array(32), new Uint8Array(32).fill(2));
    assert.throws(() => client.decryptBlock(client.encryptBlock(Uint8Array.of(1))), isBlockError);
    assert.throws(() => server.decryptBlock(server.encryptBlock(Uint8Array.of(1))), isBlockError);
  });

  it('after one corrupted block answers BLOCK and decrypts the next block normally (Corrections, §5.3)', () => {
    const { server, client } = pair(range(0, 31), range(32, 63));
    const b1 = client.encryptBlock(Uint8Array.of(1));
    const b2 = client.encryptBlock(Uint8Array.of(2));
    const b3 = client.encryptBlock(Uint8Array.of(3));
    assert.deepEqual(server.decryptBlock(b1), Uint8Array.of(1));
    const bad = b2.slice();
    bad[100] = (bad[100] as number) ^ 1;
    assert.throws(() => server.decryptBlock(bad), isBlockError, 'the tampered block is refused');
    assert.deepEqual(
      server.decryptBlock(b3),
      Uint8Array.of(3),
      'the receive chain advanced past the bad block',
    );
  });

  it('treats a lost block as the next one failing: each block consumes exactly one chain step', () => {
    const { server, client } = pair(range(0, 31), range(1, 32));
    client.encryptBlock(Uint8Array.of(1)); // never delivered
    const b2 = client.encryptBlock(Uint8Array.of(2));
    assert.throws(() => server.decryptBlock(b2), isBlockError);
  });

  it('refuses content over 16366 bytes with LARGE_MSG without advancing the send chain', () => {
    const { server, client } = pair(range(0, 31), range(2, 33));
    assert.throws(
      () => client.encryptBlock(new Uint8Array(ENCRYPTED_BLOCK_CONTENT_MAX + 1)),
      (e) => e instanceof TransportError && e.code === 'LARGE_MSG',
    );
    assert.deepEqual(
      server.decryptBlock(client.encryptBlock(Uint8Array.of(7))),
      Uint8Array.of(7),
      'still in step',
    );
  });

  it('throws only TransportError BLOCK for random 16384-byte blocks and keeps decrypting afterwards', () => {
    const { server, client } = pair(range(5, 36), range(6, 37));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (head) => {
        const block = new Uint8Array(SMP_BLOCK_SIZE);
        block.set(head);
        client.encryptBlock(new Uint8Array(0)); // keep the sender in step with the receiver's chain
        assert.throws(() => server.decryptBlock(block), isBlockError);
      }),
      { numRuns: 20 },
    );
    assert.deepEqual(server.decryptBlock(client.encryptBlock(Uint8Array.of(4))), Uint8Array.of(4));
  });

  it('refuses blocks of the wrong size and a DH secret that is not 32 bytes as misuse', () => {
    const { server } = pair(range(0, 31), range(0, 31));
    assert.throws(() => server.decryptBlock(new Uint8Array(100)), RangeError);
    assert.throws(
      () =>
        createBlockCipher(c, {
          sessionId: new Uint8Array(32),
          dhSecret: new Uint8Array(31),
          role: 'server',
        }),
      RangeError,
    );
  });
});

describe('batches through the encrypted codec', () => {
  it('every batch batchTransmissions builds fits one encrypted block (16366-byte budget)', () => {
    const { server, client } = pair(range(0, 31), range(9, 40));
    const ts = Array.from({ length: 300 }, (_, i) => new Uint8Array(119).fill(i & 0xff));
    ts.splice(100, 0, new Uint8Array(16363)); // the largest transmission a block can carry
    const batches = batchTransmissions(ts);
    assert.equal(ENCRYPTED_BLOCK_CONTENT_MAX, SMP_BATCH_CONTENT_MAX);
    for (const b of batches) {
      assert.ok(b.type === 'batch');
      assert.deepEqual(
        decodeBatch(server.decryptBlock(client.encryptBlock(b.content))),
        b.transmissions,
      );
    }
  });
});

describe('PlainBlockCodec', () => {
  it('is pad(content, 16384) in both directions, content up to 16382 bytes', () => {
    const p = new PlainBlockCodec();
    const b = p.encryptBlock(new Uint8Array(16382).fill(3));
    assert.equal(b.length, SMP_BLOCK_SIZE);
    assert.deepEqual(p.decryptBlock(b), new Uint8Array(16382).fill(3));
    assert.equal(p.encrypted, false);
  });
});

describe('blockCodecFor (§4.4: v ≥ 11 AND client key AND not proxyServer)', () => {
  it('encrypts exactly when all three conditions hold', () => {
    const sessionId = new Uint8Array(32);
    const dh = new Uint8Array(32).fill(1);
    for (let version = 6; version <= 18; version++) {
      for (const hasKey of [false, true]) {
        for (const proxyServer of [false, true]) {
          const codec = blockCodecFor(c, {
            version,
            sessionId,
            dhSecret: hasKey ? dh : undefined,
            proxyServer,
            role: 'server',
          });
          const expected = version >= 11 && hasKey && !proxyServer;
          assert.equal(codec.encrypted, expected, `v${version} key=${hasKey} proxy=${proxyServer}`);
          assert.equal(usesBlockEncryption(version, hasKey, proxyServer), expected);
        }
      }
    }
  });
});
