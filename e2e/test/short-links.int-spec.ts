// Short links end to end (spec smp.md §7.2, §7.9; upstream `Server.hs: createQueue, LSET, LDEL, LKEY,
// LGET`, `tests/ServerTests.hs: testInvQueueLinkData, testContactQueueLinkData`) against the
// one-process relay and a cluster of 2 gateways and 2 stores. Link IDs are client-chosen or random
// and hash to any vshard, so LGET/LKEY reach the queue through the link index wherever the queue
// lives; the owner of a link is checked across shards.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import { generateKeyPair } from '@simplex-relay/protocol';
import type { QueueLinkData, QueueReqData } from '@simplex-relay/protocol';
import { senderIdForCorrId } from '@simplex-relay/smp-client';
import type { CreatedQueue } from '@simplex-relay/smp-client';
import {
  hex,
  provider,
  rejectsWith,
  rejectsWithCmd,
  te,
  text,
  type Conn,
  type TestQueue,
} from './support/client.ts';
import { perTestConnections, testWithLogs, useCluster, useEmbeddedRelay } from './support/suite.ts';

interface Target {
  readonly addressA: string;
  readonly addressB: string;
  readonly storeCount: number;
  /** The store of a queue with this sender ID. */
  storeOfSender(senderId: Uint8Array): number;
  logTail(): string;
}

const rnd = (n = 24): Uint8Array => new Uint8Array(randomBytes(n));
const linkData = (fixed: string, user: string): QueueLinkData => ({
  fixedData: te(fixed),
  userData: te(user),
});

