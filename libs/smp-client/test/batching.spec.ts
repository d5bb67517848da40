// Batching (spec smp.md §5.2, §8.10; upstream `batchTransmissions_`, `tests/CoreTests/BatchingTests.hs`):
// commands of one turn share blocks, 1000 SUBs fit 8 blocks, and an oversized command is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TransportError, generateKeyPair } from '@simplex-relay/protocol';
import type { CryptoProvider } from '@simplex-relay/protocol';
import { SmpClient } from '../src/index.ts';
import { PROVIDERS } from '@simplex-relay/smp-transport/testing';
import { TestSmpServer } from './support/test-server.ts';

const provider = PROVIDERS[PROVIDERS.length - 1] as CryptoProvider;

describe('SmpClient batching', () => {
  let server: TestSmpServer;
  let client: SmpClient;
  before(async () => {
    server = await TestSmpServer.start({ provider });
    client = await SmpClient.connect(server.address, { provider });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  it('sends 1000 SUBs in at most 8 blocks and gets all 1000 responses', async () => {
    const key = generateKeyPair(provider, 'ed25519');
    const rcvIds = Array.from({ length: 1000 }, () => provider.randomBytes(24));
    server.respond = (c) => {
      if (c.command.tag !== 'SUB') return undefined;
      return c.conn.verifyAuth(c, key.pub)
        ? { tag: 'SOK' }
        : { tag: 'ERR', error: { type: 'AUTH' } };
    };
    try {
      const sc = await server.connectionFor(client.params.sessionId);
      const blocksBefore = sc.blocksReceived;
      const sentBefore = client.blocksSent;
      const results = await client.subscribeMany(rcvIds.map((rcvId) => ({ rcvId, key: key.priv })));
      assert.equal(results.length, 1000);
      assert.ok(
        results.every((r) => r.ok && r.msg === undefined),
        'every SUB got SOK: its signature verified at the server',
      );
      const blocks = sc.blocksReceived - blocksBefore;
      // A v18 Ed25519 SUB is 119 bytes: 135 per block (BatchingTests.hs), so ⌈1000/135⌉ = 8.
      assert.ok(blocks <= 8, `1000 SUBs took ${blocks} blocks`);
      assert.equal(client.blocksSent - sentBefore, blocks, 'the client counts the same blocks');
      const subs = sc.commands.filter((c) => c.command.tag === 'SUB').slice(-1000);
      assert.deepEqual(
        subs.map((c) => Buffer.from(c.entityId).toString('hex')),
        rcvIds.map((id) => Buffer.from(id).toString('hex')),
        'the server received the SUBs in the order given',
      );
    } finally {
      server.respond = undefined;
    }
  });

  it('puts commands issued in the same turn into one block', async () => {
    const sc = await server.connectionFor(client.params.sessionId);
    const before = sc.blocksReceived;
    await Promise.all(Array.from({ length: 20 }, () => client.ping()));
    assert.equal(sc.blocksReceived - before, 1, '20 PINGs of one turn share a block');
    const blocks = new Set(sc.commands.slice(-20).map((c) => c.blockIndex));
    assert.equal(blocks.size, 1);
  });

  it('refuses a command too large for a block without sending it, and still sends the others', async () => {
    const sc = await server.connectionFor(client.params.sessionId);
    const before = sc.commands.length;
    const big = client.sendMessage(provider.randomBytes(24), undefined, new Uint8Array(16_400));
    const ping = client.ping();
    await assert.rejects(
      big,
      (e: unknown) => e instanceof TransportError && e.code === 'LARGE_MSG',
    );
    await ping;
    assert.deepEqual(
      sc.commands.slice(before).map((c) => c.command.tag),
      ['PING'],
      'only the PING reached the server',
    );
  });
});
