// Command authorization shared by the SMP and XFTP servers (upstream `verifyCmdAuthorization`,
// `dummyVerifyCmd`): valid authorizations pass, and every failure path is false after a dummy
// verification of the authorization's own algorithm.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  authorizedBytes,
  cbAuthenticate,
  cbNonce,
  dummyVerifyCmd,
  generateKeyPair,
  nobleProvider,
  sign,
  verifyCmdAuthorization,
} from '../../src/index.ts';
import type { AuthInput, CryptoProvider, KeyPair } from '../../src/index.ts';
import { range } from '../helpers.ts';

/** The noble provider with its verifications and DH agreements counted (a spy, not a fake). */
function countingProvider(): { c: CryptoProvider; counts: { sig: number; dh: number } } {
  const counts = { sig: 0, dh: 0 };
  const wrap = (s: CryptoProvider['ed25519']): CryptoProvider['ed25519'] => ({
    ...s,
    verify: (pub, msg, sig) => (counts.sig++, s.verify(pub, msg, sig)),
  });
  const x = nobleProvider.x25519;
  return {
    c: {
      ...nobleProvider,
      ed25519: wrap(nobleProvider.ed25519),
      ed448: wrap(nobleProvider.ed448),
      x25519: { ...x, dh: (pub, priv) => (counts.dh++, x.dh(pub, priv)) },
    },
    counts,
  };
}

function dummyCounter(): { hook: () => void; calls: () => number } {
  let n = 0;
  return { hook: () => void n++, calls: () => n };
}

const authorized = authorizedBytes(range(1, 32), range(2, 25), range(3, 26), range(65, 67));
const corrId = range(2, 25);

function signed(c: CryptoProvider, k: KeyPair, session?: KeyPair): AuthInput {
  const alg = k.pub.alg;
  assert.ok(alg === 'ed25519' || alg === 'ed448');
  return {
    auth: { type: 'signature', alg, bytes: sign(c, k.priv, authorized) },
    authorized,
    corrId,
    sessionKey: session?.priv,
  };
}

/** An authenticator by entity key `k` for the server's session key pair `session`. */
function authenticated(c: CryptoProvider, k: KeyPair, session: KeyPair): AuthInput {
  const bytes = cbAuthenticate(c, session.pub, k.priv, cbNonce(corrId), authorized);
  return { auth: { type: 'authenticator', bytes }, authorized, corrId, sessionKey: session.priv };
}

describe('verifyCmdAuthorization', () => {
  for (const alg of ['ed25519', 'ed448'] as const) {
    it(`accepts a valid ${alg} signature without dummy work, rejects another key`, () => {
      const { c } = countingProvider();
      const d = dummyCounter();
      const k = generateKeyPair(c, alg);
      const a = signed(c, k);
      assert.equal(verifyCmdAuthorization(c, a, k.pub, d.hook), true);
      assert.equal(verifyCmdAuthorization(c, a, generateKeyPair(c, alg).pub, d.hook), false);
      assert.equal(d.calls(), 0, 'a key of the right algorithm needs no dummy work');
    });
  }

  it('accepts a valid X25519 authenticator, rejects another key', () => {
    const { c } = countingProvider();
    const d = dummyCounter();
    const k = generateKeyPair(c, 'x25519');
    const session = generateKeyPair(c, 'x25519');
    const a = authenticated(c, k, session);
    assert.equal(verifyCmdAuthorization(c, a, k.pub, d.hook), true);
    assert.equal(verifyCmdAuthorization(c, a, generateKeyPair(c, 'x25519').pub, d.hook), false);
    assert.equal(d.calls(), 0);
  });

  it('spends one signature verification on a key of another algorithm', () => {
    const { c, counts } = countingProvider();
    const d = dummyCounter();
    const a = signed(c, generateKeyPair(c, 'ed448'));
    for (const other of ['ed25519', 'x25519'] as const) {
      const before = counts.sig;
      assert.equal(verifyCmdAuthorization(c, a, generateKeyPair(c, other).pub, d.hook), false);
      assert.equal(counts.sig - before, 1, `dummy Ed448 verification for a ${other} key`);
    }
    assert.equal(d.calls(), 2);
  });

  it('spends one DH agreement on an authenticator checked against a signature key', () => {
    const { c, counts } = countingProvider();
    const d = dummyCounter();
    const session = generateKeyPair(c, 'x25519');
    const a = authenticated(c, generateKeyPair(c, 'x25519'), session);
    const before = counts.dh;
    assert.equal(verifyCmdAuthorization(c, a, generateKeyPair(c, 'ed25519').pub, d.hook), false);
    assert.equal(counts.dh - before, 1, 'dummy authenticator verification');
    assert.equal(d.calls(), 1);
  });

  it('rejects a missing authorization, and an authenticator without a session key', () => {
    const { c, counts } = countingProvider();
    const d = dummyCounter();
    const k = generateKeyPair(c, 'x25519');
    const none: AuthInput = { auth: undefined, authorized, corrId, sessionKey: undefined };
    assert.equal(verifyCmdAuthorization(c, none, k.pub, d.hook), false);
    const legacy = { ...authenticated(c, k, generateKeyPair(c, 'x25519')), sessionKey: undefined };
    const before = counts.dh;
    assert.equal(verifyCmdAuthorization(c, legacy, k.pub, d.hook), false);
    assert.equal(counts.dh, before, 'upstream verifyCmdAuth is False without work here');
  });

  it('works without a dummy hook', () => {
    const c = nobleProvider;
    const k = generateKeyPair(c, 'ed25519');
    assert.equal(verifyCmdAuthorization(c, signed(c, k), generateKeyPair(c, 'x25519').pub), false);
    assert.equal(verifyCmdAuthorization(c, signed(c, k), k.pub), true);
  });
});

describe('dummyVerifyCmd', () => {
  it('does one verification of the authorization algorithm, calls the hook, and is false', () => {
    const { c, counts } = countingProvider();
    const d = dummyCounter();
    const session = generateKeyPair(c, 'x25519');
    const sig = signed(c, generateKeyPair(c, 'ed25519'));
    assert.equal(dummyVerifyCmd(c, sig, d.hook), false);
    assert.deepEqual(counts, { sig: 1, dh: 0 });
    const cb = authenticated(c, generateKeyPair(c, 'x25519'), session);
    const dhBefore = counts.dh;
    assert.equal(dummyVerifyCmd(c, cb, d.hook), false);
    assert.equal(counts.dh - dhBefore, 1);
    assert.equal(d.calls(), 2);
  });

  it('is false without work or hook for an unauthorized command', () => {
    const { c, counts } = countingProvider();
    const d = dummyCounter();
    const none: AuthInput = { auth: undefined, authorized, corrId, sessionKey: undefined };
    assert.equal(dummyVerifyCmd(c, none, d.hook), false);
    assert.deepEqual(counts, { sig: 0, dh: 0 });
    assert.equal(d.calls(), 0);
  });
});
