// The gateway's configuration: upstream defaults, sizes as upstream writes storage_quota, and
// fail-fast errors naming the key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@simplex-relay/config';
import { loadXftpGatewayConfig } from '../src/config/xftp-gateway.config.ts';

const base = { DATABASE_URL: 'postgres://x@127.0.0.1/xftp' };
const fails = (env: Record<string, string>, key: string) =>
  assert.throws(
    () => loadXftpGatewayConfig({ ...base, ...env }),
    (e) => e instanceof ConfigError && e.issues.some((i) => i.startsWith(key)),
    key,
  );

describe(loadXftpGatewayConfig.name, () => {
  it('has upstream defaults', () => {
    const c = loadXftpGatewayConfig(base);
    assert.equal(c.XFTP_PORT, 443, 'upstream xftp-server listens on 443');
    assert.equal(c.FILE_EXPIRY_HOURS, 48);
    assert.equal(c.NEW_FILES, true);
    assert.equal(c.STORAGE_QUOTA, undefined, 'no quota unless set');
    assert.equal(c.INACTIVE_CLIENTS_DISCONNECT, false, 'off by default for XFTP');
    assert.equal(c.WEB_CERT, undefined);
  });

  it('needs a database', () => fails({ DATABASE_URL: '' }, 'DATABASE_URL'));

  it('reads storage_quota sizes', () => {
    const q = (s: string) => loadXftpGatewayConfig({ ...base, STORAGE_QUOTA: s }).STORAGE_QUOTA;
    assert.equal(q('100gb'), 100 * 1024 ** 3);
    assert.equal(q('512MB'), 512 * 1024 ** 2);
    assert.equal(q('64kb'), 65536);
    assert.equal(q('1000'), 1000);
    fails({ STORAGE_QUOTA: '10 pb' }, 'STORAGE_QUOTA');
    fails({ STORAGE_QUOTA: '-1gb' }, 'STORAGE_QUOTA');
  });

  it('wants both WEB_CERT and WEB_KEY or neither', () => {
    fails({ WEB_CERT: '/x/web.crt' }, 'WEB_CERT');
    const c = loadXftpGatewayConfig({ ...base, WEB_CERT: '/x/web.crt', WEB_KEY: '/x/web.key' });
    assert.equal(c.WEB_KEY, '/x/web.key');
  });

  it('refuses a create password that cannot appear in an xftp:// address', () => {
    for (const bad of ['has space', 'a@b', 'a:b', 'a/b'])
      fails({ CREATE_PASSWORD: bad }, 'CREATE_PASSWORD');
  });
});
