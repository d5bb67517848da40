// The relay role of private message routing (spec smp.md §7.11.2, §7.11.3, §7.11.5) against a real
// gateway + queue-store stack over real TLS: a hand-made proxy sends RFWDs, a recipient on SmpClient
// owns the queues. Upstream `Server.hs: processForwardedCommand`, `rejectOrVerify`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeStoreRequest } from '@simplex-relay/bus';
import { nodeProvider } from '@simplex-relay/node-crypto';
import {
  CryptoError,
  cbDecrypt,
  cbDecryptNoPad,
  cbNonce,
  decodeBatch,
  decodeFwdResponse,
  decodeClientTransmission,
  encodeBatch,
  generateKeyPair,
  reverseNonce,
  versionRange,
} from '@simplex-relay/protocol';
import type {
  BrokerMsg,
  ClientTransmission,
  Command,
  KeyPair,
  QueueReqData,
} from '@simplex-relay/protocol';
import { decryptRcvMessage, senderIdForCorrId } from '@simplex-relay/smp-client';
import type { CreatedQueue, ReceivedMessage, SmpClient } from '@simplex-relay/smp-client';
import { TestProxy } from './support/forwarding-proxy.ts';
import { waitFor } from './support/harness.ts';
import type { Forward } from './support/forwarding-proxy.ts';
import { startRelayStack } from './support/relay-stack.ts';
import type { RelayStack, StoreBackend } from './support/relay-stack.ts';

const c = nodeProvider;
const EMPTY = new Uint8Array(0);
const te = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** `ERR …` / tag of a decoded transmission, for compact assertions. */
function show(t: ClientTransmission): string {
  if (!t.result.ok) return `parse error ${JSON.stringify(t.result.error)}`;
  const m = t.result.msg;
  return m.tag === 'ERR' ? `ERR ${errText(m)}` : m.tag;
}
function errText(m: Extract<BrokerMsg, { tag: 'ERR' }>): string {
  const e = m.error;
  if (e.type === 'CMD') return `CMD ${e.cmd}`;
  if (e.type === 'PROXY' && e.proxy.type === 'BROKER' && e.proxy.broker.type === 'TRANSPORT')
    return `PROXY BROKER TRANSPORT ${e.proxy.broker.transport.type}`;
  return e.type;
}

const msgOf = <T extends BrokerMsg['tag']>(t: ClientTransmission, tag: T) => {
  assert.ok(t.result.ok && t.result.msg.tag === tag, `expected ${tag}, got ${show(t)}`);
  return t.result.msg as Extract<BrokerMsg, { tag: T }>;
};

const send = (body: Uint8Array): Command => ({ tag: 'SEND', flags: { notification: false }, body });

interface Queue extends CreatedQueue {
  readonly rKey: KeyPair;
}

async function newQueue(r: SmpClient, queueReqData?: QueueReqData, corrId?: Uint8Array) {
  const rKey = generateKeyPair(c, 'ed25519');
  const q = await r.createQueue({
    rcvAuthKey: rKey,
    rcvDhKey: generateKeyPair(c, 'x25519'),
    ...(queueReqData !== undefined && { queueReqData }),
    ...(corrId !== undefined && { corrId }),
  });
  return { ...q, rKey } satisfies Queue;
}

/** Messages that came back as the answer to an ACK (SUB mode), by recipient ID. */
const acked = new Map<string, ReceivedMessage>();

/** The recipient's next message (an event, or what the last ACK returned), decrypted; then ACKed. */
async function received(r: SmpClient, q: Queue): Promise<Uint8Array> {
  let m = acked.get(hex(q.rcvId));
  acked.delete(hex(q.rcvId));
  if (m === undefined) {
    const e = await r.nextEvent(10_000);
    assert.ok(e.type === 'message' && e.msg.tag === 'MSG', 'a MSG event reached the recipient');
    assert.equal(hex(e.entityId), hex(q.rcvId));
    m = e.msg;
  }
  const body = decryptRcvMessage(c, q.rcvDhSecret, m.msgId, m.encBody);
  assert.equal(body.type, 'message');
  const next = await r.ack(q.rcvId, q.rKey.priv, m.msgId);
  if (next !== undefined) acked.set(hex(q.rcvId), next);
  return body.type === 'message' ? body.body : EMPTY;
}

