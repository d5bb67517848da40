// The client's certificate chain check (spec smp.md §3.2; upstream `validateCertificateChain`,
// `x509validate`) on the upstream fixture chains: identity, linking, signatures, dates, CA flag.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandshakeError, nobleProvider } from '@simplex-relay/protocol';
import { validateServerChain } from '../src/index.ts';
import { loadIdentity } from './support/fixtures.ts';

const ED448 = loadIdentity('ed448');
const ED25519 = loadIdentity('ed25519');
const [leaf448, ca448] = ED448.certChain as [Uint8Array, Uint8Array];
const [leaf25519] = ED25519.certChain as [Uint8Array, Uint8Array];
const c = nobleProvider;

const identityError = (re: RegExp) => (e: unknown) =>
  e instanceof HandshakeError && e.code === 'IDENTITY' && re.test(e.message);

describe('validateServerChain', () => {
  it('accepts the upstream [server.crt, ca.crt] chain and returns the leaf', () => {
    const leaf = validateServerChain(c, ED448.certChain, ED448.keyHash);
    assert.equal(leaf.publicKey.alg, 'ed448', 'the leaf key is the one that signs the session key');
    assert.ok(!leaf.isCa);
  });

  it('refuses a key hash of another identity', () => {
    assert.throws(
      () => validateServerChain(c, ED448.certChain, ED25519.keyHash),
      identityError(/does not match/),
    );
  });

  it('refuses chains of one and of five certificates', () => {
    assert.throws(
      () => validateServerChain(c, [ca448], ED448.keyHash),
      identityError(/at least 2/),
    );
    const five = [leaf448, ca448, ca448, ca448, ca448];
    assert.throws(() => validateServerChain(c, five, ED448.keyHash), identityError(/too long/));
  });

  it('refuses a leaf that the identity certificate did not sign', () => {
    // Same issuer name ("SMP server CA"), different CA key: only the signature check catches it.
    assert.throws(
      () => validateServerChain(c, [leaf25519, ca448], ED448.keyHash),
      identityError(/bad signature/),
    );
  });

  it('refuses a chain whose issuer is not a CA', () => {
    // [ca, leaf] with the leaf as identity: the "issuer" has CA:FALSE.
    const keyHash = c.sha256(leaf448);
    assert.throws(
      () => validateServerChain(c, [ca448, leaf448], keyHash),
      identityError(/not a CA/),
    );
  });

  it('refuses certificates outside their validity period', () => {
    assert.throws(
      () =>
        validateServerChain(
          c,
          ED25519.certChain,
          ED25519.keyHash,
          new Date('2026-01-01T00:00:00Z'),
        ),
      identityError(/validity/),
      'the ed25519 fixtures are valid from 2026-02-02',
    );
    assert.throws(
      () =>
        validateServerChain(
          c,
          ED25519.certChain,
          ED25519.keyHash,
          new Date('2127-01-01T00:00:00Z'),
        ),
      identityError(/validity/),
    );
  });
});
