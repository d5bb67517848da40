// Handshake decisions (spec smp.md §4.2 client checks, §4.3 version choice, §4.4 server processing),
// mirroring upstream `smpServerHandshake` / `smpClientHandshake`; both ends run through encoded bytes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  HandshakeError,
  TransportError,
  chooseClientVersion,
  decodeClientHello,
  decodeServerHello,
  encodeClientHello,
  encodeServerHello,
  negotiateClientSession,
  negotiateServerSession,
  publicKey,
  transportParams,
  versionRange,
  type ClientHello,
  type ClientService,
} from '../../src/index.ts';
import { derOf } from './der-blob.ts';

const keyHash = new Uint8Array(32).fill(0x2d);
const sessionId = new Uint8Array(32).fill(0x51);
const clientKey = publicKey('x25519', new Uint8Array(32).fill(9));
const hello = (over: Partial<ClientHello> = {}): ClientHello => ({
  version: 18,
  keyHash,
  clientKey,
  proxyServer: false,
  clientService: undefined,
  ...over,
});
const cert = (n: number): Uint8Array => derOf(20, n);
const service = (chain: Uint8Array[]): ClientService => ({
  role: 'M',
  certChainPubKey: { certChain: chain, signedKey: cert(99) },
});
const offered = versionRange(8, 18);

const isHs = (code: string) => (e: unknown) => e instanceof HandshakeError && e.code === code;
const isTe = (code: string) => (e: unknown) => e instanceof TransportError && e.code === code;

describe('negotiateServerSession', () => {
  it('accepts a v18 hello: session range [8, 18], session ID implied, service field on, blocks encrypted', () => {
    const s = negotiateServerSession({ offered, ownKeyHash: keyHash, sessionId, hello: hello() });
    assert.deepEqual(s.sessionVRange, versionRange(8, 18));
    assert.equal(s.version, 18);
    assert.equal(s.implySessId, true);
    assert.equal(s.serviceAuth, true);
    assert.equal(s.batch, true);
    assert.equal(s.encryptBlocks, true);
    assert.deepEqual(s.clientKey, clientKey);
    assert.equal(s.clientService, undefined);
  });

  it("keeps [offered.min, version] as the session range (compatibleVRange')", () => {
    const s = negotiateServerSession({
      offered,
      ownKeyHash: keyHash,
      sessionId,
      hello: hello({ version: 12 }),
    });
    assert.deepEqual(s.sessionVRange, versionRange(8, 12));
  });

  it('fails with HANDSHAKE IDENTITY for another key hash, before looking at the version', () => {
    assert.throws(
      () =>
        negotiateServerSession({
          offered,
          ownKeyHash: keyHash,
          sessionId,
          hello: hello({ keyHash: cert(1), version: 99 }),
        }),
      isHs('IDENTITY'),
    );
  });

  it('fails with VERSION for a version outside the offered range', () => {
    for (const version of [0, 6, 7, 19, 0xffff]) {
      assert.throws(
        () =>
          negotiateServerSession({
            offered,
            ownKeyHash: keyHash,
            sessionId,
            hello: hello({ version }),
          }),
        isTe('VERSION'),
      );
    }
  });

  it('derives implySessId (v ≥ 7), serviceAuth (v ≥ 16) and block encryption (v ≥ 11, key, not proxy) per version', () => {
    const all = versionRange(6, 18);
    for (let version = 6; version <= 18; version++) {
      for (const k of [undefined, clientKey]) {
        for (const proxyServer of [false, true]) {
          const s = negotiateServerSession({
            offered: all,
            ownKeyHash: keyHash,
            sessionId,
            hello: hello({ version, clientKey: k, proxyServer }),
          });
          assert.equal(s.implySessId, version >= 7);
          assert.equal(s.serviceAuth, version >= 16);
          assert.equal(
            s.encryptBlocks,
            version >= 11 && k !== undefined && !proxyServer,
            `v${version}`,
          );
          assert.deepEqual(transportParams(version, sessionId), {
            version,
            sessionId,
            implySessId: s.implySessId,
            serviceAuth: s.serviceAuth,
            batch: true,
          });
        }
      }
    }
  });

  it('passes a service on with its leaf and identity certificates when the TLS chain matches', () => {
    const chain = [cert(1), cert(2)];
    const s = negotiateServerSession({
      offered,
      ownKeyHash: keyHash,
      sessionId,
      hello: hello({ clientService: service(chain) }),
      peerCertChain: [cert(1), cert(2)],
    });
    assert.deepEqual(s.clientService?.leafCert, cert(1));
    assert.deepEqual(s.clientService?.idCert, cert(2));
    const self = negotiateServerSession({
      offered,
      ownKeyHash: keyHash,
      sessionId,
      hello: hello({ clientService: service([cert(3)]) }),
      peerCertChain: [cert(3)],
    });
    assert.deepEqual(
      self.clientService?.idCert,
      cert(3),
      'a single self-signed certificate is both leaf and identity',
    );
  });

  it('fails a service with HANDSHAKE BAD_AUTH if the chain differs from TLS or is 5+ certificates long', () => {
    const h = hello({ clientService: service([cert(1), cert(2)]) });
    assert.throws(
      () => negotiateServerSession({ offered, ownKeyHash: keyHash, sessionId, hello: h }),
      isHs('BAD_AUTH'),
      'no TLS client certificate',
    );
    assert.throws(
      () =>
        negotiateServerSession({
          offered,
          ownKeyHash: keyHash,
          sessionId,
          hello: h,
          peerCertChain: [cert(1), cert(3)],
        }),
      isHs('BAD_AUTH'),
    );
    const long = [1, 2, 3, 4, 5].map(cert);
    assert.throws(
      () =>
        negotiateServerSession({
          offered,
          ownKeyHash: keyHash,
          sessionId,
          hello: hello({ clientService: service(long) }),
          peerCertChain: long,
        }),
      isHs('BAD_AUTH'),
    );
  });
});

