// The behaviour suite against the one-process relay (`npm start`: apps/relay as a child process
// with its embedded PostgreSQL), plus its server password. "A" and "B" are separate connections
// to the same relay; the restart test stops the relay with SIGTERM and starts it again on the
// same DATA_DIR.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { behaviourSuite, passwordChecks, type Target } from './support/behaviour.ts';
import { useEmbeddedRelay } from './support/suite.ts';

describe('SMP behaviour of the one-process relay (embedded PostgreSQL, child process)', () => {
  const relay = useEmbeddedRelay();
  const target = (): Target => {
    const r = relay();
    return {
      addressA: r.address,
      addressB: r.address,
      storeCount: 1,
      storeOf: () => 0,
      restartQueueOwner: async () => {
        const pidBefore = r.pid;
        await r.restart();
        assert.notEqual(r.pid, pidBefore, 'a new relay process serves after the restart');
      },
      metrics: async () => {
        const text = await r.metrics();
        return { gateways: [text], stores: [text] };
      },
      logTail: () => r.logTail(),
    };
  };
  behaviourSuite(target);
});

describe('the one-process relay with a server password (SMP_PASSWORD)', () => {
  // An external database here: the password check does not need a second embedded cluster.
  const relay = useEmbeddedRelay({
    databasePrefix: 'e2e_relay_pw',
    env: { SMP_PASSWORD: 'e2e-secret' },
  });

  it('refuses NEW without the password or with a wrong one (AUTH) and creates the queue with it (IDS)', async () => {
    const r = relay();
    assert.match(
      r.address,
      /^smp:\/\/[^:@]+:e2e-secret@/,
      'the printed address carries the password',
    );
    await passwordChecks(r.address);
  });
});
