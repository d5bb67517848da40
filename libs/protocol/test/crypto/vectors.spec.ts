// Known answers from the spec digest (smp.md §1.6, §1.7, §2.2, §2.5, §2.6, §3.2) and from upstream
// fixtures and literals: tests/fixtures/*.crt/.key (copied to test/vectors), tests/ServerTests.hs
// (samplePubKey, sampleDhPubKey, sampleSig), src/Simplex/Messaging/Server.hs (dummyKey*).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DUMMY_KEY_ED25519_DER,
  DUMMY_KEY_ED448_DER,
  DUMMY_KEY_X25519_DER,
  cbAuthenticate,
  cbNonce,
  cbVerify,
  certFingerprint,
  chainIdCaCerts,
  decodePubKeyDer,
  decodeSignedKey,
  encodePubKeyDer,
  nobleProvider as c,
  privateKey,
  publicKeyOf,
  sbDecrypt,
  sbEncrypt,
  sbcHkdf,
  sbcInit,
  signX509Key,
  signatureAlgorithm,
  verifyCertSignature,
  verifySignedKey,
} from '../../src/index.ts';
import { b64, hex, range, unhex } from '../helpers.ts';
import { b64url, cert, pemDer, privKey } from './fixtures.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('SimpleX secret_box (§2.2)', () => {
  const key = range(0x01, 0x20);
  const nonce = range(0x01, 0x18);
  const expected = unhex(`
    bc861d7776bd7b5ef059d8b5b415d38ad890960a28c657199bb296d55c36d0df7d9344af9014c6e672553847694f734f
    82358c0b2b8cd15c9655896bdf4e6b294112299991219760eda29c6d73bccac234c9239ee9e0759b4e7b1d76543be0cc
    41b340db7ebae098319cfd69128614c46f5d903c8d947d70683a213d9df1114a19cc41f86cc9e1e0b42a8106fb44daca
    bf711f3348ac92c022f3326a0eb710111b63a9463feda452f4dd248b8acc71ee425c93eeaefda0f6ba958b5fb428f183
    15cf0f33296e1ba116d5ab9960375e463c29b7a9b45f20cfccd83e424c981873d0dd5cf6159c6d0f4600d2978ede9b67
    3e69dedf5192185f2096c9ee298856ae091fcdded315a1ae5e607d38b441a581`);
  it('encrypts "hello NaCl secretbox" padded to 256 into the 272-byte digest vector', () => {
    assert.equal(hex(sbEncrypt(c, key, nonce, ascii('hello NaCl secretbox'), 256)), hex(expected));
  });
  it('decrypts and unpads the digest vector back to the message', () => {
    assert.deepEqual(sbDecrypt(c, key, nonce, expected), ascii('hello NaCl secretbox'));
  });
});

describe('transport chain keys (§2.5)', () => {
  it('derives the digest vector from salt a0..bf and secret 10..2f', () => {
    const [ck1, ck2] = sbcInit(c, range(0xa0, 0xbf), range(0x10, 0x2f));
    assert.equal(hex(ck1), '3307bc0d61dfd33044c5f60a7b0fe9d4801a65eb0393c1fd0cfa9a96c048db04');
    assert.equal(hex(ck2), '3f432733b570c79f79f634e2ead400763fc0eb764a9b070927ae5eab5fe4dbb4');
    const step = sbcHkdf(c, ck1);
    assert.equal(
      hex(step.next),
      '99772ec40c327b784bd91426c7a84b7c6e4059fdc12d707fa11c1524686dfafc',
    );
    assert.equal(hex(step.key), 'b9683cf6951258cdb2f77964d1b4f55c92ba00a90b2653857ce7e72ab15a9d0d');
    assert.equal(hex(step.nonce), 'de66688d02c01d478a3801cda0dc6b03b7a4a1ff35efba69');
  });
});

