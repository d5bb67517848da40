// The web certificate helpers of node-crypto that the XFTP server and its hosts rely on:
// a self-signed ECDSA P-256 certificate browsers can be told to trust (SAN, serverAuth), loaded
// and checked from PEM files, created once and then kept.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CredentialsError,
  checkWebCredentials,
  createWebCertificate,
  loadOrCreateWebCredentials,
  loadWebCredentials,
} from '@simplex-relay/node-crypto';

describe('web credentials', () => {
  it('creates a self-signed ECDSA certificate with DNS and IP subjectAltNames', () => {
    const w = createWebCertificate({ hosts: ['localhost', '127.0.0.1', '::1'] });
    const x = new X509Certificate(w.certPem);
    assert.equal(x.subject, 'CN=localhost');
    assert.equal(x.publicKey.asymmetricKeyType, 'ec');
    assert.ok(x.verify(x.publicKey), 'self-signed');
    assert.equal(x.checkHost('localhost'), 'localhost');
    assert.equal(x.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x.checkIP('::1'), '::1');
    assert.equal(x.ca, false);
    assert.deepEqual(x.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extendedKeyUsage serverAuth');
    assert.doesNotThrow(() => checkWebCredentials(w));
  });

  it('refuses a key that does not match the certificate', () => {
    const a = createWebCertificate();
    const b = createWebCertificate();
    assert.throws(
      () => checkWebCredentials({ certPem: a.certPem, keyPem: b.keyPem }),
      CredentialsError,
    );
  });

  it('creates web.crt/web.key once and keeps them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'web-cert-'));
    try {
      const first = await loadOrCreateWebCredentials(dir, { hosts: ['example.test'] });
      assert.equal(first.created, true);
      const again = await loadOrCreateWebCredentials(dir);
      assert.equal(again.created, false);
      assert.equal(again.credentials.certPem, first.credentials.certPem);
      const loaded = await loadWebCredentials(join(dir, 'web.crt'), join(dir, 'web.key'));
      assert.equal(loaded.keyPem, first.credentials.keyPem);
      await writeFile(join(dir, 'bad.crt'), 'not a certificate');
      await assert.rejects(
        loadWebCredentials(join(dir, 'bad.crt'), join(dir, 'web.key')),
        CredentialsError,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
