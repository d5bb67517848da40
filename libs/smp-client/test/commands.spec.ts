// SmpClient commands against the scripted server (spec smp.md §6.1–§6.4, §7, §8.10): authorization
// of each key type over the session-bound bytes, corrId matching in any order, typed errors, and the
// typed recipient/sender/notifier API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Writer,
  asciiBytes,
  encodeCommand,
  generateKeyPair,
  versionRange,
} from '@simplex-relay/protocol';
import type { CryptoProvider, KeyAlgorithm } from '@simplex-relay/protocol';
import {
  ConnectionClosedError,
  SmpClient,
  SmpError,
  TimeoutError,
  UnexpectedResponseError,
  decryptNMsgMeta,
  rcvNtfDhSecret,
} from '../src/index.ts';
import { PROVIDERS } from '@simplex-relay/smp-transport/testing';
import { TestSmpServer } from './support/test-server.ts';
import type { RecordedCommand } from './support/test-server.ts';

const startsWith = (b: Uint8Array, p: Uint8Array): boolean =>
  b.length >= p.length && p.every((x, i) => b[i] === x);

for (const provider of PROVIDERS) {
  describe(`SmpClient authorization (${provider.name})`, () => {
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

    const expectedAuthLength: Record<string, number> = { ed25519: 64, ed448: 114, x25519: 80 };
    for (const alg of ['ed25519', 'ed448', 'x25519'] as const satisfies readonly KeyAlgorithm[]) {
      it(`authorizes NEW with an ${alg} recipient key over sb(sessionId) || sb(corrId) || sb(entityId) || command`, async () => {
        const rcvAuthKey = generateKeyPair(provider, alg);
        const q = await client.createQueue({
          rcvAuthKey,
          rcvDhKey: generateKeyPair(provider, 'x25519'),
        });
        assert.equal(q.rcvId.length, 24, 'IDS came back: the server accepted the authorization');
        const sc = await server.connectionFor(client.params.sessionId);
        const rec = sc.commands.at(-1) as RecordedCommand;
        assert.equal(rec.command.tag, 'NEW');
        assert.equal(
          rec.auth?.bytes.length,
          expectedAuthLength[alg],
          'authorization length identifies its kind',
        );
        assert.equal(rec.auth?.type, alg === 'x25519' ? 'authenticator' : 'signature');
        const sessionPrefix = new Writer(40).bytes(client.params.sessionId).finish();
        assert.ok(
          startsWith(rec.authorized, sessionPrefix),
          'authorized bytes start with sb(sessionId) although v18 does not send it',
        );
        const cmd = encodeCommand(18, rec.command);
        assert.deepEqual(
          rec.authorized.subarray(rec.authorized.length - cmd.length),
          cmd,
          'the command is authorized verbatim',
        );
        assert.ok(
          sc.verifyAuth(rec, rcvAuthKey.pub),
          'the authorization verifies with the command key',
        );
        assert.ok(!sc.verifyAuth(rec, generateKeyPair(provider, alg).pub), 'and with no other key');
        // The authorization is bound to the whole authorized byte string.
        const tampered = { ...rec, authorized: rec.authorized.slice(0, -1) };
        assert.ok(
          !sc.verifyAuth(tampered, rcvAuthKey.pub),
          'changing the authorized bytes breaks it',
        );
      });
    }
  });
}

