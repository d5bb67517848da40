// Child process for the crash test: starts a 1 MiB put into the FsBlobStore at argv[2] under the
// key argv[3], prints "half" once half the body is written, then stalls until it is killed.
import { FsBlobStore } from '../../src/index.ts';

const [root, key] = process.argv.slice(2);
if (!root || !key) throw new Error('usage: crash-put.ts <root> <key>');
const store = await FsBlobStore.open({ root });
async function* source() {
  for (let i = 0; i < 32; i++) yield new Uint8Array(16384).fill(i);
  process.stdout.write('half\n');
  await new Promise(() => {});
}
await store.put(key, source(), 1024 * 1024);
