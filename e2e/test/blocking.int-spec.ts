// Operator blocking end to end through the control port (upstream `Server.hs: CPBlock, CPUnblock,
// CPDelete, CPStatus`; spec smp.md §7.7, §7.12, §8.8), against the one-process relay (passwords
// generated into DATA_DIR) and against a cluster of 2 gateways and 2 stores (queues on either store,
// commands through either gateway's control port). Clients at v11, v12 and v18 see `ERR AUTH`,
// `ERR BLOCKED reason=…` and `ERR BLOCKED reason=…,notice=…` — as the subscriber's event at once and
// as the answer to SEND, SUB and GET; unblocking restores the queue; the daily quota stops blocking.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe } from 'node:test';
import type { ErrorType } from '@simplex-relay/protocol';
import { SmpError } from '@simplex-relay/smp-client';
import { ControlPortClient } from '@simplex-relay/testing';
import { createQueue, te, text, type Conn, type TestQueue } from './support/client.ts';
import { perTestConnections, testWithLogs, useCluster, useEmbeddedRelay } from './support/suite.ts';

/** Blocks per store per day in these deployments (DAILY_BLOCK_QUEUE_QUOTA). */
const QUOTA = 4;
const NOTICE_INFO = 'reason=spam,notice={"ttl":3600}';
const SHOWN_INFO = 'BlockingInfo {reason = BRSpam, notice = Just (ClientNotice {ttl = Just 3600})}';

/** A deployment with control ports. */
interface Target {
  /** Recipients' gateway and senders' gateway (the same for the relay). */
  readonly addressA: string;
  readonly addressB: string;
  /** One control port per gateway. */
  readonly controlPorts: readonly number[];
  readonly storeCount: number;
  storeOf(q: TestQueue): number;
  readonly adminPassword: string;
  readonly userPassword: string;
  logTail(): string;
}

/** The error a client at `v` gets for a queue blocked with NOTICE_INFO (§7.12 downgrades). */
function blockedAt(v: number): ErrorType {
  if (v < 12) return { type: 'AUTH' };
  if (v < 18) return { type: 'BLOCKED', info: { reason: 'spam' } };
  return { type: 'BLOCKED', info: { reason: 'spam', notice: { ttl: 3600 } } };
}

async function rejectsWithError(p: Promise<unknown>, e: ErrorType, why: string): Promise<void> {
  await assert.rejects(
    p,
    (x: unknown) => {
      assert.ok(x instanceof SmpError, `${why}: expected an SMP error, got ${String(x)}`);
      assert.deepEqual(x.error, e, why);
      return true;
    },
    why,
  );
}

const b64 = (id: Uint8Array): string => Buffer.from(id).toString('base64url');

