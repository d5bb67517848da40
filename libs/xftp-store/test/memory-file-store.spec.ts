import { MemoryFileStore } from '../src/index.ts';
import type { FileStore } from '../src/index.ts';
import type { FileStoreHarness } from './contract/harness.ts';
import { fileRecordsContract } from './contract/file-store-records.contract.ts';
import { fileStorageContract } from './contract/file-store-storage.contract.ts';

const harness: FileStoreHarness = {
  fresh: async (opts) => new MemoryFileStore(opts),
  another: async (s: FileStore, opts) => {
    if (!(s instanceof MemoryFileStore)) throw new TypeError('not a MemoryFileStore');
    return s.sibling(opts);
  },
};

fileRecordsContract('memory', harness);
fileStorageContract('memory', harness);
