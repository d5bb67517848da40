// Both bus transports against the same expectations: delivery, order per subject, headers, and
// isolation by subject prefix. The NATS case talks to the real nats-server (NATS_URL or
// 127.0.0.1:4222) with a subject prefix unique to this run.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testSubjectPrefix } from '@simplex-relay/testing';
import {
  InProcessTransport,
  NatsTransport,
  Subjects,
  type BusMessage,
  type BusTransport,
} from '../src/index.ts';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

function collect(t: BusTransport, subject: string, n: number): Promise<BusMessage[]> {
  return new Promise((resolve, reject) => {
    const got: BusMessage[] = [];
    const timer = setTimeout(() => reject(new Error(`timed out with ${got.length}/${n}`)), 10_000);
    const sub = t.subscribe(subject, (m) => {
      got.push(m);
      if (got.length === n) {
        clearTimeout(timer);
        sub.unsubscribe();
        resolve(got);
      }
    });
  });
}

function transportContract(name: string, make: () => Promise<BusTransport>): void {
  describe(`${name} transport`, () => {
    let t: BusTransport;
    after(async () => t?.close());

    it('delivers 5,000 messages on one subject in publish order, with headers', async () => {
      t = await make();
      const s = new Subjects(testSubjectPrefix());
      const done = collect(t, s.gateway('gw1'), 5000);
      await t.flush();
      for (let i = 0; i < 5000; i++) {
        const data = new Uint8Array(4);
        new DataView(data.buffer).setUint32(0, i);
        t.publish(
          s.gateway('gw1'),
          data,
          i === 0
            ? { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }
            : undefined,
        );
      }
      await t.flush();
      const got = await done;
      got.forEach((m, i) =>
        assert.equal(new DataView(m.data.buffer, m.data.byteOffset).getUint32(0), i, 'order kept'),
      );
      assert.equal(
        got[0]?.headers?.['traceparent'],
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      );
    });

    it('keeps runs with different subject prefixes apart', async () => {
      const a = new Subjects(testSubjectPrefix());
      const b = new Subjects(testSubjectPrefix());
      let strays = 0;
      const sub = t.subscribe(b.store('s1'), () => strays++);
      const done = collect(t, a.store('s1'), 1);
      await t.flush();
      t.publish(a.store('s1'), Uint8Array.of(1));
      await t.flush();
      await done;
      await new Promise((r) => setTimeout(r, 50));
      sub.unsubscribe();
      assert.equal(strays, 0, 'the other prefix saw nothing');
    });
  });
}

transportContract('in-process', async () => new InProcessTransport());
transportContract('NATS', () => NatsTransport.connect({ url: natsUrl, name: 'bus-test' }));
