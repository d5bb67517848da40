// Private message routing layers (spec smp.md §7.11): FwdTransmission/FwdResponse round trips, the
// three-party encryption path (client → proxy → relay → proxy → client) and the §7.11.5 size budget.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CryptoError,
  PADDED_PROXIED_T_LENGTH,
  ParseError,
  decodeFwdResponse,
  decodeFwdTransmission,
  dhSecret,
  encodeFwdResponse,
  encodeFwdTransmission,
  forwardSecret,
  generateKeyPair,
  nobleProvider as c,
  openForwardedResponse,
  openForwardedTransmission,
  openFwdResponse,
  openFwdTransmission,
  sealForwardedResponse,
  sealForwardedTransmission,
  sealFwdResponse,
  sealFwdTransmission,
  decodeBatch,
} from '../../src/index.ts';
import { hex, unhex } from '../helpers.ts';

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

describe('FwdTransmission / FwdResponse encodings', () => {
  it('encode as sb(corrId) || word16 || sb(spki) || tail, and round-trip', () => {
    const key = generateKeyPair(c, 'x25519').pub;
    const t = {
      fwdCorrId: bytes(24, 7),
      fwdVersion: 17,
      fwdKey: key,
      encTransmission: bytes(5, 9),
    };
    const b = encodeFwdTransmission(t);
    // 1+24 corrId, 2 version, 1+44 X25519 SPKI, then the tail as is.
    assert.equal(b.length, 25 + 2 + 45 + 5);
    assert.equal(b[0], 24);
    assert.equal(hex(b.subarray(25, 27)), '0011');
    assert.equal(b[27], 44);
    assert.equal(hex(b.subarray(28, 40)), '302a300506032b656e032100');
    const d = decodeFwdTransmission(b);
    assert.deepEqual(d.fwdCorrId, t.fwdCorrId);
    assert.equal(d.fwdVersion, 17);
    assert.deepEqual(d.fwdKey.raw, key.raw);
    assert.deepEqual(d.encTransmission, t.encTransmission);
  });

  it('FwdResponse round-trips for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 255 }), fc.uint8Array({ maxLength: 300 }), (id, r) => {
        const d = decodeFwdResponse(encodeFwdResponse({ fwdCorrId: id, encResponse: r }));
        assert.deepEqual(d.fwdCorrId, id);
        assert.deepEqual(d.encResponse, r);
      }),
    );
  });

  it('malformed FwdTransmission bytes throw ParseError only', () => {
    assert.throws(() => decodeFwdTransmission(unhex('18')), ParseError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        try {
          decodeFwdTransmission(b);
        } catch (e) {
          assert.ok(e instanceof ParseError);
        }
      }),
    );
  });
});

describe('three-party path', () => {
  it('client → proxy → relay and back; every box is keyed to its layer', () => {
    const relaySession = generateKeyPair(c, 'x25519');
    const proxyClient = generateKeyPair(c, 'x25519');
    const sessSecret = dhSecret(c, proxyClient.pub, relaySession.priv);
    const cmdKey = generateKeyPair(c, 'x25519');
    const nC = Uint8Array.from({ length: 24 }, (_, i) => i + 1); // not a palindrome: reversed ≠ forward
    const nP = Uint8Array.from({ length: 24 }, (_, i) => 100 + i);
    const inner = bytes(PADDED_PROXIED_T_LENGTH - 2 - 3, 0x41); // the largest that fits

    const clientSecret = forwardSecret(c, relaySession.pub, cmdKey);
    const encT = sealForwardedTransmission(c, clientSecret, nC, inner);
    assert.equal(encT.length, PADDED_PROXIED_T_LENGTH + 16);
    const rfwd = sealFwdTransmission(c, sessSecret, nP, {
      fwdCorrId: nC,
      fwdVersion: 17,
      fwdKey: cmdKey.pub,
      encTransmission: encT,
    });
    // §7.11.5: RFWD body = 25 + 2 + 45 + 16242 + 16 bytes.
    assert.equal(rfwd.length, 25 + 2 + 45 + 16242 + 16);

    const fwd = openFwdTransmission(c, dhSecret(c, proxyClient.pub, relaySession.priv), nP, rfwd);
    const relaySecret = dhSecret(c, fwd.fwdKey, relaySession.priv);
    assert.deepEqual(relaySecret, clientSecret);
    const batch = decodeBatch(
      openForwardedTransmission(c, relaySecret, fwd.fwdCorrId, fwd.encTransmission),
    );
    assert.deepEqual(batch, [inner]);

    const resp = bytes(40, 0x42);
    const encR = sealForwardedResponse(c, relaySecret, fwd.fwdCorrId, resp);
    const rres = sealFwdResponse(c, sessSecret, nP, { fwdCorrId: nC, encResponse: encR });
    const back = openFwdResponse(c, sessSecret, nP, rres);
    assert.deepEqual(back.fwdCorrId, nC);
    assert.deepEqual(openForwardedResponse(c, clientSecret, nC, back.encResponse), resp);

    // The response direction uses the reversed nonces: the forward nonce does not open it.
    assert.throws(() => openFwdTransmission(c, sessSecret, nP, rres), CryptoError);
    assert.throws(() => openForwardedTransmission(c, clientSecret, nC, encR), CryptoError);
    // A different command key cannot open the client layer.
    const other = forwardSecret(c, relaySession.pub, generateKeyPair(c, 'x25519'));
    assert.throws(() => openForwardedTransmission(c, other, nC, encT), CryptoError);
  });
});