function shortLinkSuite(target: () => Target): void {
  const connect = perTestConnections(18);
  /** NEW with `queueReqData`; the sender ID (if chosen) comes from `corrId`. */
  const create = async (
    c: Conn,
    queueReqData: QueueReqData | undefined,
    corrId?: Uint8Array,
  ): Promise<TestQueue & CreatedQueue> => {
    const rcvKey = generateKeyPair(provider, 'ed25519');
    const rcvDh = generateKeyPair(provider, 'x25519');
    const q = await c.client.createQueue({
      rcvAuthKey: rcvKey,
      rcvDhKey: rcvDh,
      subscribe: false,
      ...(queueReqData !== undefined && { queueReqData }),
      ...(corrId !== undefined && { corrId }),
    });
    return { ...q, rcvKey, rcvDh };
  };
  /** A corrId whose derived sender ID lives on store `want` (any store when undefined). */
  const corrIdOn = (want?: number): { corrId: Uint8Array; senderId: Uint8Array } => {
    for (let i = 0; i < 256; i++) {
      const corrId = rnd();
      const senderId = senderIdForCorrId(provider, corrId);
      if (want === undefined || target().storeOfSender(senderId) === want)
        return { corrId, senderId };
    }
    throw new Error(`no sender ID on store ${want}`);
  };
  const test = testWithLogs(target);

  for (const v of [15, 18]) {
    test(`round-trips contact link data at v${v}: NEW with a chosen link ID, LGET from the other gateway, LSET, LDEL`, async () => {
      const t = target();
      const rcv = await connect(t.addressA, v);
      const other = await connect(t.addressB, v);
      const linkId = rnd();
      const { corrId, senderId } = corrIdOn();
      const data = linkData('fixed: contact address', 'user: profile v1');
      const q = await create(rcv, { mode: 'contact', link: { linkId, senderId, data } }, corrId);
      assert.equal(hex(q.sndId), hex(senderId), 'the client-chosen sender ID is kept');
      assert.equal(hex(q.linkId ?? new Uint8Array()), hex(linkId), 'IDS returns the link ID');
      assert.equal(q.queueMode, 'contact');

      const got = await other.client.getLinkData(linkId);
      assert.equal(hex(got.senderId), hex(senderId), 'LNK names the sender ID');
      assert.deepEqual(got.data, data, 'LGET returns both blobs unchanged');

      const updated = linkData('fixed: contact address', 'user: profile v2');
      await rcv.client.setLinkData(q.rcvId, q.rcvKey.priv, linkId, updated);
      assert.deepEqual((await other.client.getLinkData(linkId)).data, updated, 'user data changed');
      await rejectsWith(
        rcv.client.setLinkData(q.rcvId, q.rcvKey.priv, linkId, linkData('other fixed', 'x')),
        'AUTH',
        'fixed data cannot change',
      );
      await rejectsWith(
        rcv.client.setLinkData(q.rcvId, q.rcvKey.priv, rnd(), updated),
        'AUTH',
        'the link ID of a queue cannot change',
      );

      await rcv.client.deleteLinkData(q.rcvId, q.rcvKey.priv);
      await rejectsWith(other.client.getLinkData(linkId), 'AUTH', 'LGET after LDEL');
      await rcv.client.deleteLinkData(q.rcvId, q.rcvKey.priv); // OK without link data too
      const fresh = rnd();
      await rcv.client.setLinkData(q.rcvId, q.rcvKey.priv, fresh, data);
      assert.deepEqual((await other.client.getLinkData(fresh)).data, data, 'a new link after LDEL');
    });

    test(`secures an invitation by its link ID at v${v}: LKEY returns the data, then SEND works; LGET is refused`, async () => {
      const t = target();
      const rcv = await connect(t.addressA, v);
      const snd = await connect(t.addressB, v);
      const { corrId, senderId } = corrIdOn();
      const data = linkData('fixed: invitation', 'user: hello');
      const q = await create(rcv, { mode: 'messaging', link: { senderId, data } }, corrId);
      assert.equal(hex(q.sndId), hex(senderId));
      const linkId = q.linkId;
      assert.ok(linkId !== undefined && linkId.length === 24, 'the server drew a link ID');

      await rejectsWith(snd.client.getLinkData(linkId), 'AUTH', 'LGET only for contact queues');
      const sndKey = generateKeyPair(provider, 'ed25519');
      const lnk = await snd.client.secureGetLink(linkId, sndKey);
      assert.equal(hex(lnk.senderId), hex(senderId));
      assert.deepEqual(lnk.data, data);
      await rejectsWith(
        snd.client.secureGetLink(linkId, generateKeyPair(provider, 'ed25519')),
        'AUTH',
        'LKEY with another key once secured',
      );
      await snd.client.sendMessage(q.sndId, sndKey.priv, te('via the link'));
      const m = await rcv.client.getMessage(q.rcvId, q.rcvKey.priv);
      assert.ok(m !== undefined);
      assert.equal(text(q, m), 'via the link');
    });
  }

  test('requires a client-chosen sender ID to be the first 24 bytes of SHA3-384(corrId)', async () => {
    const rcv = await connect(target().addressA);
    const data = linkData('f', 'u');
    await rejectsWithCmd(
      create(rcv, { mode: 'contact', link: { linkId: rnd(), senderId: rnd(), data } }, rnd()),
      'PROHIBITED',
      'a sender ID not derived from the corrId',
    );
    await rejectsWithCmd(
      create(rcv, { mode: 'messaging', link: { senderId: rnd(), data } }, rnd()),
      'PROHIBITED',
      'the same rule for messaging queues',
    );
  });

  test('keeps link IDs unique across shards: a second queue with a taken link ID is refused', async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const other = await connect(t.addressB);
    const linkId = rnd();
    const first = corrIdOn(0);
    const data = linkData('first', 'first');
    await create(
      rcv,
      { mode: 'contact', link: { linkId, senderId: first.senderId, data } },
      first.corrId,
    );
    // The second queue lives on the other store when there is one.
    const second = corrIdOn((1 % t.storeCount) as number);
    assert.notEqual(hex(first.senderId), hex(second.senderId));
    await rejectsWith(
      create(
        rcv,
        {
          mode: 'contact',
          link: { linkId, senderId: second.senderId, data: linkData('second', 'second') },
        },
        second.corrId,
      ),
      'AUTH',
      'NEW with a link ID another queue holds (upstream: AUTH for client-chosen IDs)',
    );
    const third = await create(rcv, { mode: 'contact' });
    await rejectsWith(
      rcv.client.setLinkData(third.rcvId, third.rcvKey.priv, linkId, linkData('third', 'x')),
      'AUTH',
      'LSET with a link ID another queue holds',
    );
    assert.deepEqual(
      (await other.client.getLinkData(linkId)).data,
      data,
      'the first owner keeps it',
    );
  });

  test('answers AUTH to LGET and LKEY of a link that does not exist', async () => {
    const snd = await connect(target().addressB);
    await rejectsWith(snd.client.getLinkData(rnd()), 'AUTH', 'LGET of a missing link');
    await rejectsWith(
      snd.client.secureGetLink(rnd(), generateKeyPair(provider, 'ed25519')),
      'AUTH',
      'LKEY of a missing link',
    );
  });

  test('below v15 NEW carries no link data (v14: a random sender ID, no link ID), and LSET/LGET are not version-gated, as upstream', async () => {
    const t = target();
    const rcv = await connect(t.addressA, 14);
    const other = await connect(t.addressB, 14);
    const { corrId, senderId } = corrIdOn();
    const data = linkData('fixed', 'user');
    const q = await create(
      rcv,
      { mode: 'contact', link: { linkId: rnd(), senderId, data } },
      corrId,
    );
    assert.equal(q.linkId, undefined, 'IDS at v14 has no link ID');
    assert.notEqual(hex(q.sndId), hex(senderId), 'the server drew the sender ID');
    assert.equal(q.queueMode, 'contact', 'v14 NEW keeps only the mode (sndSecure = F)');
    const linkId = rnd();
    await rcv.client.setLinkData(q.rcvId, q.rcvKey.priv, linkId, data);
    const got = await other.client.getLinkData(linkId);
    assert.equal(hex(got.senderId), hex(q.sndId));
    assert.deepEqual(got.data, data);
  });
}

describe('short links on the one-process relay', () => {
  const relay = useEmbeddedRelay({ databasePrefix: 'e2e_links' });
  shortLinkSuite(() => {
    const r = relay();
    return {
      addressA: r.address,
      addressB: r.address,
      storeCount: 1,
      storeOfSender: () => 0,
      logTail: () => r.logTail(),
    };
  });
});

describe('short links on a cluster of 2 gateways and 2 stores', () => {
  const live = useCluster({ gateways: 2, stores: 2 });
  shortLinkSuite(() => {
    const { cluster: c, storeOfSender } = live();
    return {
      addressA: c.addresses[0] as string,
      addressB: c.addresses[1] as string,
      storeCount: c.stores.length,
      storeOfSender,
      logTail: () => c.logTail(),
    };
  });
});
