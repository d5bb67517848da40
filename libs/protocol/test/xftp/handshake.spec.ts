// XFTP handshake (spec xftp.md §4, Appendix A2): the server hello as a known answer built from the
// upstream fixtures (tests/fixtures/server.crt, ca.crt, server.key) and the digest's §1.7 signed-key
// vector, hello/handshake codecs, the server's HANDSHAKE decisions and the client's identity checks
// in native and web mode.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  certFingerprint,
  decodeXFTPClientHandshake,
  decodeXFTPClientHello,
  decodeXFTPHandshakeErrorBlock,
  decodeXFTPServerHandshake,
  encodeXFTPClientHandshake,
  encodeXFTPClientHandshakeBlock,
  encodeXFTPClientHello,
  encodeXFTPClientHelloBlock,
  encodeXFTPHandshakeErrorBlock,
  encodeXFTPServerHandshake,
  encodeXFTPServerHandshakeBlock,
  generateKeyPair,
  makeXFTPServerHandshake,
  nobleProvider as c,
  pad,
  privateKey,
  processXFTPClientHandshake,
  processXFTPHello,
  publicKeyOf,
  readXFTPServerHandshakeBlock,
  signX509Key,
  supportedFileServerVRange,
  verify,
  verifyXFTPServerHandshake,
  versionRange,
  webIdentityProofMessage,
  HandshakeError,
  ParseError,
  TransportError,
} from '../../src/index.ts';
import type { XFTPServerHandshake } from '../../src/index.ts';
import { hex, range, unhex } from '../helpers.ts';
import { cert, pemDer, privKey } from '../crypto/fixtures.ts';
import { cat } from './arbitraries.ts';

const S = range(0x80, 0x9f);
const serverCrt = pemDer('server.crt');
const caCrt = pemDer('ca.crt');
const onlineKey = privKey('server.key');
const keyHash = certFingerprint(c, caCrt);
const sessionKey = publicKeyOf(c, privateKey('x25519', range(0x40, 0x5f)));
// The digest's §1.7 vector: that X25519 key signed by the fixture Ed448 server key.
const SIGNED_KEY = unhex(`
  3081aa302c302a300506032b656e03210079a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a
  300506032b657103730075d441eb66922e38e0c3f713a4bb4d13d4fcbf0e13ab29a27c348f30eb6ca3607e8b66b42bab07
  c80d467e2bde9e796a0c55089d4c0386a7808d312f2202a361f950215ba1ea7527bf92f0820323608904bfcf9464b4ba88
  afec2ebe52effe9c9f9687839188e40b8aeda31a6566cb212a00`);
const large = (b: Uint8Array): Uint8Array => cat([b.length >> 8, b.length & 0xff], b);
const hello = (webChallenge?: Uint8Array): XFTPServerHandshake =>
  makeXFTPServerHandshake(c, {
    vr: supportedFileServerVRange,
    sessionId: S,
    certChain: [serverCrt, caCrt],
    onlineKey,
    sessionKey,
    webChallenge,
  });
const isHs = (code: string) => (e: unknown) => e instanceof HandshakeError && e.code === code;
const isTe = (code: string) => (e: unknown) => e instanceof TransportError && e.code === code;

describe('server hello (spec §4.2, §4.3)', () => {
  const expected = cat(
    [0, 1, 0, 3, 0x20],
    S,
    [2],
    large(serverCrt),
    large(caCrt),
    large(SIGNED_KEY),
    [0],
  );
  it('is 01..03, sb(sessionId), two Large certs, the Large signed key and an empty proof, byte-exactly', () => {
    assert.equal(SIGNED_KEY.length, 173, 'Ed448 signed key size of §4.3');
    assert.equal(hex(encodeXFTPServerHandshake(hello())), hex(expected));
    const block = encodeXFTPServerHandshakeBlock(hello());
    assert.equal(hex(block), hex(pad(expected, 16384)));
  });
  it('decodes with and without a proof, ignores bytes after it, and reads a malformed proof as none', () => {
    assert.deepEqual(decodeXFTPServerHandshake(expected), {
      ...hello(),
      webIdentityProof: undefined,
    });
    const base = expected.subarray(0, expected.length - 1);
    assert.equal(decodeXFTPServerHandshake(base).webIdentityProof, undefined, 'field absent');
    const sig = range(1, 64);
    assert.equal(
      hex(decodeXFTPServerHandshake(cat(base, [64], sig, 'tail')).webIdentityProof ?? cat()),
      hex(sig),
    );
    assert.equal(
      decodeXFTPServerHandshake(cat(base, [10], range(1, 10))).webIdentityProof,
      undefined,
      'not a signature length',
    );
    assert.throws(
      () => decodeXFTPServerHandshake(cat([0, 3, 0, 1], expected.subarray(4))),
      ParseError,
      'min > max',
    );
    assert.throws(
      () => decodeXFTPServerHandshake(cat([0, 1, 0, 3, 0x20], S, [1], large(range(1, 50)))),
      ParseError,
      'certificates must be DER',
    );
  });
  it('answers a web challenge with Sign(online key, challenge || sessionId)', () => {
    const challenge = range(0xc0, 0xdf);
    const h = hello(challenge);
    assert.equal(h.webIdentityProof?.length, 114);
    assert.ok(
      verify(
        c,
        cert('server.crt').publicKey,
        h.webIdentityProof ?? cat(),
        webIdentityProofMessage(challenge, S),
      ),
    );
    assert.equal(
      hex(encodeXFTPServerHandshake(h)),
      hex(cat(expected.subarray(0, expected.length - 1), [114], h.webIdentityProof ?? cat())),
    );
  });
});

