// SmpClient.connect against the scripted test server over real TLS on 127.0.0.1 (spec smp.md §3,
// §4, §5.3, §9): version negotiation at the feature boundaries, block encryption, and refusal of
// servers that fail the identity, signed-key or session checks.
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { asciiBytes, generateKeyPair, signX509Key, versionRange } from '@simplex-relay/protocol';
import type { CryptoProvider } from '@simplex-relay/protocol';
import { ConnectError, HandshakeError, SmpClient, TransportError } from '../src/index.ts';
import { PROVIDERS, loadIdentity } from '@simplex-relay/smp-transport/testing';
import { contains } from '@simplex-relay/smp-transport/testing';
import { TestSmpServer } from './support/test-server.ts';

const isHandshake = (code: string) => (e: unknown) =>
  e instanceof HandshakeError && e.code === code;
const isTransport = (code: string) => (e: unknown) =>
  e instanceof TransportError && e.code === code;

for (const provider of PROVIDERS) {
  describe(`SmpClient.connect (${provider.name})`, () => {
    let server: TestSmpServer;
    before(async () => (server = await TestSmpServer.start({ provider })));
    after(() => server.close());

    it('connects at v18 with encrypted blocks and answers PING with PONG', async () => {
      const client = await SmpClient.connect(server.address, { provider });
      try {
        assert.equal(client.params.version, 18, 'both sides support 18');
        assert.ok(client.params.encryptBlocks, 'v18 with session keys encrypts blocks');
        await client.ping();
        const sc = await server.connectionFor(client.params.sessionId);
        assert.deepEqual(
          sc.conn.params.sessionId,
          client.params.sessionId,
          'both ends agree on tls-unique',
        );
        assert.equal(sc.commands.at(-1)?.command.tag, 'PING');
        assert.ok(
          !contains(sc.blocks.written.at(-1) as Uint8Array, asciiBytes('PONG')),
          'PONG is not plaintext on the wire',
        );
      } finally {
        await client.close();
      }
    });
  });
}

describe('SmpClient version boundaries', () => {
  const provider = PROVIDERS[PROVIDERS.length - 1] as CryptoProvider;
  let server: TestSmpServer;
  before(async () => (server = await TestSmpServer.start({ provider })));
  after(() => server.close());

  // client max, whether blocks are encrypted, and the queue mode the server decodes from NEW
  const cases = [
    { max: 8, encrypted: false, mode: undefined },
    { max: 10, encrypted: false, mode: 'messaging' },
    { max: 11, encrypted: true, mode: 'messaging' },
    { max: 14, encrypted: true, mode: 'messaging' },
    { max: 15, encrypted: true, mode: 'messaging' },
    { max: 16, encrypted: true, mode: 'messaging' },
    { max: 17, encrypted: true, mode: 'messaging' },
  ] as const;
  for (const c of cases) {
    it(`negotiates v${c.max} for a client offering 8..${c.max}, ${c.encrypted ? 'encrypted' : 'plain'} blocks, and runs NEW/SUB`, async () => {
      const client = await SmpClient.connect(server.address, {
        provider,
        clientVRange: versionRange(8, c.max),
      });
      try {
        assert.equal(client.params.version, c.max);
        assert.equal(client.params.encryptBlocks, c.encrypted, 'block encryption starts at v11');
        const rcvAuthKey = generateKeyPair(provider, 'ed25519');
        const q = await client.createQueue({
          rcvAuthKey,
          rcvDhKey: generateKeyPair(provider, 'x25519'),
          queueReqData: { mode: 'messaging' },
        });
        const sc = await server.connectionFor(client.params.sessionId);
        const cmd = sc.commands.at(-1)?.command;
        assert.ok(cmd?.tag === 'NEW');
        assert.equal(
          cmd.req.queueReqData?.mode,
          c.mode,
          'the queue mode travels from v9 (as sndSecure until v14)',
        );
        assert.equal(q.queueMode, c.mode, 'IDS reports the mode from v9');
        // SOK from v16, OK below: both must resolve the subscription.
        assert.equal(await client.subscribe(q.rcvId, rcvAuthKey.priv), undefined);
        const sub = sc.commands.at(-1);
        assert.equal(sub?.serviceSig, undefined, 'an ordinary client sends no service signature');
        // The answer echoes the 24-byte corrId: visible in a plain block, never in an encrypted one.
        const plain = contains(
          sc.blocks.written.at(-1) as Uint8Array,
          (sub as { corrId: Uint8Array }).corrId,
        );
        assert.equal(
          plain,
          !c.encrypted,
          'the SUB answer is plaintext on the wire only without encryption',
        );
      } finally {
        await client.close();
      }
    });
  }

  it('keeps blocks plain for a client that declares itself a proxy (v14+)', async () => {
    const client = await SmpClient.connect(server.address, { provider, proxyServer: true });
    try {
      assert.equal(client.params.version, 18);
      assert.ok(client.params.proxyServer);
      assert.ok(!client.params.encryptBlocks, 'proxyServer disables block encryption');
      await client.ping();
      const sc = await server.connectionFor(client.params.sessionId);
      assert.ok(sc.conn.params.proxyServer && !sc.conn.params.encryptBlocks, 'the server agrees');
      assert.ok(
        contains(sc.blocks.written.at(-1) as Uint8Array, asciiBytes('PONG')),
        'PONG is plaintext on the wire',
      );
    } finally {
      await client.close();
    }
  });
});

