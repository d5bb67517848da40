// The one-process relay needs no configuration, and refuses bad values with the key named.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@simplex-relay/config';
import { loadRelayConfig } from '../src/relay.config.ts';

describe(loadRelayConfig.name, () => {
  it('starts from an empty environment with the documented defaults', () => {
    const c = loadRelayConfig({});
    assert.equal(c.SMP_PORT, 5223);
    assert.equal(c.DATA_DIR, './data');
    assert.equal(c.SMP_PASSWORD, undefined);
    assert.equal(c.CERT_ALGORITHM, 'ed25519', 'upstream smp-server init defaults to ED25519');
    assert.equal(c.NEW_QUEUES, true);
  });
  it('refuses a server password that cannot appear in an smp:// address', () => {
    for (const bad of ['has space', 'a@b', 'a:b', 'a/b']) {
      assert.throws(
        () => loadRelayConfig({ SMP_PASSWORD: bad }),
        (e) => e instanceof ConfigError && e.issues[0]?.startsWith('SMP_PASSWORD') === true,
      );
    }
    assert.equal(loadRelayConfig({ SMP_PASSWORD: 'secret-1' }).SMP_PASSWORD, 'secret-1');
  });
});
