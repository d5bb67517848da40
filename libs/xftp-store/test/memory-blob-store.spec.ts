import { MemoryBlobStore } from '../src/index.ts';
import { blobStoreContract } from './contract/blob-store.contract.ts';

blobStoreContract('memory', {
  open: async () => ({ store: new MemoryBlobStore(), leftovers: async () => [] }),
});
