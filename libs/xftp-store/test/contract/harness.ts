// What a FileStore backend gives the contract suites (house style §9: one suite, every backend).
import { afterEach } from 'node:test';
import type { FileIdGenerator, FileStore } from '../../src/index.ts';

export interface FileStoreHarness {
  /** A store on fresh, empty data (its own database/schema). */
  fresh(opts?: { newId?: FileIdGenerator }): Promise<FileStore>;
  /** Another instance over the same data as `s`: a second gateway on one database. */
  another(s: FileStore, opts?: { newId?: FileIdGenerator }): Promise<FileStore>;
}

/** Wraps `h` so every store opened in a test is closed after it. */
export function tracked(h: FileStoreHarness): FileStoreHarness {
  const open: FileStore[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const keep = (s: FileStore) => (open.push(s), s);
  return {
    fresh: async (opts) => keep(await h.fresh(opts)),
    another: async (s, opts) => keep(await h.another(s, opts)),
  };
}
