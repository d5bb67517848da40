// Client-side private routing (spec smp.md §7.11) against the scripted server playing proxy and
// relay at once: it answers PRXY with the PKEY of a relay identity (the ed25519 fixture) and opens
// PFWD with that relay's session key, checking what the client built byte by byte.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  CryptoError,
  Writer,
  cbNonce,
  cbVerify,
  decodeBatch,
  decodeServerTransmission,
  dhSecret,
  encodeBrokerMsg,
  encodeResponseTransmission,
  generateKeyPair,
  openForwardedTransmission,
  sealForwardedResponse,
  signX509Key,
  transmissionParams,
  verify,
  versionRange,
} from '@simplex-relay/protocol';
import type {
  BrokerMsg,
  CertChainPubKey,
  CheckedTransmission,
  Command,
  KeyPair,
  VersionRange,
} from '@simplex-relay/protocol';
import { loadIdentity, PROVIDERS } from '@simplex-relay/smp-transport/testing';
import type { ServerIdentity } from '@simplex-relay/smp-transport/testing';
import { SmpClient, SmpError, UnexpectedResponseError } from '../src/index.ts';
import { TestSmpServer } from './support/test-server.ts';
import type { RecordedCommand } from './support/test-server.ts';

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const startsWith = (b: Uint8Array, p: Uint8Array): boolean =>
  b.length >= p.length && p.every((x, i) => b[i] === x);

