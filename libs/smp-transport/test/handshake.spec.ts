// Both handshake sides over real TLS on 127.0.0.1 (spec smp.md §3, §4, §5.3): version choice, block
// encryption, ALPN policy, SNI, identity checks, and BLOCK reporting without losing the connection.
import assert from 'node:assert/strict';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { describe, it } from 'node:test';
import {
  HandshakeError,
  TransportError,
  asciiBytes,
  encodeBrokerMsg,
  encodeCommand,
  encodeResponseTransmission,
  encodeTransmission,
  versionRange,
} from '@simplex-relay/protocol';
import type { CryptoProvider } from '@simplex-relay/protocol';
import { clientHandshake, serverHandshake, tlsClientOptions } from '../src/index.ts';
import type {
  ClientHandshakeOptions,
  ServerHandshakeOptions,
  ReceivedBlock,
  ServerTransmission,
  SmpClientConnection,
  SmpServerConnection,
} from '../src/index.ts';
import type { ClientTransmission } from '@simplex-relay/protocol';
import {
  PROVIDERS,
  connectTls,
  listenTls,
  loadIdentity,
  serverTlsOptions,
  within,
} from './support/fixtures.ts';
import type { ServerIdentity } from './support/fixtures.ts';
import { RecordingBlockSocket, contains } from './support/recording-socket.ts';

const ED448 = loadIdentity('ed448');
const ED25519 = loadIdentity('ed25519');

interface Pair {
  server: SmpServerConnection;
  client: SmpClientConnection;
  serverBlocks: RecordingBlockSocket;
  clientBlocks: RecordingBlockSocket;
  serverSocket: TLSSocket;
  close(): Promise<void>;
}

/** The server end of one accepted connection. */
interface Accepted {
  socket: TLSSocket;
  blocks: RecordingBlockSocket;
  result: Promise<SmpServerConnection>;
}

/** A TLS listener running `serverHandshake` on each connection; `accepted` is the first one. */
async function startServer(
  provider: CryptoProvider,
  opts: Partial<ServerHandshakeOptions> & { identity?: ServerIdentity } = {},
): Promise<{ port: number; accepted: Promise<Accepted>; close(): Promise<void> }> {
  const id = opts.identity ?? ED448;
  let onAccept: (a: Accepted) => void = () => undefined;
  const accepted = new Promise<Accepted>((r) => (onAccept = r));
  const listener = await listenTls(serverTlsOptions(id), (socket) => {
    const blocks = new RecordingBlockSocket(socket);
    const result = serverHandshake(blocks, {
      provider,
      keyHash: id.keyHash,
      certChain: id.certChain,
      signKey: id.signKey,
      ...opts,
    });
    result.catch(() => undefined); // each test inspects it
    onAccept({ socket, blocks, result });
  });
  return { port: listener.port, accepted, close: () => listener.close() };
}

async function establish(
  provider: CryptoProvider,
  client: Partial<ClientHandshakeOptions> = {},
  opts: { identity?: ServerIdentity } = {},
): Promise<Pair> {
  const id = opts.identity ?? ED448;
  const srv = await startServer(provider, opts);
  const socket = await connectTls(srv.port);
  const clientBlocks = new RecordingBlockSocket(socket);
  const c = await within(
    clientHandshake(clientBlocks, { provider, keyHash: id.keyHash, ...client }),
    5000,
    'client handshake',
  );
  const acc = await within(srv.accepted, 5000, 'server accept');
  const server = await within(acc.result, 5000, 'server handshake');
  return {
    server,
    client: c,
    serverBlocks: acc.blocks,
    clientBlocks,
    serverSocket: acc.socket,
    close: async () => {
      c.close();
      server.close();
      await srv.close();
    },
  };
}

/** Sends PING from the client and PONG back; returns what each side decoded. */
async function pingPong(
  p: Pair,
): Promise<{ atServer: ServerTransmission; atClient: ClientTransmission }> {
  const corrId = asciiBytes('corr-id-0123456789abcdef');
  const serverIn = p.server.receive()[Symbol.asyncIterator]();
  const clientIn = p.client.receive()[Symbol.asyncIterator]();
  const cmd = encodeCommand(p.client.params.version, { tag: 'PING' });
  await p.client.sendTransmissions([
    encodeTransmission(p.client.params, { corrId, entityId: new Uint8Array(0), command: cmd }),
  ]);
  const sb = await within(serverIn.next(), 2000, 'PING at the server');
  const atServer = onlyTransmission(sb.value);
  const pong = encodeBrokerMsg(p.server.params.version, { tag: 'PONG' });
  await p.server.sendTransmissions([
    encodeResponseTransmission(p.server.params, corrId, new Uint8Array(0), pong),
  ]);
  const cb = await within(clientIn.next(), 2000, 'PONG at the client');
  return { atServer, atClient: onlyTransmission(cb.value) };
}