describe('X25519 authenticator (§2.6)', () => {
  const serverPriv = privateKey('x25519', range(0x40, 0x5f));
  const clientPriv = privateKey('x25519', range(0x60, 0x7f));
  const serverPub = publicKeyOf(c, serverPriv);
  const clientPub = publicKeyOf(c, clientPriv);
  const corrId = range(0x00, 0x17);
  const authorized = Uint8Array.of(
    0x20,
    ...range(0xa0, 0xbf),
    0x18,
    ...corrId,
    0x18,
    ...range(0xc0, 0xd7),
    ...ascii('SUB'),
  );
  const expected =
    'd19f07868d320b4f3bc92d1f50c7323d596d2faa78e0ae7f202c97f179cda43acc76e48d39ea' +
    'ecef5bd8360951241950fb42a871db2006bd47143b5c12a8c2640ca244e48dd089e8817b5243d54b8545';
  it('derives the digest public keys from private keys 40..5f and 60..7f', () => {
    assert.equal(
      hex(serverPub.raw),
      '79a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a',
    );
    assert.equal(
      hex(clientPub.raw),
      '675dd574ed7789310b3d2e7681f3790b466c773b1521fecf36577958371ea52f',
    );
    assert.equal(authorized.length, 86);
  });
  it('produces the 80-byte digest authenticator from either side of the DH', () => {
    assert.equal(
      hex(cbAuthenticate(c, serverPub, clientPriv, cbNonce(corrId), authorized)),
      expected,
      'client side',
    );
    assert.equal(
      hex(cbAuthenticate(c, clientPub, serverPriv, cbNonce(corrId), authorized)),
      expected,
      'server side',
    );
  });
  it('verifies the vector and rejects any flipped bit, other bytes or another nonce', () => {
    const auth = unhex(expected);
    assert.equal(cbVerify(c, clientPub, serverPriv, cbNonce(corrId), auth, authorized), true);
    for (const i of [0, 20, 79]) {
      const bad = auth.slice();
      bad[i] = (bad[i] as number) ^ 1;
      assert.equal(
        cbVerify(c, clientPub, serverPriv, cbNonce(corrId), bad, authorized),
        false,
        `bit flipped in byte ${i}`,
      );
    }
    const otherAuthorized = authorized.slice();
    otherAuthorized[85] = 0x43; // "SUC"
    assert.equal(
      cbVerify(c, clientPub, serverPriv, cbNonce(corrId), auth, otherAuthorized),
      false,
      'other command',
    );
    assert.equal(
      cbVerify(c, clientPub, serverPriv, cbNonce(range(1, 24)), auth, authorized),
      false,
      'other nonce',
    );
  });
});

describe('signed key (§1.7)', () => {
  const serverKey = privKey('server.key');
  const dhPub = publicKeyOf(c, privateKey('x25519', range(0x40, 0x5f)));
  const expected = unhex(`
    3081aa302c302a300506032b656e03210079a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a
    300506032b657103730075d441eb66922e38e0c3f713a4bb4d13d4fcbf0e13ab29a27c348f30eb6ca3607e8b66b42bab07
    c80d467e2bde9e796a0c55089d4c0386a7808d312f2202a361f950215ba1ea7527bf92f0820323608904bfcf9464b4ba88
    afec2ebe52effe9c9f9687839188e40b8aeda31a6566cb212a00`);
  it('signs the X25519 key 40..5f with the fixture Ed448 key byte-exactly as the digest', () => {
    assert.equal(serverKey.alg, 'ed448');
    assert.equal(hex(signX509Key(c, serverKey, dhPub)), hex(expected));
  });
  it('decodes the vector: 46 signed bytes = SEQUENCE{SPKI}, Ed448, 114-byte signature', () => {
    const s = decodeSignedKey(expected);
    assert.equal(
      s.objRaw.length,
      46,
      'the x509 library signs SEQUENCE { SPKI }, not the bare SPKI',
    );
    assert.equal(hex(s.objRaw), `302c${hex(encodePubKeyDer(dhPub))}`);
    assert.deepEqual(s.key, dhPub);
    assert.equal(s.alg, 'ed448');
    assert.equal(s.signature.length, 114);
  });
  it('verifies with the server certificate key and not with the CA key', () => {
    const s = decodeSignedKey(expected);
    assert.equal(
      verifySignedKey(c, cert('server.crt').publicKey, s),
      true,
      'server.crt holds the signing key',
    );
    assert.equal(verifySignedKey(c, cert('ca.crt').publicKey, s), false, 'the CA did not sign it');
  });
  it('has the 122-byte Ed25519 layout of §1.7 with the ed25519 fixture key', () => {
    const der = signX509Key(c, privKey('ed25519/server.key'), dhPub);
    assert.equal(der.length, 122);
    assert.equal(hex(der.subarray(0, 2)), '3078');
    assert.equal(
      hex(der.subarray(48, 58)),
      '300506032b6570034100',
      'Ed25519 AlgorithmIdentifier then BIT STRING header',
    );
    assert.equal(
      verifySignedKey(c, cert('ed25519/server.crt').publicKey, decodeSignedKey(der)),
      true,
    );
  });
});