/** Sends one forwarded command and returns the inner response (checks the outer RRES framing). */
async function forwarded(p: TestProxy, f: Forward): Promise<ClientTransmission> {
  const outer = await p.exchange(f);
  assert.equal(hex(outer.corrId), hex(f.proxyCorrId), 'RRES carries the RFWD corrId');
  assert.equal(outer.entityId.length, 0, 'RRES has an empty entity');
  return p.open(f, outer);
}

/** Counts command ops published to the stores (to show a command never reached one). */
function storeSpy(s: RelayStack): { readonly count: number } {
  const spy = { count: 0 };
  for (const id of s.storeIds)
    s.transport.subscribe(s.subjects.store(id), (m) => {
      spy.count += decodeStoreRequest(m.data).ops.filter((o) => o.type === 'command').length;
    });
  return spy;
}

async function relayMessagesReceived(s: RelayStack): Promise<number> {
  const m = await s.registry.getSingleMetric('simplex_smp_relay_messages_received')?.get();
  return m?.values[0]?.value ?? 0;
}

describe('RFWD (relay role) over a memory store', () => {
  let s: RelayStack;
  let r: SmpClient;
  let p: TestProxy;
  before(async () => {
    s = await startRelayStack('memory');
    r = await s.client();
    p = await TestProxy.connect(s.port, s.keyHash);
  });
  after(async () => {
    p?.close();
    await s?.close();
  });

  it('delivers a forwarded SEND with the inner OK sealed under both reversed nonces, and keeps no state on the proxy connection', async () => {
    assert.equal(p.conn.params.version, 18, 'proxy session at v18');
    assert.equal(p.conn.params.proxyServer, true);
    assert.equal(p.conn.params.encryptBlocks, false, 'proxy sessions use plain blocks');
    const q = await newQueue(r);
    const before = await relayMessagesReceived(s);
    const inner = p.transmission(q.sndId, send(te('via proxy')));
    const f = p.forward(inner.bytes);
    const outer = await p.exchange(f);
    const rres = msgOf(outer, 'RRES');

    // Layering by hand: the proxy's box opens only with the reversed RFWD nonce …
    assert.throws(
      () => cbDecryptNoPad(c, p.sessionSecret, cbNonce(f.proxyCorrId), rres.encFwdResponse),
      CryptoError,
    );
    const fr = decodeFwdResponse(
      cbDecryptNoPad(c, p.sessionSecret, reverseNonce(cbNonce(f.proxyCorrId)), rres.encFwdResponse),
    );
    assert.equal(hex(fr.fwdCorrId), hex(f.fwdCorrId), 'FwdResponse echoes the PFWD corrId');
    // … and the client's only with the reversed PFWD nonce; inside, a one-item batch.
    assert.throws(() => cbDecrypt(c, f.secret, cbNonce(f.fwdCorrId), fr.encResponse), CryptoError);
    assert.equal(fr.encResponse.length, 16226 + 16, 'padded to paddedProxiedTLength');
    const batch = decodeBatch(
      cbDecrypt(c, f.secret, reverseNonce(cbNonce(f.fwdCorrId)), fr.encResponse),
    );
    assert.equal(batch.length, 1);
    const t = decodeClientTransmission(f.params, batch[0] as Uint8Array);
    assert.equal(show(t), 'OK');
    assert.equal(hex(t.corrId), hex(inner.corrId), 'inner response carries the inner corrId');
    assert.equal(hex(t.entityId), hex(q.sndId), 'and the inner entity');

    assert.equal(Buffer.from(await received(r, q)).toString(), 'via proxy');
    assert.equal(await relayMessagesReceived(s), before + 1, 'pMsgFwdsRecv counted');
    const proxyConn = [...s.gateway.connections()].find(
      (x) => hex(x.smp.params.sessionId) === hex(p.conn.params.sessionId),
    );
    assert.ok(proxyConn);
    assert.deepEqual(proxyConn.heldIds(), [], 'nothing forwarded is held for the proxy');
    assert.equal(proxyConn.hasSubscriptions, false);
  });

  it('runs SKEY through the proxy, then SEND authorized with the new X25519 key; a wrong key is inner AUTH', async () => {
    const q = await newQueue(r, { mode: 'messaging' });
    const sKey = generateKeyPair(c, 'x25519'); // authenticators: verified with the session key
    const skey = p.transmission(q.sndId, { tag: 'SKEY', senderKey: sKey.pub }, { key: sKey.priv });
    assert.equal(show(await forwarded(p, p.forward(skey.bytes))), 'OK');

    const unsigned = p.transmission(q.sndId, send(te('no key')));
    const a = await forwarded(p, p.forward(unsigned.bytes));
    assert.equal(show(a), 'ERR AUTH', 'a secured queue refuses an unauthorized SEND');
    assert.equal(hex(a.corrId), hex(unsigned.corrId));
    assert.equal(hex(a.entityId), hex(q.sndId));
    const other = generateKeyPair(c, 'ed25519');
    const wrong = p.transmission(q.sndId, send(te('wrong key')), { key: other.priv });
    assert.equal(show(await forwarded(p, p.forward(wrong.bytes))), 'ERR AUTH');

    const ok = p.transmission(q.sndId, send(te('secured')), { key: sKey.priv });
    assert.equal(show(await forwarded(p, p.forward(ok.bytes))), 'OK');
    assert.equal(Buffer.from(await received(r, q)).toString(), 'secured');
  });

  it('answers LKEY and LGET on short-link queues with LNK', async () => {
    const data = { fixedData: te('fixed'), userData: te('user') };
    const mCorr = new Uint8Array(randomBytes(24));
    const mq = await newQueue(
      r,
      { mode: 'messaging', link: { senderId: senderIdForCorrId(c, mCorr), data } },
      mCorr,
    );
    assert.ok(mq.linkId);
    const sKey = generateKeyPair(c, 'ed25519');
    const lkey = p.transmission(
      mq.linkId,
      { tag: 'LKEY', senderKey: sKey.pub },
      { key: sKey.priv },
    );
    const lnk = msgOf(await forwarded(p, p.forward(lkey.bytes)), 'LNK');
    assert.equal(hex(lnk.senderId), hex(mq.sndId));
    assert.equal(Buffer.from(lnk.data.userData).toString(), 'user');
    const ok = p.transmission(mq.sndId, send(te('after LKEY')), { key: sKey.priv });
    assert.equal(show(await forwarded(p, p.forward(ok.bytes))), 'OK', 'LKEY secured the queue');
    assert.equal(Buffer.from(await received(r, mq)).toString(), 'after LKEY');

    const cCorr = new Uint8Array(randomBytes(24));
    const linkId = new Uint8Array(randomBytes(24));
    const cq = await newQueue(
      r,
      { mode: 'contact', link: { linkId, senderId: senderIdForCorrId(c, cCorr), data } },
      cCorr,
    );
    const lget = p.transmission(linkId, { tag: 'LGET' });
    const got = msgOf(await forwarded(p, p.forward(lget.bytes)), 'LNK');
    assert.equal(hex(got.senderId), hex(cq.sndId));
    assert.equal(Buffer.from(got.data.fixedData).toString(), 'fixed');
    const miss = p.transmission(new Uint8Array(randomBytes(24)), { tag: 'LGET' });
    assert.equal(show(await forwarded(p, p.forward(miss.bytes))), 'ERR AUTH');
  });

  it('refuses every other command with inner CMD PROHIBITED without asking a store', async () => {
    const q = await newQueue(r);
    const spy = storeSpy(s);
    const k = generateKeyPair(c, 'ed25519');
    const cases: [Uint8Array, Command, KeyPair | undefined][] = [
      [q.rcvId, { tag: 'SUB' }, q.rKey],
      [q.rcvId, { tag: 'GET' }, q.rKey],
      [q.rcvId, { tag: 'DEL' }, q.rKey],
      [
        EMPTY,
        {
          tag: 'NEW',
          req: {
            rcvAuthKey: k.pub,
            rcvDhKey: generateKeyPair(c, 'x25519').pub,
            subMode: 'subscribe',
          },
        },
        k,
      ],
      [EMPTY, { tag: 'PING' }, undefined],
      [EMPTY, { tag: 'RFWD', encFwdTransmission: randomBytes(32) }, undefined],
    ];
    for (const [entityId, cmd, key] of cases) {
      const t = p.transmission(entityId, cmd, { key: key?.priv });
      const a = await forwarded(p, p.forward(t.bytes));
      assert.equal(show(a), 'ERR CMD PROHIBITED', `${cmd.tag} is not forwardable`);
      assert.equal(hex(a.corrId), hex(t.corrId));
      assert.equal(hex(a.entityId), hex(entityId));
    }
    // Inner decode errors come first, as upstream (`tDecodeServer` before `rejectOrVerify`).
    const noAuth = p.transmission(q.rcvId, { tag: 'SUB' });
    assert.equal(show(await forwarded(p, p.forward(noAuth.bytes))), 'ERR CMD NO_AUTH');
    await s.transport.flush();
    assert.equal(spy.count, 0, 'no command reached a store');
    // Still subscribed: the forwarded SUB/DEL did nothing.
    const body = te('still here');
    const ok = p.transmission(q.sndId, send(body));
    assert.equal(show(await forwarded(p, p.forward(ok.bytes))), 'OK');
    assert.equal(Buffer.from(await received(r, q)).toString(), 'still here');
  });

  it('answers outer errors with the RFWD corrId and an empty entity; an unparsable inner batch is inner BLOCK', async () => {
    const q = await newQueue(r);
    const inner = p.transmission(q.sndId, send(te('x'))).bytes;
    const outerOf = async (f: Forward): Promise<string> => {
      const o = await p.exchange(f);
      assert.equal(hex(o.corrId), hex(f.proxyCorrId));
      assert.equal(o.entityId.length, 0);
      return show(o);
    };
    const base = p.forward(inner);

    const keyless = await TestProxy.connectWithoutKey(s.port, s.keyHash);
    try {
      const f = { ...base, rfwd: keyless.rawRfwd(base.proxyCorrId, randomBytes(100)) };
      const o = await keyless.exchange(f);
      assert.equal(hex(o.corrId), hex(base.proxyCorrId));
      assert.equal(o.entityId.length, 0);
      assert.equal(
        show(o),
        'ERR PROXY BROKER TRANSPORT NO_AUTH',
        'no hello key, no session secret',
      );
    } finally {
      keyless.close();
    }

    assert.equal(
      await outerOf(p.forward(inner, { encFwdTransmission: randomBytes(200) })),
      'ERR CRYPTO',
      'the proxy box does not open',
    );
    const proxyCorrId = new Uint8Array(randomBytes(24));
    const garbage = p.forward(inner, {
      proxyCorrId,
      encFwdTransmission: p.sealProxyBox(proxyCorrId, te('junk')),
    });
    assert.equal(await outerOf(garbage), 'ERR CMD SYNTAX', 'FwdTransmission does not parse');
    assert.equal(
      await outerOf(p.forward(inner, { encTransmission: randomBytes(16242) })),
      'ERR CRYPTO',
      'the client box does not open',
    );
    const two = p.forward(inner, {
      sealClient: (secret, fwdCorrId) =>
        TestProxy.sealClientBox(secret, fwdCorrId, encodeBatch([inner, inner])),
    });
    assert.equal(await outerOf(two), 'ERR BLOCK', 'only single forwarded transmissions');
    for (const fwdVersion of [7, 19])
      assert.equal(
        await outerOf(p.forward(inner, { fwdVersion })),
        'ERR PROXY BROKER TRANSPORT VERSION',
        `fwdVersion ${fwdVersion} is outside 8..18`,
      );

    // A batch that does not parse (count 0) is upstream's `Left TEBadBlock`: an inner ERR BLOCK
    // with an empty corrId, still sealed for the client.
    const bad = p.forward(inner, {
      sealClient: (secret, fwdCorrId) =>
        TestProxy.sealClientBox(secret, fwdCorrId, new Uint8Array([0])),
    });
    const t = await forwarded(p, bad);
    assert.equal(show(t), 'ERR BLOCK');
    assert.equal(t.corrId.length, 0);
    assert.equal(t.entityId.length, 0);
  });

  it('applies the SEND size limit of fwdVersion: 16064 bytes pass at 8, 16049 are LARGE_MSG at 17', async () => {
    const q = await newQueue(r);
    const big = new Uint8Array(16064).fill(0x61);
    const at8 = p.transmission(q.sndId, send(big), { fwdVersion: 8 });
    assert.equal(show(await forwarded(p, p.forward(at8.bytes, { fwdVersion: 8 }))), 'OK');
    assert.equal((await received(r, q)).length, 16064);
    const at17 = p.transmission(q.sndId, send(big.subarray(0, 16049)), { fwdVersion: 17 });
    assert.equal(
      show(await forwarded(p, p.forward(at17.bytes, { fwdVersion: 17 }))),
      'ERR LARGE_MSG',
    );
    const max17 = p.transmission(q.sndId, send(big.subarray(0, 16048)), { fwdVersion: 17 });
    assert.equal(show(await forwarded(p, p.forward(max17.bytes, { fwdVersion: 17 }))), 'OK');
    assert.equal((await received(r, q)).length, 16048);
  });

  it('forwards at fwdVersion 8 and 17 for an old proxy (client range 4..8: v8, plain blocks, no proxy flag)', async () => {
    const old = await TestProxy.connect(s.port, s.keyHash, versionRange(4, 8));
    try {
      assert.equal(old.conn.params.version, 8);
      assert.equal(old.conn.params.encryptBlocks, false);
      const find = () =>
        [...s.gateway.connections()].find(
          (x) => hex(x.smp.params.sessionId) === hex(old.conn.params.sessionId),
        );
      await waitFor(() => find() !== undefined, 'the relay holds the old proxy connection');
      const conn = find();
      assert.ok(conn);
      assert.notEqual(conn.smp.params.proxyServer, true, 'v8 hellos carry no proxyServer flag');
      const q = await newQueue(r);
      for (const fwdVersion of [8, 17]) {
        const t = old.transmission(q.sndId, send(te(`v${fwdVersion}`)), { fwdVersion });
        assert.equal(show(await forwarded(old, old.forward(t.bytes, { fwdVersion }))), 'OK');
        assert.equal(Buffer.from(await received(r, q)).toString(), `v${fwdVersion}`);
      }
    } finally {
      old.close();
    }
  });

  // An RFWD fills a block by itself (16242-byte client box + both layers): the order is kept
  // across blocks, a store-bound RFWD is not overtaken by the PING answered locally.
  it('answers RFWDs in command order among other commands', async () => {
    const q = await newQueue(r);
    const f1 = p.forward(p.transmission(q.sndId, send(te('one'))).bytes);
    const ping = p.ping(te('ping'));
    const f2 = p.forward(p.transmission(q.sndId, send(te('two'))).bytes);
    await p.send([f1.rfwd, ping, f2.rfwd]);
    const [a, b, d] = await p.take(3);
    assert.ok(a && b && d);
    assert.equal(hex(a.corrId), hex(f1.proxyCorrId));
    assert.equal(show(b), 'PONG');
    assert.equal(hex(d.corrId), hex(f2.proxyCorrId));
    assert.equal(show(p.open(f1, a)), 'OK');
    assert.equal(show(p.open(f2, d)), 'OK');
    assert.equal(Buffer.from(await received(r, q)).toString(), 'one');
    assert.equal(Buffer.from(await received(r, q)).toString(), 'two');
  });
});

