// The behaviour suite against the one-process relay (`npm start`: apps/relay as a child process
// with its embedded PostgreSQL), plus its server password. "A" and "B" are separate connections
// to the same relay; the restart test stops the relay with SIGTERM and starts it again on the
// same DATA_DIR.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, startEmbeddedRelay } from '@simplex-relay/testing';
import type { EmbeddedRelay, TestDatabase } from '@simplex-relay/testing';
import { behaviourSuite, passwordChecks, type Target } from './support/behaviour.ts';

describe('SMP behaviour of the one-process relay (embedded PostgreSQL, child process)', () => {
  let relay: EmbeddedRelay | undefined;
  before(async () => {
    relay = await startEmbeddedRelay();
  });
  after(async () => {
    await relay?.stop();
  });
  const target = (): Target => {
    const r = relay;
    if (r === undefined) throw new Error('the relay did not start');
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
  let relay: EmbeddedRelay | undefined;
  let db: TestDatabase | undefined;
  before(async () => {
    // An external database here: the password check does not need a second embedded cluster.
    db = await createTestDatabase({ prefix: 'e2e_relay_pw' });
    relay = await startEmbeddedRelay({ env: { SMP_PASSWORD: 'e2e-secret', DATABASE_URL: db.url } });
  });
  after(async () => {
    await relay?.stop();
    await db?.drop();
  });

  it('refuses NEW without the password or with a wrong one (AUTH) and creates the queue with it (IDS)', async () => {
    const r = relay as EmbeddedRelay;
    assert.match(
      r.address,
      /^smp:\/\/[^:@]+:e2e-secret@/,
      'the printed address carries the password',
    );
    await passwordChecks(r.address);
  });
});