describe('SmpClient responses', () => {
  const provider = PROVIDERS[PROVIDERS.length - 1] as CryptoProvider;
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

  it('matches responses to commands by corrId when they arrive in reverse order', async () => {
    const key = generateKeyPair(provider, 'ed25519').priv;
    const ids = [1, 2, 3].map((i) => new Uint8Array(24).fill(i));
    server.respond = (c) => (c.command.tag === 'QUE' ? null : undefined); // hold every QUE
    try {
      const infos = Promise.all(ids.map((id) => client.getQueueInfo(id, key)));
      const sc = await server.connectionFor(client.params.sessionId);
      await server.waitFor(
        () => (sc.commands.filter((c) => c.command.tag === 'QUE').length === 3 ? true : undefined),
        2000,
        '3 QUE',
      );
      const que = sc.commands.filter((c) => c.command.tag === 'QUE');
      for (const c of [...que].reverse()) {
        await sc.reply(c, {
          tag: 'INFO',
          info: { hasSender: false, hasNotifier: false, size: c.entityId[0] as number },
        });
      }
      const sizes = (await infos).map((i) => i.size);
      assert.deepEqual(sizes, [1, 2, 3], 'each call got the answer carrying its own corrId');
    } finally {
      server.respond = undefined;
    }
  });

  it('turns ERR AUTH into an SmpError carrying {type: "AUTH"}', async () => {
    const key = generateKeyPair(provider, 'ed25519').priv;
    const e = await client.subscribe(provider.randomBytes(24), key).then(
      () => assert.fail('SUB of an unknown queue must fail'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof SmpError);
    assert.deepEqual(e.error, { type: 'AUTH' });
    assert.equal(e.command, 'SUB');
    assert.match(e.message, /ERR AUTH/);
  });

  it('turns ERR CMD into an SmpError with the command error', async () => {
    await assert.rejects(
      client.getLinkData(provider.randomBytes(24)),
      (e: unknown) =>
        e instanceof SmpError && e.error.type === 'CMD' && e.error.cmd === 'PROHIBITED',
    );
  });

  it('rejects a response of the wrong type with UnexpectedResponseError', async () => {
    server.respond = (c) => (c.command.tag === 'QUE' ? { tag: 'OK' } : undefined);
    try {
      await assert.rejects(
        client.getQueueInfo(provider.randomBytes(24), generateKeyPair(provider, 'ed448').priv),
        UnexpectedResponseError,
      );
    } finally {
      server.respond = undefined;
    }
  });

  it('times out a command that gets no response and forgets it', async () => {
    const quick = await SmpClient.connect(server.address, { provider, commandTimeoutMs: 150 });
    server.respond = (c) => (c.command.tag === 'PING' ? null : undefined);
    try {
      await assert.rejects(quick.ping(), TimeoutError);
      assert.equal(quick.pendingCount, 0, 'the timed-out command is no longer pending');
    } finally {
      server.respond = undefined;
      await quick.close();
    }
  });

  it('rejects pending commands with ConnectionClosedError when the connection closes', async () => {
    const c2 = await SmpClient.connect(server.address, { provider });
    server.respond = (c) => (c.command.tag === 'PING' ? null : undefined);
    try {
      const p = c2.ping();
      const sc = await server.connectionFor(c2.params.sessionId);
      await sc.waitForCommands(1);
      sc.conn.close();
      await assert.rejects(p, ConnectionClosedError);
      await assert.rejects(
        c2.ping(),
        ConnectionClosedError,
        'a closed client refuses new commands',
      );
    } finally {
      server.respond = undefined;
    }
  });
});

describe('SmpClient typed queue API', () => {
  const provider = PROVIDERS[PROVIDERS.length - 1] as CryptoProvider;
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

  it('creates, secures, sends to, inspects, suspends and deletes a queue', async () => {
    const rcv = generateKeyPair(provider, 'ed25519');
    const q = await client.createQueue({
      rcvAuthKey: rcv,
      rcvDhKey: generateKeyPair(provider, 'x25519'),
      queueReqData: { mode: 'messaging' },
    });
    const sq = server.byRcvId(q.rcvId);
    assert.ok(sq, 'the server created the queue');
    assert.deepEqual(q.sndId, sq.sndId);
    assert.deepEqual(
      q.rcvDhSecret,
      sq.rcvDhSecret,
      'client and server derive the same rcvDhSecret',
    );

    await client.sendMessage(q.sndId, undefined, asciiBytes('before SKEY'));
    const snd = generateKeyPair(provider, 'ed25519');
    await client.secureSndQueue(q.sndId, snd);
    assert.deepEqual(sq.sndKey?.raw, snd.pub.raw, 'SKEY installed the sender key');
    await assert.rejects(
      client.sendMessage(q.sndId, undefined, asciiBytes('unsigned')),
      (e: unknown) => e instanceof SmpError && e.error.type === 'AUTH',
      'a secured queue refuses unsigned SEND',
    );
    await client.sendMessage(q.sndId, snd.priv, asciiBytes('signed'), { notification: true });
    assert.deepEqual(
      sq.sent.map((b) => Buffer.from(b).toString()),
      ['before SKEY', 'signed'],
    );
    const sendCmd = (await server.connectionFor(client.params.sessionId)).commands.at(-1)?.command;
    assert.ok(
      sendCmd?.tag === 'SEND' && sendCmd.flags.notification,
      'the notification flag travels',
    );

    const info = await client.getQueueInfo(q.rcvId, rcv.priv);
    assert.deepEqual(info, { hasSender: true, hasNotifier: false, size: 2 });

    const snd2 = generateKeyPair(provider, 'x25519');
    await client.secureQueue(q.rcvId, rcv.priv, snd2.pub);
    await client.sendMessage(q.sndId, snd2.priv, asciiBytes('x25519-authenticated'));
    assert.equal(sq.sent.length, 3, 'SEND authorized with an X25519 sender key is accepted');

    const rcv2 = generateKeyPair(provider, 'ed448');
    await client.updateRecipientKeys(q.rcvId, rcv.priv, [rcv2.pub]);
    await assert.rejects(
      client.suspendQueue(q.rcvId, rcv.priv),
      SmpError,
      'the replaced key no longer authorizes',
    );
    await client.suspendQueue(q.rcvId, rcv2.priv);
    await client.deleteQueue(q.rcvId, rcv2.priv);
    const tags = (await server.connectionFor(client.params.sessionId)).commands.map(
      (c) => c.command.tag,
    );
    assert.deepEqual(tags?.slice(-3), ['OFF', 'OFF', 'DEL']);
  });

  it('enables, uses and disables notifications, also via NEW at v17+', async () => {
    const rcv = generateKeyPair(provider, 'ed25519');
    const ntf = generateKeyPair(provider, 'ed25519');
    const ntfDh = generateKeyPair(provider, 'x25519');
    const q = await client.createQueue({
      rcvAuthKey: rcv,
      rcvDhKey: generateKeyPair(provider, 'x25519'),
      ntfCreds: { notifierKey: ntf.pub, rcvNtfDhKey: ntfDh.pub },
    });
    assert.ok(q.serverNtfCreds, 'v17+ IDS carries the notifier credentials');
    const sq = server.byRcvId(q.rcvId);
    assert.ok(sq?.notifier);
    assert.deepEqual(q.serverNtfCreds.notifierId, sq.notifier.id);
    await client.subscribeNotifications(q.serverNtfCreds.notifierId, ntf.priv);

    const nid = await client.enableNotifications(q.rcvId, rcv.priv, ntf.pub, ntfDh.pub);
    assert.notDeepEqual(nid.notifierId, q.serverNtfCreds.notifierId, 'NKEY makes a new notifier');
    const secret = rcvNtfDhSecret(provider, nid.srvNtfDhKey, ntfDh.priv);
    assert.deepEqual(
      secret,
      sq.notifier.rcvNtfDhSecret,
      'both sides derive the same rcvNtfDhSecret',
    );
    const nmsg = server.encryptNMsg(sq, new Uint8Array(24).fill(9), 1_700_000_123n);
    assert.deepEqual(decryptNMsgMeta(provider, secret, nmsg.nonce, nmsg.encMeta), {
      msgId: new Uint8Array(24).fill(9),
      ts: 1_700_000_123n,
    });
    await client.disableNotifications(q.rcvId, rcv.priv);
    assert.equal(sq.notifier, undefined);
  });

  it('drops NEW fields the negotiated version cannot carry (v8: no queue mode, no notifier)', async () => {
    const old = await SmpClient.connect(server.address, {
      provider,
      clientVRange: versionRange(8, 8),
    });
    try {
      const q = await old.createQueue({
        rcvAuthKey: generateKeyPair(provider, 'ed25519'),
        rcvDhKey: generateKeyPair(provider, 'x25519'),
        queueReqData: { mode: 'messaging' },
        ntfCreds: {
          notifierKey: generateKeyPair(provider, 'ed25519').pub,
          rcvNtfDhKey: generateKeyPair(provider, 'x25519').pub,
        },
      });
      assert.equal(q.queueMode, undefined);
      assert.equal(q.serverNtfCreds, undefined);
      const sq = server.byRcvId(q.rcvId);
      assert.equal(sq?.notifier, undefined, 'no notifier was requested on the wire');
    } finally {
      await old.close();
    }
  });
});