describe('certificates and server identity (§3.2)', () => {
  const fp = (name: string): string => b64url(certFingerprint(c, pemDer(name)));
  it('fingerprints ca.crt as upstream testKeyHash and the other CAs as the digest', () => {
    assert.equal(fp('ca.crt'), 'LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=');
    assert.equal(fp('ca2.crt'), 'V_M3HZqRit7_wftKr6MhVsrLN_F988pz5TqkDRQCet4=');
    assert.equal(fp('ed25519/ca.crt'), 'evk6yvqIaOtOVWfFhXQTdQRtlKeDy_4MXsJDYh2agys=');
    assert.equal(
      fp('server.crt'),
      'HWAkKpzsYqiG1t-95vAUkJjK-UXQMdHWaA_ksfn4FZc=',
      'the leaf hash (never the identity)',
    );
  });
  it('takes the identity from the second certificate of the [server, ca] chain', () => {
    const chain = chainIdCaCerts([pemDer('server.crt'), pemDer('ca.crt')]);
    assert.equal(chain.type, 'valid');
    if (chain.type === 'valid')
      assert.equal(
        b64url(certFingerprint(c, chain.idCert)),
        'LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=',
      );
  });
  it('verifies server.crt with the key of ca.crt, for both the Ed448 and Ed25519 fixtures', () => {
    assert.equal(verifyCertSignature(c, cert('server.crt'), cert('ca.crt').publicKey), true);
    assert.equal(
      verifyCertSignature(c, cert('ed25519/server.crt'), cert('ed25519/ca.crt').publicKey),
      true,
    );
    assert.equal(
      verifyCertSignature(c, cert('ca.crt'), cert('ca.crt').publicKey),
      true,
      'the CA is self-signed',
    );
  });
  it('rejects a signature by another CA, another algorithm or over altered bytes', () => {
    assert.equal(
      verifyCertSignature(c, cert('server.crt'), cert('ca2.crt').publicKey),
      false,
      'other Ed448 CA',
    );
    assert.equal(
      verifyCertSignature(c, cert('server.crt'), cert('ed25519/ca.crt').publicKey),
      false,
      'Ed25519 key',
    );
    const s = cert('server.crt');
    const tbs = s.tbsRaw.slice();
    tbs[tbs.length - 1] = (tbs[tbs.length - 1] as number) ^ 1;
    assert.equal(
      verifyCertSignature(c, { ...s, tbsRaw: tbs }, cert('ca.crt').publicKey),
      false,
      'altered tbsCertificate',
    );
  });
  it('reads the basicConstraints CA flag, dates, version and keys', () => {
    const ca = cert('ca.crt');
    const leaf = cert('server.crt');
    assert.equal(ca.isCa, true, 'CA profile: critical,CA:true');
    assert.equal(leaf.isCa, false, 'leaf profile: CA:FALSE');
    assert.equal(cert('ed25519/ca.crt').isCa, true);
    assert.equal(cert('ed25519/server.crt').isCa, false);
    assert.equal(leaf.version, 2, 'X.509 v3');
    assert.equal(leaf.notBefore.toISOString(), '2022-01-11T16:39:46.000Z', 'UTCTime 220111163946Z');
    assert.equal(
      leaf.notAfter.toISOString(),
      '4759-12-08T16:39:46.000Z',
      'GeneralizedTime 47591208163946Z',
    );
    assert.equal(leaf.signatureAlgorithm, 'ed448');
    assert.deepEqual(
      leaf.publicKey,
      publicKeyOf(c, privKey('server.key')),
      'server.crt certifies server.key',
    );
    assert.deepEqual(
      cert('ed25519/server.crt').publicKey,
      publicKeyOf(c, privKey('ed25519/server.key')),
    );
    assert.deepEqual(ca.publicKey, publicKeyOf(c, privKey('ca.key')));
  });
});

