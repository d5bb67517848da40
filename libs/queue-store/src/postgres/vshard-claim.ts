// Exclusive vshard ownership on PostgreSQL: one dedicated session (outside the pool) holds a
// session-level advisory lock per owned vshard. Locks vanish with the session, so a crashed
// instance frees its vshards at once, and a live one can never be joined by a second owner.
import pg from 'pg';
import { VShardClaimError } from '../sharding.ts';
import type { VShardSet } from '../sharding.ts';

/** First key of the two-int advisory lock space used for vshards ('SMPQ'). */
export const VSHARD_LOCK_NAMESPACE = 0x534d5051;

const TRY_LOCK = `SELECT v, pg_try_advisory_lock($1::int4, v) AS ok FROM unnest($2::int4[]) AS v`;
const UNLOCK = `SELECT pg_advisory_unlock($1::int4, v) FROM unnest($2::int4[]) AS v`;

/** A held claim; `release()` unlocks and ends the session. */
export class PostgresVShardClaim {
  #released = false;

  private constructor(
    readonly client: pg.Client,
    readonly vshards: readonly number[],
  ) {}

  /** Locks every vshard of `owned` or none (VShardClaimError). */
  static async acquire(
    connectionString: string,
    owned: VShardSet,
    onLost: (err: Error) => void,
  ): Promise<PostgresVShardClaim> {
    const client = new pg.Client({ connectionString, application_name: 'queue-store-claim' });
    await client.connect();
    const vshards = owned.values();
    try {
      const r = await client.query<{ v: number; ok: boolean }>(TRY_LOCK, [
        VSHARD_LOCK_NAMESPACE,
        vshards,
      ]);
      const held = r.rows.filter((row) => !row.ok).length;
      if (held > 0) throw new VShardClaimError(held);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    const claim = new PostgresVShardClaim(client, vshards);
    const lost = (err: Error): void => {
      if (!claim.#released) onLost(err);
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('vshard claim session ended')));
    return claim;
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    try {
      await this.client.query(UNLOCK, [VSHARD_LOCK_NAMESPACE, this.vshards]);
    } finally {
      await this.client.end();
    }
  }
}
