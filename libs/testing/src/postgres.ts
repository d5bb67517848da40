// Throwaway PostgreSQL databases for tests: each run creates its own randomly named database and
// drops it at the end, so parallel runs on one server never collide.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Admin connection used to create and drop test databases. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database created for one test run. */
export interface TestDatabase {
  /** Connection URL of the new database. */
  readonly url: string;
  /** Its name (`<prefix>_<random hex>`). */
  readonly name: string;
  /** Terminates its remaining connections and drops it. Idempotent. */
  drop(): Promise<void>;
}

/** Creates a fresh database on the server of `TEST_DATABASE_URL` (default: local trust-auth postgres). */
export async function createTestDatabase(
  opts: { prefix?: string; adminUrl?: string } = {},
): Promise<TestDatabase> {
  const adminUrl = opts.adminUrl ?? process.env['TEST_DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL;
  const prefix = (opts.prefix ?? 'test')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      // WITH (FORCE) terminates sessions still connected (e.g. a pool a failed test left open).
      await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
