// Server credentials (spec smp.md §3.2): certificates made in-process must have upstream's
// `createServerX509_` profiles. Checked with node's X509Certificate, the protocol's own X.509 reader
// and, independently, the openssl CLI against upstream's openssl-made fixtures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCertificate, nobleProvider, verifyCertSignature } from '@simplex-relay/protocol';
import {
  CredentialsError,
  checkServerCredentials,
  createCertificates,
  createServerCertificate,
  decodePem,
  decodePemAll,
  encodePem,
  fingerprintOf,
  loadServerCredentials,
  writeServerCredentials,
} from '../src/index.ts';
import { derTime } from '../src/x509-builder.ts';
import {
  asn1Shape,
  noOpenssl,
  openssl,
  opensslStatus,
  readVectorText,
  tempDir,
  vectorsDir,
  writeFiles,
} from './helpers.ts';

const DAY_MS = 86_400_000;
const der = (pem: string): Uint8Array => decodePem(pem, 'CERTIFICATE');

// Upstream fixtures (libs/protocol/test/vectors/README.md): `testKeyHash` of tests/SMPClient.hs and
// the other fixture CAs, each computed by openssl in that README's recipe.
const FIXTURE_FINGERPRINTS: [string, string][] = [
  ['ca.crt', 'LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI='],
  ['ca2.crt', 'V_M3HZqRit7_wftKr6MhVsrLN_F988pz5TqkDRQCet4='],
  ['ed25519/ca.crt', 'evk6yvqIaOtOVWfFhXQTdQRtlKeDy_4MXsJDYh2agys='],
];

describe('fingerprintOf', () => {
  for (const [file, fp] of FIXTURE_FINGERPRINTS) {
    it(`gives upstream's identity ${fp} for fixture ${file}`, () => {
      assert.equal(fingerprintOf(readVectorText(file)), fp);
    });
  }
});