describe('client hello and client handshake (spec §4.4, §4.5)', () => {
  it("hello is '0' without a challenge and '1' 0x20 challenge with one, padded to a block", () => {
    assert.equal(hex(encodeXFTPClientHello({})), '30');
    const ch = range(1, 32);
    assert.equal(hex(encodeXFTPClientHello({ webChallenge: ch })), hex(cat('1', [0x20], ch)));
    assert.equal(
      hex(encodeXFTPClientHelloBlock({ webChallenge: ch })),
      hex(pad(cat('1', [0x20], ch), 16384)),
    );
    assert.deepEqual(decodeXFTPClientHello(cat('1', [0x20], ch, 'ignored tail')), {
      webChallenge: ch,
    });
    assert.throws(
      () => decodeXFTPClientHello(cat('1', [31], range(1, 31))),
      ParseError,
      'a challenge is exactly 32 bytes',
    );
    assert.throws(() => encodeXFTPClientHello({ webChallenge: range(1, 31) }), RangeError);
  });
  it('handshake is Word16 version || sb(keyHash), trailing bytes ignored', () => {
    assert.equal(
      hex(encodeXFTPClientHandshake({ version: 3, keyHash })),
      hex(cat([0, 3, 32], keyHash)),
    );
    assert.deepEqual(decodeXFTPClientHandshake(cat([0, 2, 32], keyHash, 'x')), {
      version: 2,
      keyHash,
    });
  });
});

describe('server decisions: every failure is HANDSHAKE (upstream processHello / processClientHandshake)', () => {
  const HS = { ok: false, error: { type: 'HANDSHAKE' } };
  it('an empty hello is a plain hello; a body needs SNI and must be a valid padded XFTPClientHello', () => {
    const ch = range(1, 32);
    assert.deepEqual(processXFTPHello(cat(), false), { ok: true });
    assert.deepEqual(processXFTPHello(cat(), true), { ok: true });
    assert.deepEqual(
      processXFTPHello(encodeXFTPClientHelloBlock({ webChallenge: ch }), false),
      HS,
      'body without SNI',
    );
    assert.deepEqual(processXFTPHello(encodeXFTPClientHelloBlock({ webChallenge: ch }), true), {
      ok: true,
      webChallenge: ch,
    });
    assert.deepEqual(processXFTPHello(encodeXFTPClientHelloBlock({}), true), {
      ok: true,
      webChallenge: undefined,
    });
    assert.deepEqual(processXFTPHello(pad(cat('2'), 16384), true), HS, 'bad Maybe tag');
    assert.deepEqual(processXFTPHello(cat([0xff, 0xff, 1]), true), HS, 'bad padding');
  });
  const server = { vr: supportedFileServerVRange, keyHash };
  it('accepts versions 1..3 for its own key hash and keeps [1, v] as the session range', () => {
    for (const v of [1, 2, 3])
      assert.deepEqual(
        processXFTPClientHandshake(encodeXFTPClientHandshakeBlock({ version: v, keyHash }), server),
        {
          ok: true,
          version: v,
          sessionVRange: versionRange(1, v),
        },
      );
    const withTail = pad(cat(encodeXFTPClientHandshake({ version: 3, keyHash }), 'ext'), 16384);
    assert.equal(
      processXFTPClientHandshake(withTail, server).ok,
      true,
      'extension bytes are ignored',
    );
  });
  it('refuses another key hash, versions 0 and 4, a short body and an unparsable one', () => {
    const block = (version: number, kh = keyHash) =>
      encodeXFTPClientHandshakeBlock({ version, keyHash: kh });
    assert.deepEqual(processXFTPClientHandshake(block(3, range(1, 32)), server), HS);
    assert.deepEqual(processXFTPClientHandshake(block(0), server), HS);
    assert.deepEqual(processXFTPClientHandshake(block(4), server), HS);
    assert.deepEqual(
      processXFTPClientHandshake(block(3).subarray(0, 16383), server),
      HS,
      'not a full block',
    );
    assert.deepEqual(
      processXFTPClientHandshake(cat(), server),
      HS,
      'an empty body (a second plain hello)',
    );
    assert.deepEqual(processXFTPClientHandshake(pad(cat([0]), 16384), server), HS, 'unparsable');
  });
  it('handshake errors are padded bare names: 00 09 HANDSHAKE ### and 00 07 SESSION ###', () => {
    const hsBlock = encodeXFTPHandshakeErrorBlock({ type: 'HANDSHAKE' });
    assert.equal(hex(hsBlock), hex(pad(cat('HANDSHAKE'), 16384)));
    assert.equal(hex(hsBlock.subarray(0, 11)), hex(cat([0, 9], 'HANDSHAKE')));
    assert.equal(
      hex(encodeXFTPHandshakeErrorBlock({ type: 'SESSION' }).subarray(0, 9)),
      hex(cat([0, 7], 'SESSION')),
    );
    assert.deepEqual(decodeXFTPHandshakeErrorBlock(hsBlock), { type: 'HANDSHAKE' });
    assert.equal(decodeXFTPHandshakeErrorBlock(encodeXFTPServerHandshakeBlock(hello())), undefined);
  });
});

