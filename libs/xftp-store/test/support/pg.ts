// Postgres harness for the file-store tests: one throwaway database per test file, one fresh schema
// per `fresh()` call, so quota totals and expiry sweeps of one test never see another's records.
import { createTestDatabase } from '@simplex-relay/testing';
import type { TestDatabase } from '@simplex-relay/testing';
import { PostgresFileStore, migrateFileStore } from '../../src/index.ts';
import type { FileIdGenerator } from '../../src/index.ts';

export class PgHarness {
  #n = 0;
  readonly #schemaOf = new WeakMap<PostgresFileStore, string>();

  private constructor(readonly db: TestDatabase) {}

  static async create(prefix: string): Promise<PgHarness> {
    return new PgHarness(await createTestDatabase({ prefix }));
  }

  /** Migrates a new schema and opens a store on it. */
  async fresh(opts: { newId?: FileIdGenerator } = {}): Promise<PostgresFileStore> {
    const schema = `xs_${++this.#n}`;
    await migrateFileStore(this.db.url, { schema });
    return this.open(schema, opts);
  }

  /** Another store instance on the schema of `s` (a second gateway). */
  another(s: PostgresFileStore, opts: { newId?: FileIdGenerator } = {}): PostgresFileStore {
    return this.open(this.schemaOf(s), opts);
  }

  /** The schema a store of this harness uses. */
  schemaOf(s: PostgresFileStore): string {
    const schema = this.#schemaOf.get(s);
    if (schema === undefined) throw new TypeError('store not made by this harness');
    return schema;
  }

  open(schema: string, opts: { newId?: FileIdGenerator } = {}): PostgresFileStore {
    const s = new PostgresFileStore({ connectionString: this.db.url, schema, poolSize: 4 }, opts);
    this.#schemaOf.set(s, schema);
    return s;
  }

  drop(): Promise<void> {
    return this.db.drop();
  }
}