function blockingSuite(target: () => Target): void {
  const sessions: ControlPortClient[] = [];
  /** Successful blocks of active queues, per store (the quota counts these). */
  const blocked: number[] = [0, 0];
  let placed = 0;
  afterEach(() => {
    for (const s of sessions.splice(0)) s.close();
  });
  const connect = perTestConnections(18);
  const control = async (gateway: number, role?: 'admin' | 'user'): Promise<ControlPortClient> => {
    const t = target();
    const c = await ControlPortClient.connect(t.controlPorts[gateway % t.controlPorts.length]!);
    sessions.push(c);
    if (role === 'admin')
      assert.equal(await c.command(`auth ${t.adminPassword}`), 'Current role is CPRAdmin');
    if (role === 'user')
      assert.equal(await c.command(`auth ${t.userPassword}`), 'Current role is CPRUser');
    return c;
  };
  /** A messaging queue on store `want`. */
  const queueOn = async (c: Conn, want: number): Promise<TestQueue> => {
    for (let i = 0; i < 32; i++) {
      const q = await createQueue(c, { messaging: true });
      if (target().storeOf(q) === want) return q;
    }
    throw new Error(`no queue landed on store ${want}`);
  };
  const test = testWithLogs(target);

  test('greets like upstream and refuses queue commands without a role, with a wrong password, and delete to a user', async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const q = await createQueue(rcv, { messaging: true });
    const anon = await control(0);
    assert.deepEqual(anon.greeting, ['SMP server control port', "'help' for supported commands"]);
    assert.equal(await anon.command(`block ${b64(q.sndId)} ${NOTICE_INFO}`), 'AUTH');
    assert.equal(await anon.command('auth not-the-password'), 'Current role is CPRNone');
    assert.equal(await anon.command(`status ${b64(q.sndId)}`), 'AUTH', 'a wrong password: no role');
    const user = await control(1, 'user');
    assert.equal(await user.command(`delete ${b64(q.sndId)}`), 'AUTH', 'delete needs admin');
    assert.equal(
      await user.command(`auth ${t.adminPassword}`),
      'Current role is CPRUser, start new session to change.',
    );
    assert.match(
      await user.command(`status ${b64(q.sndId)}`),
      /^status: EntityActive, updatedAt: Just \(RoundedSystemTime \{roundedSeconds = \d+\}\), queueMode: Just QMMessaging$/,
      'the refused commands changed nothing',
    );
    assert.equal(
      await user.command(`status ${b64(new Uint8Array(24).fill(9))}`),
      'error: AUTH',
      'an unknown sender ID is AUTH, as upstream',
    );
  });

  for (const [i, v] of [11, 12, 18].entries()) {
    test(`blocks a queue for v${v} clients: ERR at once to the subscriber, on SEND, SUB and GET; unblocking restores it`, async () => {
      const t = target();
      const rcv = await connect(t.addressA, v);
      const snd = await connect(t.addressB, v);
      const store = placed++ % t.storeCount;
      const q = await queueOn(rcv, store);
      const sndId = b64(q.sndId);
      await snd.client.sendMessage(q.sndId, undefined, te('before'));
      const m = await rcv.client.subscribe(q.rcvId, q.rcvKey.priv);
      const first = m ?? (await rcv.take('MSG', q.rcvId));
      assert.equal(text(q, first), 'before');
      await rcv.client.ack(q.rcvId, q.rcvKey.priv, first.msgId);

      // Blocked through one gateway's control port, unblocked through the other's.
      const ctlA = await control(i + 1, 'user');
      const ctlB = await control(i, 'user');
      assert.equal(
        await ctlA.command(`block ${sndId} ${NOTICE_INFO}`),
        `ok, queue blocked: EntityBlocked (${SHOWN_INFO})`,
      );
      blocked[store] = (blocked[store] ?? 0) + 1;
      const ev = await rcv.take('ERR', q.rcvId);
      assert.deepEqual(ev.error, blockedAt(v), `the v${v} subscriber hears of the block at once`);

      const expected = blockedAt(v);
      await rejectsWithError(
        snd.client.sendMessage(q.sndId, undefined, te('blocked?')),
        expected,
        `SEND at v${v}`,
      );
      await rejectsWithError(
        rcv.client.subscribe(q.rcvId, q.rcvKey.priv),
        expected,
        `SUB at v${v}`,
      );
      const getter = await connect(t.addressB, v);
      await rejectsWithError(
        getter.client.getMessage(q.rcvId, q.rcvKey.priv),
        expected,
        `GET at v${v}`,
      );
      assert.equal(
        await ctlB.command(`status ${sndId}`).then((s) => s.split(', updatedAt')[0]),
        `status: EntityBlocked (${SHOWN_INFO})`,
      );
      assert.equal(
        await ctlB.command(`block ${sndId} ${NOTICE_INFO}`),
        `ok, already inactive: EntityBlocked (${SHOWN_INFO})`,
        'blocking a blocked queue again does not count against the quota',
      );

      assert.equal(
        await ctlB.command(`unblock ${sndId}`),
        `ok, queue unblocked, reason to block was: ${SHOWN_INFO}`,
      );
      await snd.client.sendMessage(q.sndId, undefined, te('after'));
      const after = await rcv.take('MSG', q.rcvId);
      assert.equal(text(q, after), 'after', 'the subscription delivers again after unblocking');
      assert.equal(await ctlA.command(`unblock ${sndId}`), 'ok, queue was active');
      assert.equal(rcv.pending('ERR', q.rcvId), 0, 'no further ERR events');
    });
  }

  test('deletes a queue for an admin: the subscriber gets DELD, and the queue is gone', async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const q = await queueOn(rcv, 1 % t.storeCount);
    await rcv.client.subscribe(q.rcvId, q.rcvKey.priv);
    const admin = await control(0, 'admin');
    assert.equal(await admin.command(`delete ${b64(q.sndId)}`), 'ok, queue deleted');
    await rcv.take('DELD', q.rcvId);
    assert.equal(await admin.command(`status ${b64(q.sndId)}`), 'error: AUTH');
    assert.equal(await admin.command(`unblock ${b64(q.sndId)}`), 'error: AUTH');
  });

  test(`stops blocking on a store once ${QUOTA} queues were blocked there today`, async () => {
    const t = target();
    const rcv = await connect(t.addressA);
    const ctl = await control(1, 'user');
    const left = QUOTA - (blocked[0] ?? 0);
    assert.ok(left >= 0, 'the earlier tests stayed within the quota');
    for (let k = 0; k < left; k++) {
      const q = await queueOn(rcv, 0);
      assert.match(await ctl.command(`block ${b64(q.sndId)} reason=content`), /^ok, queue blocked/);
    }
    const q = await queueOn(rcv, 0);
    assert.equal(
      await ctl.command(`block ${b64(q.sndId)} reason=content`),
      'error: reached limit of queues blocked daily',
    );
    assert.match(
      await ctl.command(`status ${b64(q.sndId)}`),
      /^status: EntityActive,/,
      'the refused block left the queue active',
    );
  });
}

