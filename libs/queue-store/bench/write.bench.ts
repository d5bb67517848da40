// writeMsg + tryDelMsg pairs per second with 16 KB bodies at concurrency 1, 16 and 128, with group
// commit on and off (one autocommit statement per operation), plus raw pg INSERT + DELETE of the
// same rows as a floor. Prints only. Run: npm run bench -w @simplex-relay/queue-store
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createTestDatabase } from '@simplex-relay/testing';
import { PostgresQueueStore, migrateQueueStore } from '../src/index.ts';
import type { QueueRec } from '../src/index.ts';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const POOL = 16;
const LANES = Number(process.env['BENCH_LANES'] ?? 4);
const BODY = new Uint8Array(randomBytes(16 * 1024));
const id = (): Uint8Array => new Uint8Array(randomBytes(24));

function queue(): QueueRec {
  return {
    recipientId: id(),
    recipientKeys: [id()],
    rcvDhSecret: id(),
    senderId: id(),
    queueMode: 'M',
    status: { kind: 'active' },
    updatedAt: 0,
    vshard: 0,
  };
}

async function timed(
  concurrency: number,
  pair: (worker: number) => Promise<void>,
): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  let pairs = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end) {
        await pair(w);
        pairs++;
      }
    }),
  );
  return pairs / ((performance.now() - t0) / 1000);
}

async function benchStore(url: string, groupCommit: boolean, concurrency: number): Promise<string> {
  const s = new PostgresQueueStore({
    connectionString: url,
    groupCommit,
    poolSize: POOL,
    groupCommitLanes: LANES,
  });
  const qs = Array.from({ length: concurrency }, queue);
  await Promise.all(qs.map((q) => s.createQueue(q)));
  const start = { ...s.stats };
  const rate = await timed(concurrency, async (w) => {
    const rId = qs[w]!.recipientId;
    const msgId = id();
    const r = await s.writeMsg(rId, { msgId, ts: 1n, ntfFlag: false, body: BODY }, 128);
    if (r.kind !== 'written') throw new Error(`unexpected ${r.kind}`);
    if (!(await s.tryDelMsg(rId, msgId))) throw new Error('not deleted');
  });
  const ops = s.stats.operations - start.operations;
  const txs = s.stats.transactions - start.transactions;
  await s.close();
  return `${rate.toFixed(0).padStart(6)} pairs/s  (${(ops / txs).toFixed(1)} ops/tx, max batch ${s.stats.maxBatch})`;
}

async function benchRaw(url: string, concurrency: number): Promise<string> {
  const pool = new pg.Pool({ connectionString: url, max: POOL });
  const qs = Array.from({ length: concurrency }, queue);
  const setup = new PostgresQueueStore({ connectionString: url });
  await Promise.all(qs.map((q) => setup.createQueue(q)));
  await setup.close();
  const rate = await timed(concurrency, async (w) => {
    const rId = qs[w]!.recipientId;
    const ins = await pool.query<{ seq: string }>({
      name: 'raw_ins',
      text: `INSERT INTO queue_store.messages (recipient_id, msg_id, msg_ts, msg_quota, msg_ntf_flag, msg_body)
             VALUES ($1, $2, 1, false, false, $3) RETURNING seq`,
      values: [rId, id(), BODY],
    });
    await pool.query({
      name: 'raw_del',
      text: 'DELETE FROM queue_store.messages WHERE recipient_id = $1 AND seq = $2',
      values: [rId, ins.rows[0]!.seq],
    });
  });
  await pool.end();
  return `${rate.toFixed(0).padStart(6)} pairs/s`;
}

const db = await createTestDatabase({ prefix: 'qs_bench' });
try {
  await migrateQueueStore(db.url);
  console.log(
    `writeMsg + tryDelMsg, 16 KB bodies, ${SECONDS} s per cell, pool ${POOL}, ${LANES} group-commit lanes`,
  );
  for (const c of [1, 16, 128]) {
    console.log(
      `concurrency ${String(c).padStart(3)}  group commit on : ${await benchStore(db.url, true, c)}`,
    );
    console.log(
      `concurrency ${String(c).padStart(3)}  group commit off: ${await benchStore(db.url, false, c)}`,
    );
    console.log(
      `concurrency ${String(c).padStart(3)}  raw pg ins+del  : ${await benchRaw(db.url, c)}`,
    );
  }
} finally {
  await db.drop();
}