describe('chooseClientVersion', () => {
  it('takes the maximum of the intersection', () => {
    assert.deepEqual(
      chooseClientVersion(versionRange(6, 18), versionRange(8, 18), { isProxy: false }),
      { version: 18, sessionVRange: versionRange(8, 18) },
    );
    assert.equal(
      chooseClientVersion(versionRange(6, 12), versionRange(8, 18), { isProxy: false }).version,
      12,
    );
  });

  it('caps a proxy at max(ownMin, 10) when the relay max is below 14', () => {
    assert.equal(
      chooseClientVersion(versionRange(6, 13), versionRange(8, 18), { isProxy: true }).version,
      10,
    );
    assert.equal(
      chooseClientVersion(versionRange(6, 12), versionRange(11, 18), { isProxy: true }).version,
      11,
    );
    assert.equal(
      chooseClientVersion(versionRange(6, 14), versionRange(8, 18), { isProxy: true }).version,
      14,
      'no cap from 14',
    );
    assert.equal(
      chooseClientVersion(versionRange(6, 8), versionRange(4, 8), { isProxy: true }).version,
      8,
      'the cap may exceed the own max',
    );
  });

  it('fails with VERSION when the ranges do not overlap', () => {
    assert.throws(
      () => chooseClientVersion(versionRange(6, 6), versionRange(8, 18), { isProxy: false }),
      isTe('VERSION'),
    );
  });
});

describe('negotiateClientSession', () => {
  it('mirrors an upstream gap: a proxy with own max 11 and a relay with max 18 disagree on block encryption', () => {
    const sh = {
      vr: versionRange(6, 18),
      sessionId,
      certChainPubKey: { certChain: [cert(1)], signedKey: cert(2) },
    };
    const cs = negotiateClientSession({
      serverHello: sh,
      sessionId,
      clientVRange: versionRange(8, 11),
      keyHash,
      clientKey,
      proxyServer: true,
    });
    const ss = negotiateServerSession({
      offered: sh.vr,
      ownKeyHash: keyHash,
      sessionId,
      hello: decodeClientHello(encodeClientHello(cs.hello)),
    });
    assert.equal(cs.version, 11);
    assert.equal(cs.encryptBlocks, false, 'the proxy end never encrypts');
    assert.equal(
      ss.encryptBlocks,
      true,
      'proxyServer is not on the wire below v14, so the relay encrypts',
    );
  });

  const serverHello = {
    vr: offered,
    sessionId,
    certChainPubKey: { certChain: [cert(1), cert(2)], signedKey: cert(3) },
  };

  it('fails with TRANSPORT SESSION when the server hello carries another session ID', () => {
    assert.throws(
      () =>
        negotiateClientSession({
          serverHello,
          sessionId: cert(7),
          clientVRange: offered,
          keyHash,
          clientKey,
          proxyServer: false,
        }),
      isTe('SESSION'),
    );
  });

  it('offers the service only at v ≥ 16 and only if TLS sent a client certificate', () => {
    const base = {
      serverHello,
      sessionId,
      clientVRange: offered,
      keyHash,
      clientKey,
      proxyServer: false,
      clientService: service([cert(1)]),
    };
    assert.equal(negotiateClientSession(base).hello.clientService, undefined);
    assert.equal(
      negotiateClientSession({ ...base, certificateSent: true }).expectServiceResponse,
      true,
    );
    const old = {
      ...base,
      serverHello: { ...serverHello, vr: versionRange(8, 15) },
      certificateSent: true,
    };
    assert.equal(negotiateClientSession(old).expectServiceResponse, false);
  });

  it('agrees with the server on version, parameters and block encryption through the encoded hellos', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 6, max: 18 })
          .chain((max) => fc.tuple(fc.integer({ min: 6, max }), fc.constant(max))),
        fc
          .integer({ min: 6, max: 10 })
          .chain((min) => fc.tuple(fc.constant(min), fc.integer({ min, max: 18 }))),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        ([smin, smax], [cmin, cmax], withKey, serverKey, isProxy) => {
          const sh = decodeServerHello(
            encodeServerHello({
              vr: versionRange(smin, smax),
              sessionId,
              certChainPubKey: serverKey ? serverHello.certChainPubKey : undefined,
            }),
          );
          let cs;
          try {
            cs = negotiateClientSession({
              serverHello: sh,
              sessionId,
              clientVRange: versionRange(cmin, cmax),
              keyHash,
              clientKey: withKey ? clientKey : undefined,
              proxyServer: isProxy,
            });
          } catch (e) {
            assert.ok(isTe('VERSION')(e));
            return;
          }
          const ss = negotiateServerSession({
            offered: sh.vr,
            ownKeyHash: keyHash,
            sessionId,
            hello: decodeClientHello(encodeClientHello(cs.hello)),
          });
          assert.equal(ss.version, cs.version);
          assert.equal(ss.implySessId, cs.implySessId);
          assert.equal(ss.serviceAuth, cs.serviceAuth);
          // The server encrypts when the client sent a key; the client also needs the server key (v ≥ 7 hello).
          // Upstream gap: a proxy whose own max is 11..13 meeting a relay with max ≥ 14 negotiates 11..13,
          // cannot send proxyServer (v < 14) and is not capped (relay max ≥ 14): the ends disagree.
          const uncappedOldProxy = isProxy && smax >= 14 && cs.version >= 11 && cs.version < 14;
          if ((serverKey || cs.version < 11) && !uncappedOldProxy) {
            assert.equal(ss.encryptBlocks, cs.encryptBlocks, `v${cs.version} proxy=${isProxy}`);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