function onlyTransmission<T>(b: ReceivedBlock<T> | void): T {
  assert.ok(b && b.type === 'transmissions', 'the block decodes');
  assert.equal(b.transmissions.length, 1);
  return b.transmissions[0] as T;
}

const PONG = asciiBytes('PONG');

for (const provider of PROVIDERS) {
  describe(`SMP handshake over TLS (${provider.name})`, () => {
    it('negotiates v18 with encrypted blocks and the same tls-unique session ID on both sides', async () => {
      const p = await establish(provider);
      try {
        assert.equal(p.client.params.version, 18);
        assert.equal(p.server.params.version, 18);
        assert.equal(p.client.params.sessionId.length, 32, 'TLS 1.3 tls-unique is 32 bytes');
        assert.deepEqual(
          p.server.params.sessionId,
          p.client.params.sessionId,
          'server getPeerFinished = client getFinished',
        );
        assert.ok(
          p.client.params.encryptBlocks && p.server.params.encryptBlocks,
          'v ≥ 11 with both keys encrypts blocks',
        );
        assert.equal(p.server.alpn, 'smp/1');
        assert.equal(p.serverSocket.servername, false, 'the client sent no SNI');
        const { atServer, atClient } = await pingPong(p);
        assert.ok(atServer.ok && atServer.command.tag === 'PING', 'the server decodes the command');
        assert.ok(
          atClient.result.ok && atClient.result.msg.tag === 'PONG',
          'the client decodes the response',
        );
        const pongBlock = p.serverBlocks.written.at(-1) as Uint8Array;
        assert.ok(!contains(pongBlock, PONG), 'the response block is not plaintext on the wire');
      } finally {
        await p.close();
      }
    });

    it('uses plain blocks at v8 when the client offers only 8..8', async () => {
      const p = await establish(provider, { clientVRange: versionRange(8, 8) });
      try {
        assert.equal(p.server.params.version, 8);
        assert.deepEqual(
          p.server.params.sessionVRange,
          { min: 8, max: 8 },
          'server keeps [offered.min, chosen]',
        );
        assert.ok(
          !p.client.params.encryptBlocks && !p.server.params.encryptBlocks,
          'no block encryption below v11',
        );
        await pingPong(p);
        assert.ok(
          contains(p.serverBlocks.written.at(-1) as Uint8Array, PONG),
          'the response is plaintext in its block',
        );
      } finally {
        await p.close();
      }
    });
  });
}

