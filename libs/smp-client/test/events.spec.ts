// Server-initiated transmissions and receive errors (spec smp.md §7.6–§7.8, §8.10, Corrections §5.3):
// events on the stream, MSG returned to the command that fetched it, MSG/NMSG decryption, and a
// corrupted block in either direction costing one block, not the connection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asciiBytes, generateKeyPair, parseServerAddress } from '@simplex-relay/protocol';
import type { BrokerMsg, CryptoProvider } from '@simplex-relay/protocol';
import { clientHandshake } from '@simplex-relay/smp-transport';
import { SmpClient, TimeoutError, decryptRcvMessage } from '../src/index.ts';
import type { SmpEvent } from '../src/index.ts';
import { PROVIDERS, connectTls } from '@simplex-relay/smp-transport/testing';
import { RecordingBlockSocket } from '@simplex-relay/smp-transport/testing';
import { TestSmpServer } from './support/test-server.ts';

const provider = PROVIDERS[PROVIDERS.length - 1] as CryptoProvider;

const messageEvent = (e: SmpEvent): { entityId: Uint8Array; msg: BrokerMsg } => {
  assert.equal(e.type, 'message', `expected a server message event, got ${e.type}`);
  return e as { entityId: Uint8Array; msg: BrokerMsg };
};

describe('SmpClient events', () => {
  let server: TestSmpServer;
  let client: SmpClient;
  before(async () => {
    server = await TestSmpServer.start({ provider });
    client = await SmpClient.connect(server.address, { provider, commandTimeoutMs: 3000 });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  const newQueue = async () => {
    const rcv = generateKeyPair(provider, 'ed25519');
    const q = await client.createQueue({
      rcvAuthKey: rcv,
      rcvDhKey: generateKeyPair(provider, 'x25519'),
    });
    const sq = server.byRcvId(q.rcvId);
    assert.ok(sq);
    return { rcv, q, sq };
  };

  it('delivers server-pushed MSG, END, DELD and NMSG on the event stream, in order', async () => {
    const { q, sq } = await newQueue();
    const ntf = generateKeyPair(provider, 'ed25519');
    sq.notifier = {
      id: provider.randomBytes(24),
      key: ntf.pub,
      rcvNtfDhSecret: provider.randomBytes(32),
    };
    const sc = await server.connectionFor(client.params.sessionId);
    const msg = server.encryptMessage(sq, asciiBytes('pushed'));
    await sc.push(q.rcvId, msg);
    await sc.push(q.rcvId, { tag: 'END' });
    await sc.push(q.rcvId, { tag: 'DELD' });
    await sc.push(sq.notifier.id, server.encryptNMsg(sq, msg.msgId, 1n));
    const got = [];
    for (let i = 0; i < 4; i++) got.push(messageEvent(await client.nextEvent(2000)));
    assert.deepEqual(
      got.map((e) => e.msg.tag),
      ['MSG', 'END', 'DELD', 'NMSG'],
    );
    assert.deepEqual(got[0]?.entityId, q.rcvId, 'queue events carry the recipient ID');
    assert.deepEqual(got[3]?.entityId, sq.notifier.id, 'NMSG carries the notifier ID');
  });

  it('opens a MSG body the server encrypted for the queue (pad 16106, nonce = msgId)', async () => {
    const { q, sq } = await newQueue();
    const sc = await server.connectionFor(client.params.sessionId);
    const msg = server.encryptMessage(sq, asciiBytes('hello, queue'), {
      ts: 1_700_000_001n,
      notification: true,
    });
    assert.equal(msg.encBody.length, 16122, 'every MSG body is 16 + 16106 bytes');
    await sc.push(q.rcvId, msg);
    const { msg: got } = messageEvent(await client.nextEvent(2000));
    assert.ok(got.tag === 'MSG');
    const body = decryptRcvMessage(provider, q.rcvDhSecret, got.msgId, got.encBody);
    assert.deepEqual(body, {
      type: 'message',
      ts: 1_700_000_001n,
      flags: { notification: true },
      body: asciiBytes('hello, queue'),
    });
    assert.throws(
      () => decryptRcvMessage(provider, provider.randomBytes(32), got.msgId, got.encBody),
      /decryption failed/,
      'another secret does not open it',
    );
  });

  it('returns a MSG that answers ACK or SUB to that call, not to the event stream', async () => {
    const { rcv, q, sq } = await newQueue();
    const next = server.encryptMessage(sq, asciiBytes('next one'));
    const first = server.encryptMessage(sq, asciiBytes('first one'));
    server.respond = (c) =>
      c.command.tag === 'ACK' ? next : c.command.tag === 'SUB' ? first : undefined;
    try {
      const sub = await client.subscribe(q.rcvId, rcv.priv);
      assert.deepEqual(sub?.msgId, first.msgId, 'a MSG answering SUB is returned by subscribe');
      const acked = await client.ack(q.rcvId, rcv.priv, first.msgId);
      assert.ok(acked, 'ACK answered with the next message');
      assert.deepEqual(acked.msgId, next.msgId);
      const body = decryptRcvMessage(provider, q.rcvDhSecret, acked.msgId, acked.encBody);
      assert.ok(body.type === 'message' && Buffer.from(body.body).toString() === 'next one');
      const sc = await server.connectionFor(client.params.sessionId);
      await sc.push(q.rcvId, { tag: 'END' });
      assert.equal(
        messageEvent(await client.nextEvent(2000)).msg.tag,
        'END',
        'neither MSG went to the event stream',
      );
    } finally {
      server.respond = undefined;
    }
  });

  it('reports a corrupted block from the server as a blockError event and processes the next block', async () => {
    const { q } = await newQueue();
    const sc = await server.connectionFor(client.params.sessionId);
    sc.blocks.corruptNext();
    await sc.push(q.rcvId, { tag: 'END' });
    await client.ping(); // the next block decrypts: the chains are still in step
    const e = await client.nextEvent(2000);
    assert.ok(e.type === 'blockError' && e.error.code === 'BLOCK', 'the lost block is reported');
  });
});

describe('SmpClient sending a corrupted block', () => {
  it('gets ERR BLOCK with an empty corrId from the server and keeps the connection', async () => {
    const server = await TestSmpServer.start({ provider });
    try {
      const blocks = new RecordingBlockSocket(
        await connectTls(Number(server.address.split(':').at(-1))),
      );
      const { server: srv } = parseServerAddress(server.address);
      const connection = await clientHandshake(blocks, { provider, keyHash: srv.keyHash });
      const client = new SmpClient(
        { connection, server: srv, basicAuth: undefined },
        { commandTimeoutMs: 300 },
      );
      try {
        blocks.corruptNext();
        await assert.rejects(
          client.ping(),
          TimeoutError,
          'the PING in the corrupted block is lost',
        );
        const e = messageEvent(await client.nextEvent(2000));
        assert.deepEqual(
          e.msg,
          { tag: 'ERR', error: { type: 'BLOCK' } },
          'the server reported the block',
        );
        assert.equal(e.entityId.length, 0);
        await client.ping();
        const sc = await server.connectionFor(client.params.sessionId);
        assert.equal(sc.blockErrors, 1);
        assert.deepEqual(
          sc.commands.map((c) => c.command.tag),
          ['PING'],
          'only the intact PING was decoded',
        );
      } finally {
        await client.close();
      }
    } finally {
      await server.close();
    }
  });
});
