// Private message routing end to end (spec smp.md §7.11): two one-process relays as separate child
// processes, each with its own DATA_DIR, identity and database. Relay A (with a server password) is
// the proxy; relay B hosts the queue. The sender talks only to A; the recipient only to B. Also A
// proxying to itself, the password gate, and destinations that cannot be reached.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { encodeBase64Url, generateKeyPair } from '@simplex-relay/protocol';
import { SmpError } from '@simplex-relay/smp-client';
import { createTestDatabase, startEmbeddedRelay } from '@simplex-relay/testing';
import type { EmbeddedRelay, TestDatabase } from '@simplex-relay/testing';
import { metricValue } from './support/behaviour.ts';
import { Conn, createQueue, provider, subscribeAndReceive, te, text } from './support/client.ts';

const PASSWORD = 'proxy-e2e-pw';

/** Asserts that `p` rejects with SmpError for `command` whose wire text is `ERR <errText>`. */
async function rejectsWith(p: Promise<unknown>, command: string, errText: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SmpError, `an SmpError, got ${String(e)}`);
    assert.equal(e.message, `${command}: ERR ${errText}`);
    return true;
  });
}

describe('private message routing between two relays (separate processes and identities)', () => {
  let a: EmbeddedRelay | undefined;
  let b: EmbeddedRelay | undefined;
  const dbs: TestDatabase[] = [];
  const conns: Conn[] = [];
  const listeners: net.Server[] = [];

  before(async () => {
    const [dbA, dbB] = await Promise.all([
      createTestDatabase({ prefix: 'e2e_proxy_a' }),
      createTestDatabase({ prefix: 'e2e_proxy_b' }),
    ]);
    dbs.push(dbA, dbB);
    [a, b] = await Promise.all([
      startEmbeddedRelay({
        env: { DATABASE_URL: dbA.url, SMP_PASSWORD: PASSWORD, PROXY_CONNECT_TIMEOUT_MS: '1500' },
      }),
      startEmbeddedRelay({ env: { DATABASE_URL: dbB.url } }),
    ]);
  });
  after(async () => {
    for (const c of conns) await c.close();
    for (const l of listeners) l.close();
    await Promise.all([a?.stop(), b?.stop()]);
    for (const d of dbs) await d.drop();
  });

  const relays = (): { a: EmbeddedRelay; b: EmbeddedRelay } => {
    if (a === undefined || b === undefined) throw new Error('the relays did not start');
    return { a, b };
  };
  const open = async (address: string): Promise<Conn> => {
    const c = await Conn.open(address);
    conns.push(c);
    return c;
  };

  it('delivers a message sent through relay A to a queue on relay B', async () => {
    const r = relays();
    const fingerprint = (address: string): string | undefined =>
      /^smp:\/\/([^:@]+)/.exec(address)?.[1];
    assert.notEqual(fingerprint(r.a.address), fingerprint(r.b.address), 'two identities');
    const rcv = await open(r.b.address);
    const q = await createQueue(rcv, { messaging: true });
    const snd = await open(r.a.address); // with A's password: it gates PRXY as upstream
    const session = await snd.client.createProxySession(r.b.address);
    assert.equal(session.fwdVersion, 17, 'PKEY range capped at 17');
    const sndKey = generateKeyPair(provider, 'ed25519');
    const ok = await snd.client.proxyCommand(session, q.sndId, sndKey.priv, {
      tag: 'SKEY',
      senderKey: sndKey.pub,
    });
    assert.equal(ok.tag, 'OK', 'SKEY through the proxy secured the queue on B');
    await snd.client.proxySendMessage(
      session,
      q.sndId,
      sndKey.priv,
      { notification: false },
      te('via A'),
    );
    const m = await subscribeAndReceive(rcv, q);
    assert.equal(text(q, m), 'via A', 'the recipient on B got the message sent to A');
    await assert.rejects(
      snd.client.proxySendMessage(session, q.sndId, undefined, { notification: false }, te('x')),
      (e: unknown) => e instanceof SmpError && e.command === 'SEND' && e.error.type === 'AUTH',
      'B’s own answer (AUTH for an unsigned SEND to a secured queue) comes back through A',
    );
    const second = await open(r.a.address);
    const s2 = await second.client.createProxySession(r.b.address);
    assert.deepEqual(s2.sessionId, session.sessionId, 'A reaches B through one shared session');
    const metricsA = await r.a.metrics();
    assert.ok(metricValue(metricsA, 'simplex_smp_relay_sessions_successes') >= 2);
    assert.ok(metricValue(metricsA, 'simplex_smp_relay_messages_successes') >= 3);
  });

  it('proxies to itself: relay A forwards to its own address', async () => {
    const r = relays();
    const rcv = await open(r.a.address);
    const q = await createQueue(rcv, { messaging: true, subscribe: true });
    const snd = await open(r.a.address);
    const session = await snd.client.createProxySession(r.a.address);
    const sndKey = generateKeyPair(provider, 'ed25519');
    await snd.client.proxyCommand(session, q.sndId, sndKey.priv, {
      tag: 'SKEY',
      senderKey: sndKey.pub,
    });
    await snd.client.proxySendMessage(
      session,
      q.sndId,
      sndKey.priv,
      { notification: false },
      te('to myself'),
    );
    const e = await rcv.take('MSG', q.rcvId);
    assert.equal(text(q, e), 'to myself');
  });

  it('refuses PRXY without the proxy password or with a wrong one (PROXY BASIC_AUTH)', async () => {
    const r = relays();
    const noPw = await open(r.a.address.replace(`:${PASSWORD}@`, '@'));
    await rejectsWith(noPw.client.createProxySession(r.b.address), 'PRXY', 'PROXY BASIC_AUTH');
    await rejectsWith(
      noPw.client.createProxySession(r.b.address, { basicAuth: te('wrong-pw') }),
      'PRXY',
      'PROXY BASIC_AUTH',
    );
    const s = await noPw.client.createProxySession(r.b.address, { basicAuth: te(PASSWORD) });
    assert.equal(s.relay.keyHash.length, 32, 'the right password opens the session');
  });

  it('answers PROXY BROKER NETWORK for destinations that cannot be reached, without hanging', async () => {
    const r = relays();
    const snd = await open(r.a.address);
    const fp = encodeBase64Url(new Uint8Array(32).fill(3));
    const closed = await freePort();
    await rejectsWith(
      snd.client.createProxySession(`smp://${fp}@127.0.0.1:${closed}`),
      'PRXY',
      'PROXY BROKER NETWORK',
    );
    // Accepts TCP, never speaks: A gives up after PROXY_CONNECT_TIMEOUT_MS.
    const silent = net.createServer((s) => s.on('error', () => undefined));
    listeners.push(silent);
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
    const port = (silent.address() as net.AddressInfo).port;
    await rejectsWith(
      snd.client.createProxySession(`smp://${fp}@127.0.0.1:${port}`),
      'PRXY',
      'PROXY BROKER NETWORK',
    );
    // B's host and port with another identity: the certificate check fails.
    const wrongId = r.b.address.replace(/^smp:\/\/[^@]+@/, `smp://${fp}@`);
    await rejectsWith(snd.client.createProxySession(wrongId), 'PRXY', 'PROXY BROKER NETWORK');
    const metricsA = await r.a.metrics();
    assert.ok(metricValue(metricsA, 'simplex_smp_relay_sessions_errors') >= 3);
  });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
