// Unique NATS subject prefixes, so test runs sharing one nats-server never see each other's traffic.
import { randomBytes } from 'node:crypto';

/** A subject prefix unique to this call, e.g. `test.3f9a1c2b7d4e`; `base` must be a valid subject token. */
export function testSubjectPrefix(base = 'test'): string {
  if (!/^[A-Za-z0-9_-]+$/.test(base)) throw new RangeError(`not a subject token: ${base}`);
  return `${base}.${randomBytes(6).toString('hex')}`;
}
