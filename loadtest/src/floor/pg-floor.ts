// Floor (b): the database alone, as a minimal message store would use it: per message one INSERT of
// a 16 KB row, then one DELETE of it, each its own autocommit transaction (synchronous_commit as the
// server has it), through a pg Pool of the store's size with as many messages in flight as the relay
// run has. Runs in a throwaway database that is dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase } from '@simplex-relay/testing';
import { median } from '../bench-util.ts';
import { cpuDelta, ownCpuSeconds, snapshotCpu, type CpuGroup } from '../proc-cpu.ts';

/** Shape of the database load. */
export interface PgFloorOptions {
  /** Admin URL of the server to test (a database is created and dropped there). */
  readonly adminUrl?: string;
  readonly poolSize: number;
  readonly inflight: number;
  readonly bodyBytes: number;
  readonly rounds: number;
  readonly roundMs: number;
  readonly warmupMs: number;
}

/** Medians over the rounds. */
export interface PgFloorResult {
  /** Messages (INSERT + DELETE) per second. */
  readonly msgsPerSec: number;
  /** CPU of the backends serving this database, per 10,000 messages. */
  readonly backendCpuPer10k: number;
  readonly clientCpuPer10k: number;
  readonly serverVersion: string;
}

/** Runs the database floor. */
export async function pgFloor(o: PgFloorOptions): Promise<PgFloorResult> {
  let running = true;
  let failure: unknown;
  let workers: Promise<void>[] = [];
  const db = await createTestDatabase({
    prefix: 'relay_bench_floor',
    ...(o.adminUrl !== undefined && { adminUrl: o.adminUrl }),
  });
  const pool = new pg.Pool({ connectionString: db.url, max: o.poolSize });
  // An idle client's error (e.g. its backend terminated by an administrator) fails the floor
  // instead of crashing the benchmark with processes and databases left behind.
  pool.on('error', (e) => {
    failure ??= e;
    running = false;
  });
  const backends: CpuGroup = {
    name: 'backends',
    // Backend titles read `postgres: [cluster: ]user db host(port) state`.
    select: (procs) => procs.filter((p) => p.cmdline.includes(` ${db.name} `)),
  };
  try {
    await pool.query(
      'CREATE TABLE msg (id bigserial PRIMARY KEY, queue bytea NOT NULL, body bytea NOT NULL)',
    );
    const version =
      (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]
        ?.v ?? '?';
    const body = randomBytes(o.bodyBytes);
    let done = 0;
    const worker = async (w: number): Promise<void> => {
      const queue = randomBytes(24);
      queue.writeUInt16BE(w, 0);
      try {
        while (running) {
          const r = await pool.query<{ id: string }>({
            name: 'ins',
            text: 'INSERT INTO msg (queue, body) VALUES ($1, $2) RETURNING id',
            values: [queue, body],
          });
          await pool.query({
            name: 'del',
            text: 'DELETE FROM msg WHERE id = $1',
            values: [r.rows[0]?.id],
          });
          done++;
        }
      } catch (e) {
        failure ??= e;
        running = false;
      }
    };
    workers = Array.from({ length: o.inflight }, (_, i) => worker(i));
    await new Promise((r) => setTimeout(r, o.warmupMs));
    const rates: number[] = [];
    const bCpu: number[] = [];
    const cCpu: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const n0 = done;
      const s0 = snapshotCpu([backends]);
      const c0 = ownCpuSeconds();
      const t0 = performance.now();
      await new Promise((res) => setTimeout(res, o.roundMs));
      const n = done - n0;
      rates.push(n / ((performance.now() - t0) / 1000));
      bCpu.push(((cpuDelta(s0, snapshotCpu([backends])).get('backends') ?? 0) / n) * 10_000);
      cCpu.push(((ownCpuSeconds() - c0) / n) * 10_000);
    }
    running = false;
    await Promise.all(workers);
    if (failure !== undefined) throw failure;
    return {
      msgsPerSec: median(rates),
      backendCpuPer10k: median(bCpu),
      clientCpuPer10k: median(cCpu),
      serverVersion: version,
    };
  } finally {
    running = false;
    await Promise.all(workers);
    await pool.end().catch(() => undefined);
    await db.drop();
  }
}