for (const [alg, fixture] of [
  ['ed448', ''],
  ['ed25519', 'ed25519/'],
] as const) {
  describe(`createCertificates (${alg})`, () => {
    const now = new Date('2026-03-01T10:20:30.456Z');
    const c = createCertificates({ algorithm: alg, commonName: 'localhost', now });
    const caX = new X509Certificate(der(c.caCertPem));
    const srvX = new X509Certificate(der(c.serverCertPem));

    it('makes a self-signed CA:TRUE CA and a CA:FALSE server certificate node can parse and verify', () => {
      assert.equal(caX.ca, true);
      assert.equal(srvX.ca, false);
      assert.equal(caX.subject, 'CN=SMP server CA\nO=SimpleX', 'upstream openssl_ca.conf subject');
      assert.equal(srvX.subject, 'CN=localhost');
      assert.equal(srvX.issuer, caX.subject);
      assert.equal(caX.verify(caX.publicKey), true, 'CA is self-signed');
      assert.equal(srvX.verify(caX.publicKey), true, 'server cert is signed by the CA');
      assert.equal(srvX.checkIssued(caX), true);
      assert.equal(caX.publicKey.asymmetricKeyType, alg);
      assert.equal(srvX.publicKey.asymmetricKeyType, alg);
      assert.deepEqual(srvX.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extendedKeyUsage serverAuth only');
      assert.equal(c.fingerprint, fingerprintOf(c.caCertPem));
    });

    it('is valid from now (whole seconds) for 999999 days, as upstream `-days 999999`', () => {
      for (const x of [caX, srvX]) {
        const from = new Date(x.validFrom);
        const to = new Date(x.validTo);
        assert.equal(from.toISOString(), '2026-03-01T10:20:30.000Z');
        assert.equal((to.getTime() - from.getTime()) / DAY_MS, 999_999, 'ends in year 4764');
      }
    });

    it("parses with the protocol's X.509 reader: v3, Ed signatures that verify, CA flag", () => {
      const ca = decodeCertificate(der(c.caCertPem));
      const srv = decodeCertificate(der(c.serverCertPem));
      assert.equal(ca.version, 2);
      assert.equal(srv.version, 2);
      assert.equal(ca.isCa, true);
      assert.equal(srv.isCa, false);
      assert.equal(ca.signatureAlgorithm, alg);
      assert.equal(ca.serial.length, 20, 'a 20-octet random serial like openssl');
      assert.equal(verifyCertSignature(nobleProvider, ca, ca.publicKey), true);
      assert.equal(verifyCertSignature(nobleProvider, srv, ca.publicKey), true);
      assert.equal(srv.notAfter.getUTCFullYear(), 4764, 'GeneralizedTime for dates from 2050');
    });

    it(
      "has the same DER layout as upstream's openssl-made fixtures, value for value except keys, serials and dates",
      { skip: noOpenssl },
      () => {
        assert.equal(asn1Shape(c.caCertPem), asn1Shape(readVectorText(`${fixture}ca.crt`)));
        // The fixtures' server CN is "localhost", as here, so even all lengths must agree.
        assert.equal(asn1Shape(c.serverCertPem), asn1Shape(readVectorText(`${fixture}server.crt`)));
      },
    );

    it('shows the upstream extensions in `openssl x509 -text`', { skip: noOpenssl }, () => {
      const ca = openssl(['x509', '-noout', '-text'], c.caCertPem).toString();
      const srv = openssl(['x509', '-noout', '-text'], c.serverCertPem).toString();
      const algName = alg.toUpperCase();
      assert.match(ca, /X509v3 Basic Constraints: critical\s+CA:TRUE/);
      assert.match(ca, new RegExp(`Signature Algorithm: ${algName}`));
      assert.match(ca, new RegExp(`Public Key Algorithm: ${algName}`));
      assert.match(srv, /X509v3 Basic Constraints: \s+CA:FALSE/, 'not critical, as upstream');
      assert.match(srv, /X509v3 Key Usage: \s+Digital Signature, Non Repudiation, Key Agreement/);
      assert.match(srv, /X509v3 Extended Key Usage: \s+TLS Web Server Authentication/);
      const ski = /Subject Key Identifier: \s+([0-9A-F:]+)/.exec(ca)?.[1];
      assert.ok(ski);
      assert.match(ca, new RegExp(`Authority Key Identifier: \\s+${ski}`), 'CA AKI = its own SKI');
      assert.match(srv, new RegExp(`Authority Key Identifier: \\s+${ski}`), 'server AKI = CA SKI');
    });

    it('passes `openssl verify -CAfile ca.crt server.crt`', { skip: noOpenssl }, () => {
      const t = tempDir();
      try {
        writeFiles(t.dir, { 'ca.crt': c.caCertPem, 'server.crt': c.serverCertPem });
        const r = opensslStatus([
          'verify',
          '-CAfile',
          join(t.dir, 'ca.crt'),
          join(t.dir, 'server.crt'),
        ]);
        assert.equal(r.status, 0, r.out);
        assert.match(r.out, /server\.crt: OK/);
      } finally {
        t.cleanup();
      }
    });

    it(
      'has the fingerprint openssl computes: base64url(sha256(DER)) with padding',
      { skip: noOpenssl },
      () => {
        const d = openssl(['x509', '-outform', 'DER'], c.caCertPem);
        const dgst = openssl(['dgst', '-sha256', '-binary'], d);
        assert.equal(
          c.fingerprint,
          dgst.toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
        );
        assert.equal(c.fingerprint.length, 44);
        assert.ok(c.fingerprint.endsWith('='), 'strEncode keeps the padding');
      },
    );

    it('writes PKCS#8 keys openssl reads as the right algorithm', { skip: noOpenssl }, () => {
      for (const pem of [c.caKeyPem, c.serverKeyPem]) {
        assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
        assert.match(
          openssl(['pkey', '-noout', '-text'], pem).toString(),
          new RegExp(`${alg.toUpperCase()} Private-Key`),
        );
      }
    });
  });
}

describe('createServerCertificate (upstream `cert`: new online certificate, same identity)', () => {
  it(
    "issues an online certificate under upstream's fixture CA key that openssl accepts",
    { skip: noOpenssl },
    () => {
      const caKeyPem = readVectorText('ca.key');
      const caCertPem = readVectorText('ca.crt');
      const s = createServerCertificate({ caKeyPem, caCertPem }, { commonName: 'smp.example.org' });
      const checked = checkServerCredentials({ caCertPem, ...s });
      assert.equal(
        checked.fingerprint,
        'LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=',
        'identity unchanged',
      );
      assert.equal(new X509Certificate(der(s.serverCertPem)).subject, 'CN=smp.example.org');
      const t = tempDir();
      try {
        writeFiles(t.dir, { 'server.crt': s.serverCertPem });
        const r = opensslStatus([
          'verify',
          '-CAfile',
          join(vectorsDir, 'ca.crt'),
          join(t.dir, 'server.crt'),
        ]);
        assert.equal(r.status, 0, r.out);
      } finally {
        t.cleanup();
      }
    },
  );

  it('refuses a CA key that does not belong to the CA certificate', () => {
    const other = createCertificates({ algorithm: 'ed25519' });
    assert.throws(
      () =>
        createServerCertificate({ caKeyPem: other.caKeyPem, caCertPem: readVectorText('ca.crt') }),
      CredentialsError,
    );
  });
});

describe('checkServerCredentials', () => {
  const a = createCertificates();
  const b = createCertificates();

  it("accepts upstream's fixture files and returns the raw online signing key and DER chain", () => {
    const c = checkServerCredentials({
      caCertPem: readVectorText('ca.crt'),
      serverCertPem: readVectorText('server.crt'),
      serverKeyPem: readVectorText('server.key'),
      caKeyPem: readVectorText('ca.key'),
    });
    assert.equal(c.serverSignKey.alg, 'ed448');
    assert.equal(c.serverSignKey.raw.length, 57);
    assert.deepEqual(c.chainDer[0], der(readVectorText('server.crt')));
    const pub = nobleProvider.ed448.publicFromPrivate(c.serverSignKey.raw);
    assert.deepEqual(
      pub,
      decodeCertificate(c.chainDer[0]).publicKey.raw,
      'raw key matches server.crt',
    );
  });

  it('rejects a server certificate from another CA, a foreign key, a foreign CA key and a non-EdDSA key', () => {
    assert.throws(
      () =>
        checkServerCredentials({
          ...a,
          serverCertPem: b.serverCertPem,
          serverKeyPem: b.serverKeyPem,
        }),
      /not signed by the CA/,
    );
    assert.throws(
      () => checkServerCredentials({ ...a, serverKeyPem: b.serverKeyPem }),
      /server key does not match/,
    );
    assert.throws(
      () => checkServerCredentials({ ...a, caKeyPem: b.caKeyPem }),
      /CA key does not match/,
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    assert.throws(
      () => checkServerCredentials({ ...a, serverKeyPem: ec }),
      /expected an Ed25519 or Ed448 key/,
    );
    assert.throws(() => checkServerCredentials({ ...a, caCertPem: 'garbage' }), CredentialsError);
  });

  it('rejects a leaf certificate used as the CA (no CA:TRUE)', () => {
    assert.throws(
      () => checkServerCredentials({ ...a, caCertPem: a.serverCertPem, caKeyPem: undefined }),
      /CA:TRUE/,
    );
  });
});

describe('writeServerCredentials / loadServerCredentials', () => {
  it('writes the upstream file set with 0600 keys and loads it back', async () => {
    const t = tempDir();
    try {
      const dir = join(t.dir, 'etc');
      const w = await writeServerCredentials(dir, { commonName: 'relay.example.com' });
      for (const f of ['ca.key', 'server.key'])
        assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
      assert.equal(readFileSync(join(dir, 'fingerprint'), 'utf8'), `${w.fingerprint}\n`);
      assert.equal(w.caKeyPath, join(dir, 'ca.key'));
      assert.match(w.notice, /offline/);
      const l = await loadServerCredentials(dir);
      assert.equal(l.fingerprint, w.fingerprint);
      assert.equal(l.serverKeyPem, w.credentials.serverKeyPem);
      assert.equal(l.caKeyPem, w.credentials.caKeyPem);
    } finally {
      t.cleanup();
    }
  });

  it('refuses to overwrite existing credentials (that would change the identity)', async () => {
    const t = tempDir();
    try {
      const w = await writeServerCredentials(t.dir);
      await assert.rejects(writeServerCredentials(t.dir), CredentialsError);
      assert.equal(
        (await loadServerCredentials(t.dir)).fingerprint,
        w.fingerprint,
        'old files intact',
      );
    } finally {
      t.cleanup();
    }
  });

  it('loads without ca.key (moved offline) but not with a fingerprint file of another CA', async () => {
    const t = tempDir();
    try {
      await writeServerCredentials(t.dir);
      unlinkSync(join(t.dir, 'ca.key'));
      assert.equal((await loadServerCredentials(t.dir)).caKeyPem, undefined);
      writeFileSync(join(t.dir, 'fingerprint'), 'LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=\n');
      await assert.rejects(loadServerCredentials(t.dir), /does not match ca\.crt/);
      unlinkSync(join(t.dir, 'server.key'));
      await assert.rejects(loadServerCredentials(t.dir), /cannot read server\.key/);
    } finally {
      t.cleanup();
    }
  });

  it("loads upstream's fixture directory files and reports upstream's identity", async () => {
    const l = await loadServerCredentials(vectorsDir);
    assert.equal(l.fingerprint, 'LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=');
  });
});

describe('DER and PEM details', () => {
  it('uses UTCTime through 2049 and GeneralizedTime from 2050 and before 1950 (RFC 5280 §4.1.2.5)', () => {
    const tagOf = (iso: string): number => derTime(new Date(iso))[0] as number;
    assert.equal(tagOf('2049-12-31T23:59:59Z'), 0x17);
    assert.equal(tagOf('2050-01-01T00:00:00Z'), 0x18);
    assert.equal(tagOf('1950-01-01T00:00:00Z'), 0x17);
    assert.equal(tagOf('1949-12-31T23:59:59Z'), 0x18);
    assert.equal(
      Buffer.from(derTime(new Date('4759-12-08T11:16:39Z'))).toString('hex'),
      '180f34373539313230383131313633395a',
    );
  });

  it('round-trips PEM and rejects bad bodies and ambiguous input', () => {
    const bytes = createHash('sha512').update('x').digest();
    const pem = encodePem('CERTIFICATE', bytes);
    assert.deepEqual(Buffer.from(decodePem(pem, 'CERTIFICATE')), bytes);
    assert.equal(decodePemAll(pem + pem, 'CERTIFICATE').length, 2);
    assert.throws(() => decodePem(pem + pem, 'CERTIFICATE'), RangeError);
    assert.throws(() => decodePem(pem, 'PRIVATE KEY'), RangeError);
    assert.throws(
      () => decodePem(pem.replace('\n-----END', 'A\n-----END'), 'CERTIFICATE'),
      /bad base64/,
    );
  });
});
