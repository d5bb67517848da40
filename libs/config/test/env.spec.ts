// Config parsing fails fast and lists every bad key; good values come out typed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, commonEnv, onOff, parseEnv, port, z } from '../src/index.ts';

const schema = z.object({ ...commonEnv, SMP_PORT: port(5223), NEW_QUEUES: onOff(true) });

describe(parseEnv.name, () => {
  it('turns a flat env into typed values with defaults', () => {
    const c = parseEnv(schema, {
      SHARD_KEY: '00112233445566778899aabbccddeeff',
      NEW_QUEUES: 'off',
    });
    assert.equal(c.SMP_PORT, 5223);
    assert.equal(c.NEW_QUEUES, false);
    assert.equal(c.VSHARD_COUNT, 1024);
    assert.equal(c.SHARD_KEY.length, 16);
  });
  it('lists every bad key at once', () => {
    try {
      parseEnv(schema, { SHARD_KEY: 'abc', SMP_PORT: '70000', VSHARD_COUNT: '1000' });
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      const keys = e.issues.map((i) => i.split(':')[0]);
      assert.deepEqual(keys.sort(), ['SHARD_KEY', 'SMP_PORT', 'VSHARD_COUNT']);
    }
  });
});
