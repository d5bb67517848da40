import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { TestDatabase } from '@simplex-relay/testing';
import { PostgresQueueStore } from '../src/index.ts';
import type { QueueRec } from '../src/index.ts';
import { msg, queueRec, rid } from './support/fixtures.ts';
import { migratedTestDatabase } from './support/pg.ts';

let db: TestDatabase;
before(async () => {
  db = await migratedTestDatabase('qs_group_commit');
});
after(async () => {
  await db?.drop();
});

async function withStore<T>(
  fn: (s: PostgresQueueStore) => Promise<T>,
  maxBatchSize = 256,
): Promise<T> {
  const s = new PostgresQueueStore({ connectionString: db.url, maxBatchSize });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

async function createQueues(s: PostgresQueueStore, n: number): Promise<QueueRec[]> {
  const qs = Array.from({ length: n }, () => queueRec());
  const res = await Promise.all(qs.map((q) => s.createQueue(q)));
  assert.ok(res.every((r) => r.ok));
  return qs;
}

describe('PostgresQueueStore group commit', () => {
  it('commits 200 concurrent writes on 50 queues in far fewer transactions, all readable afterwards', async () => {
    await withStore(async (s) => {
      const qs = await createQueues(s, 50);
      const before = { ...s.stats };
      const writes = Array.from({ length: 200 }, (_, i) => ({ q: qs[i % 50]!, m: msg(BigInt(i)) }));
      const res = await Promise.all(writes.map(({ q, m }) => s.writeMsg(q.recipientId, m, 128)));
      const txs = s.stats.transactions - before.transactions;
      assert.ok(
        res.every((r) => r.kind === 'written'),
        'every write was accepted',
      );
      assert.equal(
        res.filter((r) => r.wasEmpty).length,
        50,
        'exactly the first write per queue saw it empty',
      );
      assert.ok(txs < 200 / 10, `200 operations took ${txs} transactions`);
      assert.equal(s.stats.fallbacks, before.fallbacks, 'no batch had to be re-run');
      for (const [i, q] of qs.entries()) {
        assert.equal(await s.getQueueSize(q.recipientId), 4);
        const head = await s.peekMsg(q.recipientId);
        assert.equal(head?.ts, BigInt(i), 'each queue holds its writes in issue order');
      }
    });
  });

  it('applies concurrent writes to one queue in issue order', async () => {
    await withStore(async (s) => {
      const [q] = await createQueues(s, 1);
      const ms = Array.from({ length: 40 }, (_, i) => msg(BigInt(i)));
      await Promise.all(ms.map((m) => s.writeMsg(q!.recipientId, m, 128)));
      for (const m of ms) {
        assert.deepEqual(
          (await s.tryDelPeekMsg(q!.recipientId, m.msgId)).deleted?.msgId,
          m.msgId,
          'FIFO = issue order',
        );
      }
    });
  });

  it('answers DUPLICATE to a colliding create without failing the rest of its batch', async () => {
    await withStore(async (s) => {
      const [taken] = await createQueues(s, 1);
      const fresh = Array.from({ length: 20 }, () => queueRec());
      const clash = queueRec({ senderId: taken!.senderId });
      const before = { ...s.stats };
      const res = await Promise.all(
        [...fresh.slice(0, 10), clash, ...fresh.slice(10)].map((q) => s.createQueue(q)),
      );
      assert.deepEqual(res[10], { ok: false, error: 'DUPLICATE' });
      assert.equal(res.filter((r) => r.ok).length, 20);
      assert.ok(s.stats.transactions - before.transactions < 21, 'they shared transactions');
      for (const q of fresh) assert.ok(await s.getQueueByRecipientId(q.recipientId), 'committed');
    });
  });

  it('fails only the operation that threw; the batch is re-run and the others commit', async () => {
    // A trigger in this test database makes one specific message ID fail inside the batch.
    const bad = rid();
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`CREATE FUNCTION public.boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.msg_id = '\\x${Buffer.from(bad).toString('hex')}'::bytea THEN RAISE EXCEPTION 'injected failure'; END IF;
      RETURN NEW; END $$`);
    await admin.query(
      'CREATE TRIGGER boom BEFORE INSERT ON queue_store.messages FOR EACH ROW EXECUTE FUNCTION public.boom()',
    );
    try {
      await withStore(async (s) => {
        const qs = await createQueues(s, 30);
        const before = { ...s.stats };
        const ops = qs.map((q, i) =>
          s.writeMsg(q.recipientId, i === 15 ? { ...msg(), msgId: bad } : msg(), 128),
        );
        const res = await Promise.allSettled(ops);
        assert.equal(res[15]!.status, 'rejected', 'the failing write rejects');
        assert.match(String((res[15] as PromiseRejectedResult).reason), /injected failure/);
        assert.equal(
          res.filter((r) => r.status === 'fulfilled').length,
          29,
          'the other 29 succeed',
        );
        assert.ok(s.stats.fallbacks > before.fallbacks, 'the batch was rolled back and re-run');
        for (const [i, q] of qs.entries()) {
          assert.equal(
            await s.getQueueSize(q.recipientId),
            i === 15 ? 0 : 1,
            'each write committed exactly once',
          );
        }
      });
    } finally {
      await admin.query('DROP TRIGGER boom ON queue_store.messages');
      await admin.end();
    }
  });

  it('bounds the batch size', async () => {
    await withStore(async (s) => {
      const qs = await createQueues(s, 20);
      await Promise.all(qs.map((q) => s.writeMsg(q.recipientId, msg(), 128)));
      assert.ok(s.stats.maxBatch <= 8, `largest batch ${s.stats.maxBatch}`);
      assert.ok(s.stats.maxBatch > 1, 'batches did form');
    }, 8);
  });
});

describe('PostgresQueueStore durability', () => {
  it('keeps acknowledged writes when every connection is killed, as seen by a new instance', async () => {
    const s = new PostgresQueueStore({ connectionString: db.url, onPoolError: () => {} });
    const qs = await createQueues(s, 10);
    const ms = qs.map(() => msg());
    await Promise.all(qs.map((q, i) => s.writeMsg(q.recipientId, ms[i]!, 128)));
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const sync = await admin.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
      assert.equal(sync.rows[0]?.synchronous_commit, 'on', 'an acknowledged write must be on disk');
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      assert.ok((killed.rowCount ?? 0) >= 1, 'the store had open connections to kill');
    } finally {
      await admin.end();
    }
    await s.close().catch(() => {});
    const s2 = new PostgresQueueStore({ connectionString: db.url });
    try {
      for (const [i, q] of qs.entries()) {
        assert.deepEqual(
          (await s2.peekMsg(q.recipientId))?.msgId,
          ms[i]!.msgId,
          'the write survived',
        );
      }
    } finally {
      await s2.close();
    }
  });
});