describe('client checks of the server hello (upstream processServerHandshake; xftp-web identity)', () => {
  const tls = { sessionId: S, serverKey: cert('server.crt').publicKey };
  const base = { clientVRange: supportedFileServerVRange, keyHash, tls };
  it('native: accepts the fixture hello, picks v3 and returns the signed session key', () => {
    const block = encodeXFTPServerHandshakeBlock(hello());
    const s = verifyXFTPServerHandshake(c, { ...base, hello: readXFTPServerHandshakeBlock(block) });
    assert.deepEqual(s, {
      version: 3,
      sessionVRange: versionRange(1, 3),
      serverSessionKey: sessionKey,
    });
    const v2 = verifyXFTPServerHandshake(c, {
      ...base,
      clientVRange: versionRange(1, 2),
      hello: hello(),
    });
    assert.equal(v2.version, 2, 'the max of the intersection');
  });
  it('native: another session ID is SESSION, no common version VERSION', () => {
    assert.throws(
      () =>
        verifyXFTPServerHandshake(c, {
          ...base,
          tls: { ...tls, sessionId: range(1, 32) },
          hello: hello(),
        }),
      isTe('SESSION'),
    );
    assert.throws(
      () =>
        verifyXFTPServerHandshake(c, { ...base, clientVRange: versionRange(4, 5), hello: hello() }),
      isTe('VERSION'),
    );
  });
  it('native: wrong key hash, a chain of 3, a key signed by another key or a non-X25519 key are BAD_AUTH', () => {
    const h = hello();
    assert.throws(
      () => verifyXFTPServerHandshake(c, { ...base, keyHash: range(1, 32), hello: h }),
      isHs('BAD_AUTH'),
    );
    const long = {
      ...h,
      certChainPubKey: { ...h.certChainPubKey, certChain: [serverCrt, caCrt, caCrt] },
    };
    assert.throws(() => verifyXFTPServerHandshake(c, { ...base, hello: long }), isHs('BAD_AUTH'));
    assert.throws(
      () =>
        verifyXFTPServerHandshake(c, {
          ...base,
          tls: { ...tls, serverKey: cert('ca.crt').publicKey },
          hello: h,
        }),
      isHs('BAD_AUTH'),
    );
    const edSigned = signX509Key(c, onlineKey, generateKeyPair(c, 'ed25519').pub);
    const wrongType = { ...h, certChainPubKey: { ...h.certChainPubKey, signedKey: edSigned } };
    assert.throws(
      () => verifyXFTPServerHandshake(c, { ...base, hello: wrongType }),
      isHs('BAD_AUTH'),
    );
  });
  it('web: checks the chain leaf signature and the proof of the challenge, without TLS data', () => {
    const challenge = range(0xc0, 0xdf);
    const web = { clientVRange: supportedFileServerVRange, keyHash, webChallenge: challenge };
    const s = verifyXFTPServerHandshake(c, { ...web, hello: hello(challenge) });
    assert.equal(s.version, 3);
    assert.throws(
      () => verifyXFTPServerHandshake(c, { ...web, hello: hello() }),
      isHs('BAD_AUTH'),
      'missing proof',
    );
    assert.throws(
      () => verifyXFTPServerHandshake(c, { ...web, hello: hello(range(1, 32)) }),
      isHs('BAD_AUTH'),
      'proof of another challenge',
    );
    const h = hello(challenge);
    const three = {
      ...h,
      certChainPubKey: { ...h.certChainPubKey, certChain: [serverCrt, caCrt, caCrt] },
    };
    assert.equal(
      verifyXFTPServerHandshake(c, { ...web, hello: three }).version,
      3,
      'web clients accept chains of 2-4',
    );
  });
  it('reading a hello block: bad padding is TransportError BLOCK, a padded error is HandshakeError PARSE', () => {
    assert.throws(() => readXFTPServerHandshakeBlock(cat([0xff, 0xff])), isTe('BLOCK'));
    assert.throws(
      () => readXFTPServerHandshakeBlock(encodeXFTPHandshakeErrorBlock({ type: 'HANDSHAKE' })),
      isHs('PARSE'),
    );
  });
});
