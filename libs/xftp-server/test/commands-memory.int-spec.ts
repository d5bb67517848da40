// The command suite on the in-memory FileStore and BlobStore.
import { MemoryBlobStore, MemoryFileStore } from '@simplex-relay/xftp-store';
import { commandSuite } from './support/command-suite.ts';

commandSuite('memory stores', {
  fresh: async () => ({
    fileStore: new MemoryFileStore(),
    blobStore: new MemoryBlobStore(),
    close: async () => undefined,
  }),
});