describe('chainIdCaCerts (§3.2)', () => {
  it('maps chains of 2, 3 and 4 certificates and refuses 0, 1 and 5', () => {
    assert.deepEqual(chainIdCaCerts(['l', 'c']), {
      type: 'valid',
      leafCert: 'l',
      idCert: 'c',
      caCert: 'c',
    });
    assert.deepEqual(chainIdCaCerts(['l', 'i', 'c']), {
      type: 'valid',
      leafCert: 'l',
      idCert: 'i',
      caCert: 'c',
    });
    assert.deepEqual(chainIdCaCerts(['l', 'i', 'n', 'c']), {
      type: 'valid',
      leafCert: 'l',
      idCert: 'i',
      caCert: 'c',
    });
    assert.deepEqual(chainIdCaCerts([]), { type: 'empty' });
    assert.deepEqual(chainIdCaCerts(['l']), { type: 'self', cert: 'l' });
    assert.deepEqual(chainIdCaCerts(['1', '2', '3', '4', '5']), { type: 'long' });
  });
});

describe('upstream key literals (§1.6)', () => {
  it('decodes tests/ServerTests.hs samplePubKey (Ed25519) and sampleDhPubKey (X25519) and re-encodes them', () => {
    const spki = b64('MCowBQYDK2VwAyEAfAOflyvbJv1fszgzkQ6buiZJVgSpQWsucXq7U6zjMgY=');
    assert.equal(decodePubKeyDer(spki).alg, 'ed25519');
    assert.deepEqual(encodePubKeyDer(decodePubKeyDer(spki)), spki);
    const dh = b64('MCowBQYDK2VuAyEAriy+HcARIhqsgSjVnjKqoft+y6pxrxdY68zn4+LjYhQ=');
    assert.equal(decodePubKeyDer(dh).alg, 'x25519');
    assert.deepEqual(encodePubKeyDer(decodePubKeyDer(dh)), dh);
  });
  it('reads tests/ServerTests.hs sampleSig as an Ed25519 signature by its length', () => {
    const sig = b64(
      'e8JK+8V3fq6kOLqco/SaKlpNaQ7i1gfOrXoqekEl42u4mF8Bgu14T5j0189CGcUhJHw2RwCMvON+qbvQ9ecJAA==',
    );
    assert.equal(signatureAlgorithm(sig), 'ed25519');
  });
  it('holds the Server.hs dummy keys byte for byte and they decode to their algorithms', () => {
    const cases = [
      [
        DUMMY_KEY_ED25519_DER,
        'MCowBQYDK2VwAyEA139Oqs4QgpqbAmB0o7rZf6T19ryl7E65k4AYe0kE3Qs=',
        'ed25519',
      ],
      [
        DUMMY_KEY_ED448_DER,
        'MEMwBQYDK2VxAzoA6ibQc9XpkSLtwrf7PLvp81qW/etiumckVFImCMRdftcG/XopbOSaq9qyLhrgJWKOLyNrQPNVvpMA',
        'ed448',
      ],
      [
        DUMMY_KEY_X25519_DER,
        'MCowBQYDK2VuAyEA4JGSMYht18H4mas/jHeBwfcM7jLwNYJNOAhi2/g4RXg=',
        'x25519',
      ],
    ] as const;
    for (const [der, literal, alg] of cases) {
      assert.deepEqual(der, b64(literal), `${alg} dummy key must equal the upstream literal`);
      const k = decodePubKeyDer(der);
      assert.equal(k.alg, alg);
      assert.deepEqual(encodePubKeyDer(k), der);
    }
  });
});