describe('RFWD when the store does not answer', () => {
  it('answers RRES with inner ERR INTERNAL after the answer timeout', async () => {
    const s = await startRelayStack('memory', { answerTimeoutMs: 500 });
    const p = await TestProxy.connect(s.port, s.keyHash);
    try {
      await s.stopStores();
      const sndId = new Uint8Array(randomBytes(24));
      const t = p.transmission(sndId, send(te('lost')));
      const a = await forwarded(p, p.forward(t.bytes));
      assert.equal(show(a), 'ERR INTERNAL');
      assert.equal(hex(a.corrId), hex(t.corrId));
      assert.equal(hex(a.entityId), hex(sndId));
    } finally {
      p.close();
      await s.close();
    }
  });
});

const backend: StoreBackend = 'postgres';
describe('RFWD over two Postgres stores', () => {
  it('follows the store redirect for a forwarded LGET whose link ID lives on the other store', async () => {
    const s = await startRelayStack(backend);
    const p = await TestProxy.connect(s.port, s.keyHash);
    try {
      const r = await s.client();
      const corrId = new Uint8Array(randomBytes(24));
      const senderId = senderIdForCorrId(c, corrId);
      const half = s.router.count / 2;
      const side = (id: Uint8Array): boolean => s.router.ofClientId(id) < half;
      let linkId = new Uint8Array(randomBytes(24));
      while (side(linkId) === side(senderId)) linkId = new Uint8Array(randomBytes(24));
      const data = { fixedData: te('pg fixed'), userData: te('pg user') };
      const q = await newQueue(r, { mode: 'contact', link: { linkId, senderId, data } }, corrId);
      const spy = storeSpy(s);
      const lget = p.transmission(linkId, { tag: 'LGET' });
      const lnk = msgOf(await forwarded(p, p.forward(lget.bytes)), 'LNK');
      assert.equal(hex(lnk.senderId), hex(q.sndId));
      assert.equal(spy.count, 2, 'asked the link ID’s store, then the queue’s');
      const t = p.transmission(q.sndId, send(te('to contact')));
      assert.equal(show(await forwarded(p, p.forward(t.bytes))), 'OK');
      assert.equal(Buffer.from(await received(r, q)).toString(), 'to contact');
    } finally {
      p.close();
      await s.close();
    }
  });
});
