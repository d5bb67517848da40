// Port checks for "cannot bind" tests of servers that open two listeners (a main port and a control
// port): the start must fail while the second port is taken and must not keep the first one open.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePorts } from './processes.ts';

const listen = (port: number): Promise<ReturnType<typeof createServer>> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
const close = (s: ReturnType<typeof createServer>): Promise<void> =>
  new Promise((r) => s.close(() => r()));

/**
 * Holds a port busy, calls `start(mainPort, takenPort)` (which must configure the taken port as its
 * second listener), expects it to reject with EADDRINUSE, then checks `mainPort` can be bound again.
 */
export async function assertBindFailureReleasesPort(
  start: (mainPort: number, takenPort: number) => Promise<unknown>,
): Promise<void> {
  const blocker = await listen(0);
  const taken = (blocker.address() as { port: number }).port;
  try {
    const [mainPort] = (await freePorts(1)) as [number];
    await assert.rejects(start(mainPort, taken), /EADDRINUSE/);
    await close(await listen(mainPort));
  } finally {
    await close(blocker);
  }
}