for (const provider of PROVIDERS) {
  describe(`SmpClient private routing (${provider.name})`, () => {
    const relayId: ServerIdentity = loadIdentity('ed25519');
    const relayAddress = `smp://${b64(relayId.keyHash)}=@relay.example:5223`;
    let relayKey: KeyPair;
    let relaySession: Uint8Array;
    let server: TestSmpServer;
    let client: SmpClient;
    /** What PRXY answers (overridable per test). */
    let pkey: () => BrokerMsg;
    /** What the relay answers to the inner transmission; `undefined` = OK. */
    let relayAnswer: (t: CheckedTransmission<Command>) => BrokerMsg | undefined;
    /** Inner transmissions the relay opened. */
    let opened: { t: CheckedTransmission<Command>; pfwd: RecordedCommand }[];

    const certKey = (signedBy = relayId.signKey, key = relayKey.pub): CertChainPubKey => ({
      certChain: relayId.certChain,
      signedKey: signX509Key(provider, signedBy, key),
    });
    const pkeyWith = (vr: VersionRange, ck = certKey()): BrokerMsg => ({
      tag: 'PKEY',
      sessionId: relaySession,
      versionRange: vr,
      certKey: ck,
    });

    /** The relay side of PFWD: both boxes opened and sealed as upstream's relay does (§7.11.2). */
    const relayPfwd = (rec: RecordedCommand): BrokerMsg => {
      if (rec.command.tag !== 'PFWD') throw new TypeError('not PFWD');
      const cmd = rec.command;
      const secret = dhSecret(provider, cmd.commandKey, relayKey.priv);
      const batch = openForwardedTransmission(provider, secret, rec.corrId, cmd.encTransmission);
      const items = decodeBatch(batch);
      assert.equal(items.length, 1, 'one forwarded transmission');
      const params = transmissionParams(cmd.fwdVersion, relaySession);
      const t = decodeServerTransmission(params, items[0] as Uint8Array);
      assert.ok(t.ok, 'the inner transmission decodes at fwdVersion for the relay session');
      opened.push({ t, pfwd: rec });
      const msg = relayAnswer(t) ?? { tag: 'OK' };
      const response = encodeResponseTransmission(
        params,
        t.corrId,
        t.entityId,
        encodeBrokerMsg(params.version, msg),
      );
      return {
        tag: 'PRES',
        encResponse: sealForwardedResponse(provider, secret, rec.corrId, response),
      };
    };

    before(async () => {
      server = await TestSmpServer.start({
        provider,
        respond: (rec) => {
          if (rec.command.tag === 'PRXY') return pkey();
          if (rec.command.tag === 'PFWD') return relayPfwd(rec);
          return undefined;
        },
      });
      // The proxy's own password travels in its address and goes into PRXY.
      client = await SmpClient.connect(server.address.replace('=@', '=:proxy-pw@'), { provider });
    });
    after(async () => {
      await client.close();
      await server.close();
    });
    beforeEach(() => {
      relayKey = generateKeyPair(provider, 'x25519');
      relaySession = provider.randomBytes(32);
      pkey = () => pkeyWith(versionRange(8, 17));
      relayAnswer = () => undefined;
      opened = [];
    });

    it('opens a relay session with PRXY: relay server and proxy password sent, PKEY checked, fwdVersion = min(18, 17)', async () => {
      const s = await client.createProxySession(relayAddress);
      assert.deepEqual(s.sessionId, relaySession, 'the relay session ID from PKEY');
      assert.equal(s.fwdVersion, 17, 'highest version in both 8..18 and the PKEY range 8..17');
      assert.deepEqual(s.relayKey.raw, relayKey.pub.raw, 'the key the relay identity signed');
      const sc = await server.connectionFor(client.params.sessionId);
      const prxy = sc.commands.at(-1) as RecordedCommand;
      assert.equal(prxy.command.tag, 'PRXY');
      if (prxy.command.tag !== 'PRXY') return;
      assert.equal(prxy.command.server.hosts[0].host, 'relay.example');
      assert.equal(prxy.command.server.port, '5223');
      assert.deepEqual(prxy.command.server.keyHash, relayId.keyHash, 'the relay identity');
      assert.deepEqual(prxy.command.basicAuth, new TextEncoder().encode('proxy-pw'));
      assert.equal(prxy.entityId.length, 0, 'PRXY has no entity');
    });

    it('takes the relay version range into account (PKEY 8..10 → fwdVersion 10)', async () => {
      pkey = () => pkeyWith(versionRange(8, 10));
      const s = await client.createProxySession(relayAddress);
      assert.equal(s.fwdVersion, 10);
    });

    it('refuses a PKEY without a common version: PROXY BROKER TRANSPORT VERSION', async () => {
      pkey = () => pkeyWith(versionRange(19, 20));
      await assert.rejects(client.createProxySession(relayAddress), (e: unknown) =>
        isSmpError(e, 'PRXY', 'PROXY BROKER TRANSPORT VERSION'),
      );
    });

    it('refuses a PKEY that does not prove the relay identity: PROXY BROKER TRANSPORT HANDSHAKE IDENTITY', async () => {
      const other = loadIdentity('ed448');
      const cases: [string, () => BrokerMsg, string][] = [
        [
          'another server’s chain',
          () => pkeyWith(versionRange(8, 17), { ...certKey(), certChain: other.certChain }),
          relayAddress,
        ],
        [
          'a key not signed by the relay',
          () => pkeyWith(versionRange(8, 17), certKey(other.signKey)),
          relayAddress,
        ],
        [
          'a signed key that is not X25519',
          () =>
            pkeyWith(versionRange(8, 17), {
              ...certKey(),
              signedKey: signX509Key(
                provider,
                relayId.signKey,
                generateKeyPair(provider, 'ed25519').pub,
              ),
            }),
          relayAddress,
        ],
        [
          'a relay address with another identity',
          () => pkeyWith(versionRange(8, 17)),
          `smp://${b64(other.keyHash)}=@relay.example`,
        ],
      ];
      for (const [what, answer, address] of cases) {
        pkey = answer;
        await assert.rejects(
          client.createProxySession(address),
          (e: unknown) => isSmpError(e, 'PRXY', 'PROXY BROKER TRANSPORT HANDSHAKE IDENTITY'),
          what,
        );
      }
    });

    it('forwards a SEND signed for the relay session at fwdVersion and returns the relay answer', async () => {
      const s = await client.createProxySession(relayAddress);
      const sender = generateKeyPair(provider, 'ed25519');
      const senderId = provider.randomBytes(24);
      const body = new TextEncoder().encode('through the proxy');
      await client.proxySendMessage(s, senderId, sender.priv, { notification: true }, body);
      const [o] = opened;
      assert.ok(o, 'the relay opened one transmission');
      assert.equal(o.pfwd.command.tag, 'PFWD');
      if (o.pfwd.command.tag !== 'PFWD' || o.t.command.tag !== 'SEND') return assert.fail();
      assert.deepEqual(o.pfwd.entityId, relaySession, 'PFWD is addressed to the relay session');
      assert.equal(o.pfwd.command.fwdVersion, 17);
      assert.equal(o.pfwd.command.encTransmission.length, 16242, 'padded to 16226 + 16');
      assert.deepEqual(o.t.corrId, o.pfwd.corrId, 'the inner corrId is the PFWD corrId (nonce)');
      assert.deepEqual(o.t.entityId, senderId);
      assert.deepEqual(o.t.command.body, body);
      assert.equal(o.t.command.flags.notification, true);
      const prefix = new Writer(40).bytes(relaySession).finish();
      assert.ok(startsWith(o.t.authorized, prefix), 'authorized for the relay session, not ours');
      assert.ok(o.t.auth?.type === 'signature');
      assert.ok(verify(provider, sender.pub, o.t.auth.bytes, o.t.authorized), 'sender signature');
    });

    it('authenticates with an X25519 sender key against the relay key, not the proxy key', async () => {
      const s = await client.createProxySession(relayAddress);
      const sender = generateKeyPair(provider, 'x25519');
      await client.proxySendMessage(
        s,
        provider.randomBytes(24),
        sender.priv,
        { notification: false },
        new Uint8Array([1]),
      );
      const o = opened[0];
      assert.ok(o?.t.auth?.type === 'authenticator');
      const { auth, authorized, corrId } = o.t;
      assert.ok(
        cbVerify(provider, sender.pub, relayKey.priv, cbNonce(corrId), auth.bytes, authorized),
      );
    });

    it('throws the relay’s ERR with the inner command, and the proxy’s ERR with PFWD', async () => {
      const s = await client.createProxySession(relayAddress);
      relayAnswer = () => ({ tag: 'ERR', error: { type: 'AUTH' } });
      await assert.rejects(
        client.proxySendMessage(
          s,
          provider.randomBytes(24),
          undefined,
          { notification: false },
          new Uint8Array([1]),
        ),
        (e: unknown) => isSmpError(e, 'SEND', 'AUTH'),
      );
      const before = server.respond;
      server.respond = (rec) =>
        rec.command.tag === 'PFWD'
          ? { tag: 'ERR', error: { type: 'PROXY', proxy: { type: 'NO_SESSION' } } }
          : before?.(rec);
      try {
        await assert.rejects(
          client.proxyCommand(s, provider.randomBytes(24), undefined, { tag: 'LGET' }),
          (e: unknown) => isSmpError(e, 'PFWD', 'PROXY NO_SESSION'),
        );
      } finally {
        server.respond = before;
      }
    });

    it('returns other relay responses (LGET → LNK) and rejects unusable PRES bodies', async () => {
      const s = await client.createProxySession(relayAddress);
      const senderId = provider.randomBytes(24);
      relayAnswer = () => ({
        tag: 'LNK',
        senderId,
        data: { fixedData: new Uint8Array([1, 2]), userData: new Uint8Array([3]) },
      });
      const m = await client.proxyCommand(s, provider.randomBytes(24), undefined, { tag: 'LGET' });
      assert.equal(m.tag, 'LNK');
      const before = server.respond;
      server.respond = (rec) =>
        rec.command.tag === 'PFWD'
          ? { tag: 'PRES', encResponse: provider.randomBytes(16242) }
          : before?.(rec);
      try {
        await assert.rejects(
          client.proxyCommand(s, senderId, undefined, { tag: 'LGET' }),
          CryptoError,
          'a PRES not sealed for this command does not open',
        );
        server.respond = (rec) => (rec.command.tag === 'PFWD' ? { tag: 'OK' } : before?.(rec));
        await assert.rejects(
          client.proxyCommand(s, senderId, undefined, { tag: 'LGET' }),
          UnexpectedResponseError,
        );
      } finally {
        server.respond = before;
      }
    });
  });
}

function isSmpError(e: unknown, command: string, error: string): boolean {
  assert.ok(e instanceof SmpError, `SmpError, got ${String(e)}`);
  assert.equal(e.command, command);
  assert.equal(e.message, `${command}: ERR ${error}`);
  return true;
}
