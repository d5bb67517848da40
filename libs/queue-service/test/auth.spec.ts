import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authorizedBytes,
  cbAuthenticate,
  cbNonce,
  generateKeyPair,
  nobleProvider,
  sign,
} from '@simplex-relay/protocol';
import type { CryptoProvider } from '@simplex-relay/protocol';
import { Authorizer } from '../src/auth.ts';
import type { AuthInput } from '../src/auth.ts';
import { rnd } from './support/client.ts';

/** The noble provider with its Ed25519/Ed448 verifications counted (a spy, not a fake). */
function countingProvider(): { crypto: CryptoProvider; verifies: () => number } {
  let n = 0;
  const wrap = (s: CryptoProvider['ed25519']) => ({
    ...s,
    verify: (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array) => (n++, s.verify(pub, msg, sig)),
  });
  return {
    crypto: {
      ...nobleProvider,
      ed25519: wrap(nobleProvider.ed25519),
      ed448: wrap(nobleProvider.ed448),
    },
    verifies: () => n,
  };
}

describe(Authorizer.name, () => {
  const authorized = authorizedBytes(rnd(32), rnd(24), rnd(24), new TextEncoder().encode('SUB'));

  it('verifies an Ed25519 signature with the matching key and nothing else', () => {
    const { crypto } = countingProvider();
    let dummies = 0;
    const sut = new Authorizer(crypto, () => dummies++);
    const k = generateKeyPair(crypto, 'ed25519');
    const a: AuthInput = {
      auth: { type: 'signature', alg: 'ed25519', bytes: sign(crypto, k.priv, authorized) },
      authorized,
      corrId: rnd(),
      sessionKey: undefined,
    };
    assert.equal(sut.verifyWith(a, k.pub), true);
    assert.equal(sut.verifyWith(a, generateKeyPair(crypto, 'ed25519').pub), false, 'another key');
    assert.equal(dummies, 0, 'no dummy work when a key of the right algorithm exists');
  });

  it('spends one verification of the signature algorithm on a missing queue or a mismatched key', () => {
    const { crypto, verifies } = countingProvider();
    let dummies = 0;
    const sut = new Authorizer(crypto, () => dummies++);
    const k = generateKeyPair(crypto, 'ed448');
    const a: AuthInput = {
      auth: { type: 'signature', alg: 'ed448', bytes: sign(crypto, k.priv, authorized) },
      authorized,
      corrId: rnd(),
      sessionKey: undefined,
    };
    sut.dummy(a);
    assert.equal(verifies(), 1, 'missing queue: one verification against the dummy key');
    assert.equal(sut.verifyWith(a, generateKeyPair(crypto, 'ed25519').pub), false);
    assert.equal(verifies(), 2, 'Ed25519 key vs Ed448 signature: still one Ed448 verification');
    assert.equal(dummies, 2);
  });

  it('verifies an X25519 authenticator with the connection key and nonce = corrId', () => {
    const crypto = nobleProvider;
    const sut = new Authorizer(crypto, () => undefined);
    const server = generateKeyPair(crypto, 'x25519');
    const client = generateKeyPair(crypto, 'x25519');
    const corrId = rnd();
    const bytes = cbAuthenticate(crypto, server.pub, client.priv, cbNonce(corrId), authorized);
    const a: AuthInput = {
      auth: { type: 'authenticator', bytes },
      authorized,
      corrId,
      sessionKey: server.priv,
    };
    assert.equal(sut.verifyWith(a, client.pub), true);
    assert.equal(sut.verifyWith({ ...a, corrId: rnd() }, client.pub), false, 'another nonce');
    assert.equal(
      sut.verifyWith({ ...a, sessionKey: undefined }, client.pub),
      false,
      'no connection key (v < 7)',
    );
  });
});