describe('SMP handshake policies', () => {
  const provider = PROVIDERS[PROVIDERS.length - 1] as CryptoProvider;

  it('keeps blocks plain for a client that declares itself a proxy at v14+', async () => {
    const p = await establish(provider, { proxyServer: true });
    try {
      assert.equal(p.server.params.version, 18);
      assert.ok(p.server.params.proxyServer, 'the server sees the proxyServer flag');
      assert.ok(
        !p.client.params.encryptBlocks && !p.server.params.encryptBlocks,
        'proxy connections are not encrypted',
      );
      await pingPong(p);
    } finally {
      await p.close();
    }
  });

  it('sends no SNI, for a host name as for an IP address', async () => {
    const names: (string | false | null)[] = [];
    const listener = await listenTls(serverTlsOptions(ED448), (s) => {
      names.push(s.servername);
      s.destroy();
    });
    try {
      // end(), not destroy(): the client Finished must reach the server for 'secureConnection'.
      for (const host of ['localhost', '127.0.0.1']) (await connectTls(listener.port, host)).end();
      // Control: the same check does see a name when one is configured.
      const named = tls.connect({
        ...tlsClientOptions({ host: '127.0.0.1', port: listener.port }),
        servername: 'smp.example',
      });
      await new Promise<void>((r) => named.once('secureConnect', () => r()));
      named.end();
      await within(
        (async () => {
          while (names.length < 3) await new Promise((r) => setImmediate(r));
        })(),
        2000,
        'three connections',
      );
      assert.deepEqual(
        names,
        [false, false, 'smp.example'],
        'only an explicit servername produces SNI',
      );
    } finally {
      await listener.close();
    }
  });

  it('negotiates over TLS 1.2, where tls-unique is the 12-byte client Finished', async () => {
    const listener = await listenTls(
      { ...serverTlsOptions(ED448), maxVersion: 'TLSv1.2' },
      (socket) => {
        serverHandshake(socket, {
          provider,
          keyHash: ED448.keyHash,
          certChain: ED448.certChain,
          signKey: ED448.signKey,
        }).catch(() => undefined);
      },
    );
    try {
      const socket = await connectTls(listener.port);
      assert.equal(socket.getProtocol(), 'TLSv1.2');
      assert.equal(socket.getCipher().name, 'ECDHE-ECDSA-CHACHA20-POLY1305');
      const client = await clientHandshake(socket, { provider, keyHash: ED448.keyHash });
      assert.equal(client.params.sessionId.length, 12, 'TLS 1.2 verify_data is 12 bytes');
      // The handshake succeeded, so the server hello carried the same value (else TransportError SESSION).
      assert.equal(client.params.version, 18);
      client.close();
    } finally {
      await listener.close();
    }
  });

  it('works with an Ed25519 certificate chain', async () => {
    const p = await establish(provider, {}, { identity: ED25519 });
    try {
      assert.equal(p.client.params.version, 18);
      await pingPong(p);
    } finally {
      await p.close();
    }
  });

  it('closes a TLS client that negotiated no ALPN without sending it anything', async () => {
    const srv = await startServer(provider);
    try {
      const socket = await connectTls(srv.port, 'localhost', []);
      assert.equal(socket.alpnProtocol, false, 'the client offered no ALPN');
      let received = 0;
      socket.on('data', (d: Buffer) => (received += d.length));
      await within(new Promise((r) => socket.once('close', r)), 2000, 'the server to close');
      assert.equal(received, 0, 'not even a server hello was sent');
      const acc = await srv.accepted;
      await assert.rejects(
        acc.result,
        (e: unknown) => e instanceof TransportError && e.code === 'VERSION',
      );
      assert.equal(acc.blocks.written.length, 0);
    } finally {
      await srv.close();
    }
  });

  it('refuses a server whose identity is not the address key hash before sending a block', async () => {
    const srv = await startServer(provider);
    try {
      const blocks = new RecordingBlockSocket(await connectTls(srv.port));
      await assert.rejects(
        clientHandshake(blocks, { provider, keyHash: ED25519.keyHash }),
        (e: unknown) => e instanceof HandshakeError && e.code === 'IDENTITY',
      );
      assert.equal(blocks.written.length, 0, 'the client wrote no block');
      await within(blocks.closed, 2000, 'the client socket to close');
    } finally {
      await srv.close();
    }
  });

  it('refuses a client hello for another server identity (HandshakeError IDENTITY at the server)', async () => {
    // The server believes it is ED25519's identity while presenting the ED448 chain.
    const srv = await startServer(provider, { keyHash: ED25519.keyHash });
    try {
      const client = await clientHandshake(await connectTls(srv.port), {
        provider,
        keyHash: ED448.keyHash,
      });
      const acc = await srv.accepted;
      await assert.rejects(
        within(acc.result, 2000, 'server handshake'),
        (e: unknown) => e instanceof HandshakeError && e.code === 'IDENTITY',
      );
      assert.equal(acc.blocks.written.length, 1, 'only the server hello was sent');
      await within(client.closed, 2000, 'the server to close the connection');
    } finally {
      await srv.close();
    }
  });

  it('rejects a version outside the offered range (TransportError VERSION)', async () => {
    const srv = await startServer(provider, { offered: versionRange(9, 18) });
    try {
      const blocks = new RecordingBlockSocket(await connectTls(srv.port));
      await assert.rejects(
        clientHandshake(blocks, {
          provider,
          keyHash: ED448.keyHash,
          clientVRange: versionRange(4, 8),
        }),
        (e: unknown) => e instanceof TransportError && e.code === 'VERSION',
      );
      assert.equal(blocks.written.length, 0, 'no client hello for an incompatible server');
    } finally {
      await srv.close();
    }
  });

  it('reports an undecryptable block from the server as BLOCK and decodes the next one', async () => {
    const p = await establish(provider);
    try {
      const clientIn = p.client.receive()[Symbol.asyncIterator]();
      const pong = encodeBrokerMsg(18, { tag: 'PONG' });
      const t = encodeResponseTransmission(
        p.server.params,
        asciiBytes('c1'),
        new Uint8Array(0),
        pong,
      );
      p.serverBlocks.corruptNext();
      await p.server.sendTransmissions([t]);
      await p.server.sendTransmissions([t]);
      const first = (await within(clientIn.next(), 2000, 'first block')).value;
      assert.ok(
        first && first.type === 'error' && first.error.code === 'BLOCK',
        'the corrupted block is a BLOCK marker',
      );
      const second = onlyTransmission((await within(clientIn.next(), 2000, 'second block')).value);
      assert.ok(
        second.result.ok && second.result.msg.tag === 'PONG',
        'the receive chain stayed in step',
      );
    } finally {
      await p.close();
    }
  });

  it('reports an undecryptable block from the client as BLOCK at the server and decodes the next one', async () => {
    const p = await establish(provider);
    try {
      const serverIn = p.server.receive()[Symbol.asyncIterator]();
      const ping = encodeTransmission(p.client.params, {
        corrId: asciiBytes('c2'),
        entityId: new Uint8Array(0),
        command: encodeCommand(18, { tag: 'PING' }),
      });
      p.clientBlocks.corruptNext(16383);
      await p.client.sendTransmissions([ping]);
      await p.client.sendTransmissions([ping]);
      const first = (await within(serverIn.next(), 2000, 'first block')).value;
      assert.ok(first && first.type === 'error' && first.error.code === 'BLOCK');
      const second = onlyTransmission((await within(serverIn.next(), 2000, 'second block')).value);
      assert.ok(second.ok && second.command.tag === 'PING');
    } finally {
      await p.close();
    }
  });

  it('reports a plain block with bad framing as BLOCK and keeps going', async () => {
    const p = await establish(provider, { clientVRange: versionRange(8, 8) });
    try {
      const serverIn = p.server.receive()[Symbol.asyncIterator]();
      const ping = encodeTransmission(p.client.params, {
        corrId: asciiBytes('c3'),
        entityId: new Uint8Array(0),
        command: encodeCommand(8, { tag: 'PING' }),
      });
      p.clientBlocks.rewriteNext((b) => {
        const c = b.slice();
        c[2] = 0; // batch count 0: not a valid batch
        return c;
      });
      await p.client.sendTransmissions([ping]);
      await p.client.sendTransmissions([ping]);
      const first = (await within(serverIn.next(), 2000, 'first block')).value;
      assert.ok(first && first.type === 'error' && first.error.code === 'BLOCK');
      const second = onlyTransmission((await within(serverIn.next(), 2000, 'second block')).value);
      assert.ok(second.ok && second.command.tag === 'PING');
    } finally {
      await p.close();
    }
  });

  it('reports transmissions too large for a block and sends the rest', async () => {
    const p = await establish(provider);
    try {
      const big = new Uint8Array(17000);
      const small = encodeTransmission(p.client.params, {
        corrId: asciiBytes('c4'),
        entityId: new Uint8Array(0),
        command: encodeCommand(18, { tag: 'PING' }),
      });
      const report = await p.client.sendTransmissions([small, big, small]);
      assert.deepEqual(report.oversized, [1], 'the oversized item is reported by position');
      assert.equal(report.blocks, 2, 'the oversized item splits the batch but is not sent');
    } finally {
      await p.close();
    }
  });
});

