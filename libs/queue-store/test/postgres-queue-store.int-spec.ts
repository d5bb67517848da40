import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestDatabase } from '@simplex-relay/testing';
import { PostgresQueueStore, VShardClaimError } from '../src/index.ts';
import { queueStoreContract } from './queue-store.contract.ts';
import { msg, queueRec } from './support/fixtures.ts';
import { migratedTestDatabase } from './support/pg.ts';

let db: TestDatabase;
before(async () => {
  db = await migratedTestDatabase('qs_contract');
});
after(async () => {
  await db?.drop();
});

queueStoreContract(
  'postgres',
  async (opts) => new PostgresQueueStore({ connectionString: db.url, ...opts }),
);

describe('PostgresQueueStore vshard scoping', () => {
  it('hides queues on vshards the instance does not own, for every lookup and mutation', async () => {
    const all = new PostgresQueueStore({ connectionString: db.url });
    const only7 = new PostgresQueueStore({ connectionString: db.url, vshards: [7] });
    try {
      const q = queueRec({ vshard: 8, notifier: undefined });
      assert.deepEqual(await all.createQueue(q), { ok: true });
      await all.writeMsg(q.recipientId, msg(), 128);
      assert.equal(await only7.getQueueByRecipientId(q.recipientId), undefined);
      assert.equal(await only7.getQueueBySenderId(q.senderId), undefined);
      assert.equal(await only7.peekMsg(q.recipientId), undefined);
      assert.deepEqual(await only7.writeMsg(q.recipientId, msg(), 128), {
        kind: 'no-queue',
        wasEmpty: false,
      });
      assert.deepEqual(await only7.deleteQueue(q.recipientId), { ok: false, error: 'NOT_FOUND' });
      assert.equal(
        await all.getQueueSize(q.recipientId),
        1,
        'the foreign instance changed nothing',
      );
      assert.deepEqual(
        await only7.createQueue(queueRec({ vshard: 7, senderId: q.senderId })),
        { ok: false, error: 'DUPLICATE' },
        'uniqueness still holds across vshards in one database',
      );
    } finally {
      await Promise.all([all.close(), only7.close()]);
    }
  });
});

describe('PostgresQueueStore vshard claim', () => {
  it('lets only one instance claim a vshard, and frees it when the owner closes', async () => {
    const a = new PostgresQueueStore({ connectionString: db.url, vshards: [1, 2, 3] });
    const b = new PostgresQueueStore({ connectionString: db.url, vshards: [3, 4] });
    const c = new PostgresQueueStore({ connectionString: db.url, vshards: [4, 5] });
    try {
      await a.claimVShards();
      await assert.rejects(
        b.claimVShards(),
        (err: unknown) => err instanceof VShardClaimError && err.held === 1,
        'vshard 3 is owned by the first instance',
      );
      await c.claimVShards(); // vshard 4 was not kept by the failed claim
      await a.close();
      const b2 = new PostgresQueueStore({ connectionString: db.url, vshards: [1, 2, 3] });
      await b2.claimVShards(); // freed by close()
      await b2.close();
    } finally {
      await Promise.all([b.close(), c.close()]);
    }
  });
});
