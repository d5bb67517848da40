// A migrated throwaway database for one test file.
import { createTestDatabase } from '@simplex-relay/testing';
import type { TestDatabase } from '@simplex-relay/testing';
import { migrateQueueStore } from '../../src/index.ts';

export async function migratedTestDatabase(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase({ prefix });
  try {
    await migrateQueueStore(db.url);
  } catch (err) {
    await db.drop();
    throw err;
  }
  return db;
}
