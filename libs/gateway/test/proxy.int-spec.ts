// The gateway's proxy role (spec smp.md §7.11.4) over real TLS: SmpClient (smp-client's private
// routing) → gateway (ed448 fixture identity) → scripted relay (ed25519 fixture identity). Checks
// the shared relay session, PKEY, the PFWD → RFWD → RRES → PRES path, the password gate, the error
// mapping of upstream `smpProxyError`, the remembered connection errors, and that a pending
// proxied command holds up nothing else on the connection.
import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { InProcessTransport, ShardRouter, Subjects } from '@simplex-relay/bus';
import { createRegistry } from '@simplex-relay/observability';
import {
  asciiBytes,
  encodeBase64Url,
  generateKeyPair,
  nobleProvider,
  versionRange,
} from '@simplex-relay/protocol';
import type { SmpServer } from '@simplex-relay/protocol';
import { SmpClient, SmpError } from '@simplex-relay/smp-client';
import type { ProxiedRelay } from '@simplex-relay/smp-client';
import { testSubjectPrefix } from '@simplex-relay/testing';
import { Gateway, prometheusProxyMetrics } from '../src/index.ts';
import type { ProxyOptions } from '../src/index.ts';
import { ScriptedRelay } from './proxy-scripted-relay.ts';
import { fixtureCredentials, waitFor, within } from './support/harness.ts';

const c = nobleProvider;
const body = asciiBytes('hello through the proxy');
const noFlags = { notification: false };

interface Proxy {
  readonly gateway: Gateway;
  readonly address: string;
  metricsText(): Promise<string>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function startProxy(
  o: { proxy?: Partial<ProxyOptions>; password?: string } = {},
): Promise<Proxy> {
  const transport = new InProcessTransport();
  const { tls, identity, fingerprint } = fixtureCredentials();
  const registry = createRegistry('proxy-test', '0');
  const gateway = new Gateway({
    transport,
    subjects: new Subjects(testSubjectPrefix('proxy')),
    router: new ShardRouter(new Uint8Array(32).fill(7), 64),
    tls,
    identity,
    proxy: { connectTimeoutMs: 2000, commandTimeoutMs: 2000, ...o.proxy },
    proxyMetrics: prometheusProxyMetrics(registry),
    ...(o.password !== undefined && { serverPassword: asciiBytes(o.password) }),
  });
  const { port } = await gateway.listen(0, '127.0.0.1');
  cleanups.push(async () => {
    await gateway.close();
    await transport.close();
  });
  return {
    gateway,
    address: `smp://${fingerprint}@127.0.0.1:${port}`,
    metricsText: () => registry.metrics(),
  };
}

async function startRelay(
  o: Parameters<typeof ScriptedRelay.start>[0] = {},
): Promise<ScriptedRelay> {
  const r = await ScriptedRelay.start(o);
  cleanups.push(() => r.close());
  return r;
}

async function connect(address: string): Promise<SmpClient> {
  const client = await SmpClient.connect(address, { provider: c, commandTimeoutMs: 10_000 });
  cleanups.push(() => client.close());
  return client;
}

/** Asserts an SmpError for `command` whose wire text is `ERR <text>`. */
async function rejectsWith(p: Promise<unknown>, command: string, text: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SmpError, `an SmpError, got ${String(e)}`);
    assert.equal(e.message, `${command}: ERR ${text}`);
    return true;
  });
}

const send = (client: SmpClient, s: ProxiedRelay): Promise<void> =>
  client.proxySendMessage(s, c.randomBytes(24), undefined, noFlags, body);

