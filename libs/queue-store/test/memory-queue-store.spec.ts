import { MemoryQueueStore } from '../src/index.ts';
import { queueStoreContract } from './queue-store.contract.ts';

queueStoreContract('memory', async (opts) => new MemoryQueueStore(opts));