describe('overlapping sendTransmissions calls', () => {
  it('keep the encrypted blocks in chain order even while the socket applies backpressure', async () => {
    const provider = PROVIDERS[PROVIDERS.length - 1] as CryptoProvider; // native: fast enough for 640 KB
    const p = await establish(provider);
    try {
      const v = p.client.params.version;
      // 40 calls of two 16 KB SENDs (two blocks) each, all started at once: far more than the
      // socket buffer, so later calls encrypt while earlier ones wait for 'drain' mid-call.
      const send = (i: number): Promise<unknown> => {
        const corrId = new Uint8Array(24).fill(i);
        const command = encodeCommand(v, {
          tag: 'SEND',
          flags: { notification: false },
          body: new Uint8Array(16_000),
        });
        const t = encodeTransmission(p.client.params, {
          corrId,
          entityId: new Uint8Array(24),
          command,
        });
        return p.client.sendTransmissions([t, t]);
      };
      const sent = Promise.all(Array.from({ length: 40 }, (_, i) => send(i)));
      const seen: number[] = [];
      for await (const b of p.server.receive()) {
        assert.equal(
          b.type,
          'transmissions',
          'every block decrypts: none was written out of chain order',
        );
        if (b.type === 'transmissions')
          for (const t of b.transmissions) seen.push(t.corrId[0] ?? -1);
        if (seen.length === 80) break;
      }
      await sent;
      assert.deepEqual(
        seen,
        Array.from({ length: 80 }, (_, i) => i >> 1),
        'and in call order',
      );
    } finally {
      await p.close();
    }
  });
});
