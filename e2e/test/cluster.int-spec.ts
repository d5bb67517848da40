// The behaviour suite against a cluster of separate processes — 2 smp-gateway and 2 queue-store
// NestJS apps over the real nats-server and PostgreSQL (libs/testing startCluster). Recipients use
// gateway 0 and senders gateway 1, and the suite's queues alternate between the two stores. Plus
// what only a cluster has: a store killed with SIGKILL, a gateway killed with SIGKILL, and the
// server password enforced by the stores.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ShardRouter } from '@simplex-relay/bus';
import type { Cluster } from '@simplex-relay/testing';
import { Conn, createQueue, te, text } from './support/client.ts';
import { behaviourSuite, passwordChecks, type Target } from './support/behaviour.ts';
import { useCluster } from './support/suite.ts';

describe('SMP behaviour of a cluster of 2 gateways and 2 queue stores (processes, NATS, PostgreSQL)', () => {
  const started = useCluster({ gateways: 2, stores: 2 });
  const live = (): { c: Cluster; r: ShardRouter } => {
    const { cluster, router } = started();
    return { c: cluster, r: router };
  };
  /** The store of a queue: by the keyed hash of its sender ID, which its recipient ID encodes too. */
  const storeIndexOf = (q: { rcvId: Uint8Array; sndId: Uint8Array }): number => {
    const { c, r } = live();
    const vshard = r.ofClientId(q.sndId);
    assert.equal(r.ofServerId(q.rcvId), vshard, 'the recipient ID routes to the queue vshard');
    return c.stores.indexOf(c.storeOfVshard(vshard));
  };
  const target = (): Target => {
    const { c } = live();
    return {
      addressA: c.addresses[0] as string,
      addressB: c.addresses[1] as string,
      storeCount: c.stores.length,
      storeOf: storeIndexOf,
      restartQueueOwner: async (q) => {
        const store = c.stores[storeIndexOf(q)];
        assert.ok(store);
        const exit = await store.kill('SIGKILL');
        assert.equal(exit?.signal, 'SIGKILL', 'the owning store was killed, not stopped');
        await store.restart();
      },
      metrics: async () => ({
        gateways: await Promise.all(c.gateways.map((g) => g.metrics())),
        stores: await Promise.all(c.stores.map((s) => s.metrics())),
      }),
      logTail: () => c.logTail(),
    };
  };

  behaviourSuite(target);

  // Last: it leaves gateway 0 dead.
  it('lets a client retake the subscriptions of a SIGKILLed gateway through another gateway', async () => {
    const { c } = live();
    const [gwA, gwB] = c.gateways;
    assert.ok(gwA && gwB);
    const rcvA = await Conn.open(gwA.address);
    const q = await createQueue(rcvA);
    await rcvA.client.subscribe(q.rcvId, q.rcvKey.priv);
    await gwA.kill('SIGKILL');
    await rcvA.client.closed; // the client sees its gateway die
    const rcvB = await Conn.open(gwB.address);
    const snd = await Conn.open(gwB.address);
    try {
      const started = Date.now();
      assert.equal(
        await rcvB.client.subscribe(q.rcvId, q.rcvKey.priv),
        undefined,
        'the queue is subscribed again through gateway B',
      );
      // Stores forget a silent gateway's subscriptions after 10 s; the takeover must not wait for that.
      assert.ok(Date.now() - started < 8000, 'the takeover does not wait for the dead gateway');
      await snd.client.sendMessage(q.sndId, undefined, te('after the takeover'));
      const m = await rcvB.take('MSG', q.rcvId);
      assert.equal(text(q, m), 'after the takeover', 'new messages reach the new subscription');
    } finally {
      await Promise.all([rcvA.close(), rcvB.close(), snd.close()]);
    }
  });
});

describe('a cluster with a server password (CREATE_PASSWORD)', () => {
  const live = useCluster({ gateways: 1, stores: 1, password: 'e2e-secret' });

  it('refuses NEW without the password or with a wrong one (AUTH) and creates the queue with it (IDS)', async () => {
    const address = live().cluster.addresses[0] as string;
    assert.match(address, /:e2e-secret@/, 'the cluster address carries the password');
    await passwordChecks(address);
  });
});