describe('SmpClient refuses servers that fail the handshake checks', () => {
  const provider = PROVIDERS[PROVIDERS.length - 1] as CryptoProvider;

  it('refuses an address with another key hash (IDENTITY) before sending a block', async () => {
    const server = await TestSmpServer.start({ provider });
    try {
      const wrong = server.addressWithKeyHash(loadIdentity('ed25519').keyHash);
      await assert.rejects(SmpClient.connect(wrong, { provider }), isHandshake('IDENTITY'));
      const e = await server.handshakeError();
      assert.equal(
        (e as Error).name,
        'ConnectionClosedError',
        'the server received no client hello',
      );
      assert.equal(server.connections.length, 0);
    } finally {
      await server.close();
    }
  });

  it('refuses a server hello whose session key signature does not verify (BAD_AUTH)', async () => {
    const server = await TestSmpServer.start({
      provider,
      rewriteHello: (h) => {
        const ck = h.certChainPubKey;
        assert.ok(ck);
        const signedKey = ck.signedKey.slice();
        signedKey[signedKey.length - 1] = (signedKey.at(-1) as number) ^ 0x01; // last signature byte: still DER, no longer valid
        return { ...h, certChainPubKey: { ...ck, signedKey } };
      },
    });
    try {
      await assert.rejects(
        SmpClient.connect(server.address, { provider }),
        isHandshake('BAD_AUTH'),
      );
      assert.equal(
        ((await server.handshakeError()) as Error).name,
        'ConnectionClosedError',
        'no client hello was sent',
      );
    } finally {
      await server.close();
    }
  });

  it('refuses a server hello signed by a key other than the TLS certificate key (BAD_AUTH)', async () => {
    const other = loadIdentity('ed25519');
    const server = await TestSmpServer.start({
      provider,
      rewriteHello: (h) => {
        const ck = h.certChainPubKey;
        assert.ok(ck);
        // A well-formed signed key, made with another certificate's private key.
        const signedKey = signX509Key(
          provider,
          other.signKey,
          generateKeyPair(provider, 'x25519').pub,
        );
        return { ...h, certChainPubKey: { ...ck, signedKey } };
      },
    });
    try {
      await assert.rejects(
        SmpClient.connect(server.address, { provider }),
        isHandshake('BAD_AUTH'),
      );
    } finally {
      await server.close();
    }
  });

  it('refuses a server hello with another session ID (TransportError SESSION)', async () => {
    const server = await TestSmpServer.start({
      provider,
      rewriteHello: (h) => ({ ...h, sessionId: provider.randomBytes(32) }),
    });
    try {
      await assert.rejects(SmpClient.connect(server.address, { provider }), isTransport('SESSION'));
      assert.equal(
        ((await server.handshakeError()) as Error).name,
        'ConnectionClosedError',
        'no client hello was sent',
      );
    } finally {
      await server.close();
    }
  });

  it('reports a refused TCP connection as ConnectError', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const keyHash = Buffer.from(loadIdentity().keyHash).toString('base64url');
    await assert.rejects(
      SmpClient.connect(`smp://${keyHash}=@127.0.0.1:${port}`, {
        provider,
        connectTimeoutMs: 2000,
      }),
      (e: unknown) =>
        e instanceof ConnectError && (e.cause as NodeJS.ErrnoException).code === 'ECONNREFUSED',
    );
  });
});