describe('Gateway proxy role', () => {
  it('forwards a SEND through one shared relay session: PRXY → PKEY, PFWD → RFWD → RRES → PRES', async () => {
    const relay = await startRelay();
    const proxy = await startProxy();
    const [a, b] = [await connect(proxy.address), await connect(proxy.address)];
    const sa = await a.createProxySession(relay.address());
    const sb = await b.createProxySession(relay.address());
    assert.deepEqual(sa.sessionId, sb.sessionId, 'both senders share the relay session');
    assert.equal(relay.connections.length, 1, 'one proxy connection to the relay');
    const rc = relay.connections[0];
    assert.ok(rc);
    assert.deepEqual(sa.sessionId, rc.params.sessionId, 'PKEY carries the proxy↔relay session ID');
    assert.equal(rc.params.proxyServer, true, 'the proxy declared itself in the client hello');
    assert.equal(rc.params.version, 18, 'highest common version');
    assert.equal(rc.params.encryptBlocks, false, 'no block encryption towards a relay');
    assert.equal(sa.fwdVersion, 17, 'PKEY range capped at 17 (proxiedSMPRelayVRange)');
    assert.deepEqual(sa.relayKey.raw, rc.sessionKeyPair.pub.raw, 'the relay’s signed hello key');

    const sender = generateKeyPair(c, 'ed25519');
    const senderId = c.randomBytes(24);
    await a.proxySendMessage(sa, senderId, sender.priv, { notification: true }, body);
    await send(b, sb);
    assert.equal(relay.calls.length, 2);
    const [first] = relay.calls;
    assert.ok(first && first.t.command.tag === 'SEND');
    assert.deepEqual(first.t.entityId, senderId);
    assert.deepEqual(first.t.command.body, body, 'the body arrives intact');
    assert.equal(first.fwd.fwdVersion, 17);
    assert.equal(first.rfwdCorrId.length, 24, 'the proxy draws its own corrId for RFWD');
    assert.notDeepEqual(first.rfwdCorrId, first.fwd.fwdCorrId, 'not the client’s');

    const text = await proxy.metricsText();
    assert.match(text, /simplex_smp_relay_sessions_requests\{source="all"[^}]*\} 2/);
    assert.match(text, /simplex_smp_relay_sessions_successes\{source="all"[^}]*\} 2/);
    assert.match(text, /simplex_smp_relay_messages_requests\{source="all"[^}]*\} 2/);
    assert.match(text, /simplex_smp_relay_messages_successes\{source="all"[^}]*\} 2/);
    assert.doesNotMatch(text, /127\.0\.0\.1|relay_[a-z_]+\{[^}]*host/, 'no hosts in metrics');
  });

  it('gates PRXY with the server password and the allowSmpProxy switch (PROXY BASIC_AUTH)', async () => {
    const relay = await startRelay();
    const proxy = await startProxy({ password: 'pw-1' });
    const client = await connect(proxy.address);
    const pw = (s: string): { basicAuth: Uint8Array } => ({ basicAuth: asciiBytes(s) });
    await rejectsWith(client.createProxySession(relay.address()), 'PRXY', 'PROXY BASIC_AUTH');
    await rejectsWith(
      client.createProxySession(relay.address(), pw('pw-2')),
      'PRXY',
      'PROXY BASIC_AUTH',
    );
    await client.createProxySession(relay.address(), pw('pw-1'));
    const off = await startProxy({ password: 'pw-1', proxy: { allowSmpProxy: false } });
    const c2 = await connect(off.address);
    await rejectsWith(
      c2.createProxySession(relay.address(), pw('pw-1')),
      'PRXY',
      'PROXY BASIC_AUTH',
    );
    assert.equal(relay.connections.length, 1, 'refused PRXYs dial nothing');
  });

  it('answers PFWD for an unknown relay session PROXY NO_SESSION, and after the relay dropped the session', async () => {
    const relay = await startRelay();
    const proxy = await startProxy();
    const client = await connect(proxy.address);
    const fake: ProxiedRelay = {
      relay: relayServer(relay),
      sessionId: c.randomBytes(32),
      fwdVersion: 17,
      relayKey: generateKeyPair(c, 'x25519').pub,
    };
    await rejectsWith(send(client, fake), 'PFWD', 'PROXY NO_SESSION');
    const s1 = await client.createProxySession(relay.address());
    relay.dropConnections();
    await waitFor(() => proxy.gateway.proxy.agent.sessionCount === 0, 'the proxy to notice');
    await rejectsWith(send(client, s1), 'PFWD', 'PROXY NO_SESSION');
    const s2 = await client.createProxySession(relay.address());
    assert.notDeepEqual(s2.sessionId, s1.sessionId, 'the next PRXY dialled a new session');
    await send(client, s2);
    assert.equal(relay.connections.length, 2);
  });

  it('maps relay failures as upstream smpProxyError', async () => {
    const relay = await startRelay();
    const proxy = await startProxy({ proxy: { commandTimeoutMs: 500 } });
    const client = await connect(proxy.address);
    const s = await client.createProxySession(relay.address());
    relay.script = () => ({ inner: { tag: 'ERR', error: { type: 'QUOTA' } } });
    await rejectsWith(send(client, s), 'SEND', 'QUOTA'); // the relay's answer to the client
    relay.script = () => ({ outer: { tag: 'ERR', error: { type: 'AUTH' } } });
    await rejectsWith(send(client, s), 'PFWD', 'PROXY PROTOCOL AUTH');
    relay.script = () => ({ outer: { tag: 'PONG' } });
    await assert.rejects(send(client, s), (e: unknown) => {
      assert.ok(e instanceof SmpError && e.command === 'PFWD');
      assert.deepEqual(e.error, {
        type: 'PROXY',
        proxy: { type: 'BROKER', broker: { type: 'UNEXPECTED', text: 'PONG' } },
      });
      return true;
    });
    relay.script = () => ({ rres: c.randomBytes(200) });
    await rejectsWith(send(client, s), 'PFWD', 'CRYPTO');
    relay.script = () => ({ hold: true });
    await rejectsWith(send(client, s), 'PFWD', 'PROXY BROKER TIMEOUT');
    const text = await proxy.metricsText();
    // A relay's own ERR counts as a successful forward, as upstream.
    assert.match(text, /simplex_smp_relay_messages_successes\{source="all"[^}]*\} 2/);
    assert.match(text, /simplex_smp_relay_messages_errors\{source="all",type="other"[^}]*\} 3/);
  });

  it('reports unreachable relays without hanging, and remembers the error for persistErrorMs', async () => {
    const proxy = await startProxy({ proxy: { connectTimeoutMs: 500, persistErrorMs: 60_000 } });
    const client = await connect(proxy.address);
    const closedPort = await freePort();
    const fp = encodeBase64Url(new Uint8Array(32).fill(1));
    await rejectsWith(
      client.createProxySession(`smp://${fp}@127.0.0.1:${closedPort}`),
      'PRXY',
      'PROXY BROKER NETWORK',
    );
    // A host that accepts TCP and never answers: the connect timeout ends the attempt.
    const silent = await silentListener();
    const address = `smp://${fp}@127.0.0.1:${silent.port}`;
    await rejectsWith(client.createProxySession(address), 'PRXY', 'PROXY BROKER NETWORK');
    assert.equal(silent.accepted(), 1);
    await rejectsWith(client.createProxySession(address), 'PRXY', 'PROXY BROKER NETWORK');
    assert.equal(silent.accepted(), 1, 'the remembered error answered; no second dial');
    await rejectsWith(
      client.createProxySession(
        `smp://${fp}@abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion`,
      ),
      'PRXY',
      'PROXY BROKER HOST',
    );
    const text = await proxy.metricsText();
    assert.match(text, /simplex_smp_relay_sessions_errors\{source="all",type="connect"[^}]*\} 3/);
    assert.match(text, /simplex_smp_relay_sessions_errors\{source="all",type="other"[^}]*\} 1/);
  });

  it('dials again once persistErrorMs has passed', async () => {
    const proxy = await startProxy({ proxy: { connectTimeoutMs: 300, persistErrorMs: 1 } });
    const client = await connect(proxy.address);
    const silent = await silentListener();
    const address = `smp://${encodeBase64Url(new Uint8Array(32))}@127.0.0.1:${silent.port}`;
    await rejectsWith(client.createProxySession(address), 'PRXY', 'PROXY BROKER NETWORK');
    const failedAt = Date.now();
    await waitFor(() => Date.now() > failedAt + 1, 'the remembered error to expire');
    await rejectsWith(client.createProxySession(address), 'PRXY', 'PROXY BROKER NETWORK');
    assert.equal(silent.accepted(), 2, 'the expired error was not answered again');
  });

  it('maps identity and handshake failures: wrong key hash → NETWORK, bad signed key → TRANSPORT HANDSHAKE BAD_AUTH', async () => {
    const relay = await startRelay();
    const proxy = await startProxy();
    const client = await connect(proxy.address);
    await rejectsWith(
      client.createProxySession(relay.address(new Uint8Array(32).fill(9))),
      'PRXY',
      'PROXY BROKER NETWORK',
    );
    const other = generateKeyPair(c, 'x25519');
    const tampered = await startRelay({
      rewriteHello: (h) => {
        const ck = h.certChainPubKey;
        if (ck === undefined) return h;
        // A signed key from another session: valid structure, not this key's signature.
        const signedKey = ck.signedKey.slice();
        signedKey.set(other.pub.raw, signedKey.length - 64 - 3 - 7 - 32);
        return { ...h, certChainPubKey: { ...ck, signedKey } };
      },
    });
    await rejectsWith(
      client.createProxySession(tampered.address()),
      'PRXY',
      'PROXY BROKER TRANSPORT HANDSHAKE BAD_AUTH',
    );
  });

  it('works with a relay that offers only 8..13: the proxy caps itself to v10 (no block encryption)', async () => {
    const relay = await startRelay({ offered: versionRange(8, 13) });
    const proxy = await startProxy();
    const client = await connect(proxy.address);
    const s = await client.createProxySession(relay.address());
    assert.equal(relay.connections[0]?.params.version, 10);
    assert.equal(relay.connections[0]?.params.encryptBlocks, false);
    assert.equal(s.fwdVersion, 10, 'PKEY range 8..10');
    await send(client, s);
    assert.equal(relay.calls[0]?.fwd.fwdVersion, 10);
    assert.equal(relay.calls[0]?.t.command.tag, 'SEND');
  });

  it('answers other commands while PFWDs wait for the relay, and sends PRES when it comes', async () => {
    const relay = await startRelay();
    const proxy = await startProxy();
    const client = await connect(proxy.address);
    const s = await client.createProxySession(relay.address());
    relay.script = () => ({ hold: true });
    const pending = [send(client, s), send(client, s)];
    await waitFor(() => relay.calls.length === 2, 'two RFWDs at the relay');
    await within(client.ping(), 5000, 'PONG while both PFWDs are pending');
    relay.script = () => ({ inner: { tag: 'OK' } });
    relay.release();
    await Promise.all(pending);
  });

  it('keeps at most clientConcurrency proxied commands of a connection in flight', async () => {
    const relay = await startRelay();
    const proxy = await startProxy({ proxy: { clientConcurrency: 2 } });
    const client = await connect(proxy.address);
    const s = await client.createProxySession(relay.address());
    relay.script = () => ({ hold: true });
    const pending = [send(client, s), send(client, s), send(client, s)];
    await waitFor(() => relay.calls.length === 2, 'two RFWDs at the relay');
    relay.script = () => ({ inner: { tag: 'OK' } });
    relay.releaseOne();
    await waitFor(() => relay.calls.length === 3, 'the third RFWD');
    assert.equal(
      relay.calls[2]?.answeredBefore,
      1,
      'the third PFWD was forwarded only after one of the first two was answered',
    );
    relay.release();
    await Promise.all(pending);
  });

  it('closes its relay connections when the gateway closes', async () => {
    const relay = await startRelay();
    const proxy = await startProxy();
    const client = await connect(proxy.address);
    await client.createProxySession(relay.address());
    const rc = relay.connections[0];
    assert.ok(rc);
    await proxy.gateway.close();
    await within(rc.closed, 5000, 'the relay connection to close');
  });
});

function relayServer(relay: ScriptedRelay): SmpServer {
  return {
    hosts: [{ kind: 'ipv4', host: '127.0.0.1' }],
    port: String(relay.port),
    keyHash: relay.identity.keyHash,
  };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function silentListener(): Promise<{ port: number; accepted: () => number }> {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const s = net.createServer((sock) => {
    n++;
    sockets.add(sock);
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const x of sockets) x.destroy();
        s.close(() => r());
      }),
  );
  return { port: (s.address() as net.AddressInfo).port, accepted: () => n };
}