describe('operator blocking on the one-process relay (control port, generated passwords)', () => {
  let passwords = { admin: '', user: '' };
  let log: string | undefined;
  // `after` hooks run in the order they are registered, and a failing one skips the rest: the log
  // is read (never failing) before the relay's own hook stops it and removes the log, and checked
  // after that.
  after(() => {
    try {
      log = relay().logTail(10_000);
    } catch {
      // The relay did not start: `before` failed already.
    }
  });
  // An external database: blocking does not need a second embedded PostgreSQL cluster.
  const relay = useEmbeddedRelay({
    databasePrefix: 'e2e_blocking',
    controlPort: true,
    env: { DAILY_BLOCK_QUEUE_QUOTA: String(QUOTA) },
  });
  after(() => {
    assert.ok(log !== undefined, 'the relay ran');
    assert.ok(
      !log.includes(passwords.admin) && !log.includes(passwords.user),
      'the relay never logs the control port passwords',
    );
  });
  before(() => {
    const ini = readFileSync(join(relay().dataDir, 'control-port.ini'), 'utf8');
    const value = (key: string): string => {
      const m = new RegExp(`^${key} = (\\S+)$`, 'm').exec(ini);
      assert.ok(m, `${key} was generated into DATA_DIR`);
      return m[1] as string;
    };
    passwords = {
      admin: value('control_port_admin_password'),
      user: value('control_port_user_password'),
    };
    assert.match(passwords.admin, /^[A-Za-z0-9_-]{24}$/, '18 random bytes, base64url');
    assert.notEqual(passwords.admin, passwords.user);
  });
  blockingSuite(() => {
    const r = relay();
    if (r.controlPort === undefined) throw new Error('the relay has no control port');
    return {
      addressA: r.address,
      addressB: r.address,
      controlPorts: [r.controlPort],
      storeCount: 1,
      storeOf: () => 0,
      adminPassword: passwords.admin,
      userPassword: passwords.user,
      logTail: () => r.logTail(),
    };
  });
});

describe('operator blocking on a cluster of 2 gateways and 2 stores (control port on each gateway)', () => {
  const adminPassword = 'e2e-admin_pw';
  const userPassword = 'e2e-user_pw';
  const live = useCluster({
    gateways: 2,
    stores: 2,
    controlPort: { adminPassword, userPassword },
    storeEnv: { DAILY_BLOCK_QUEUE_QUOTA: String(QUOTA) },
  });
  blockingSuite(() => {
    const { cluster: c, storeOfSender } = live();
    return {
      addressA: c.addresses[0] as string,
      addressB: c.addresses[1] as string,
      controlPorts: c.gateways.map((g) => {
        assert.ok(g.controlPort !== undefined, 'every gateway has a control port');
        return g.controlPort;
      }),
      storeCount: c.stores.length,
      storeOf: (q) => storeOfSender(q.sndId),
      adminPassword,
      userPassword,
      logTail: () => c.logTail(),
    };
  });
});
