// The gateway's control port over a real TCP socket, with two scripted stores on the in-process bus
// answering operator requests: sessions and roles as upstream, each queue command routed to the
// store owning the sender ID's vshard, NOT_OWNER followed to the new owner, and audit log lines that
// name the command and its outcome but never the queue ID or a password.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  InProcessTransport,
  ShardRouter,
  Subjects,
  decodeOperatorRequest,
  encodeOperatorAnswer,
  encodeStoreHeartbeat,
} from '@simplex-relay/bus';
import type { OperatorOutcome, OperatorRequest, VShardRange } from '@simplex-relay/bus';
import {
  ControlPortClient,
  assertBindFailureReleasesPort,
  testSubjectPrefix,
} from '@simplex-relay/testing';
import { Gateway } from '../src/index.ts';
import { RecordingLogger, fixtureCredentials, waitFor } from './support/harness.ts';

const ADMIN = 'admin-Pw_1';
const USER = 'user-Pw_2';

/** A store that answers operator requests by script and records them. */
class OperatorStore {
  readonly requests: OperatorRequest[] = [];
  script: (r: OperatorRequest) => OperatorOutcome = () => ({
    ok: true,
    status: { kind: 'active' },
  });

  constructor(
    private readonly transport: InProcessTransport,
    private readonly subjects: Subjects,
    readonly storeId: string,
    readonly vshards: VShardRange,
  ) {
    transport.subscribe(subjects.operator(storeId), (m) => {
      const r = decodeOperatorRequest(m.data);
      this.requests.push(r);
      const answer = { storeId, requestId: r.requestId, outcome: this.script(r) };
      transport.publish(subjects.operatorAnswers(r.requesterId), encodeOperatorAnswer(answer));
    });
  }

  heartbeat(): void {
    this.transport.publish(
      this.subjects.storeHeartbeat,
      encodeStoreHeartbeat({ storeId: this.storeId, epoch: 1n, vshards: [this.vshards] }),
    );
  }
}

describe('gateway control port', () => {
  const transport = new InProcessTransport();
  const subjects = new Subjects(testSubjectPrefix('gw_ctl'));
  const router = new ShardRouter(new Uint8Array(32).fill(0x5a), 1024);
  const logger = new RecordingLogger();
  const stores = [
    new OperatorStore(transport, subjects, 'store-a', { from: 0, to: 511 }),
    new OperatorStore(transport, subjects, 'store-b', { from: 512, to: 1023 }),
  ] as const;
  let gateway: Gateway;
  let port = 0;
  const sessions: ControlPortClient[] = [];
  const session = async (): Promise<ControlPortClient> => {
    const c = await ControlPortClient.connect(port);
    sessions.push(c);
    return c;
  };
  /** A sender ID on a vshard of store `i`. */
  const senderOn = (i: 0 | 1): Uint8Array => {
    for (;;) {
      const id = new Uint8Array(randomBytes(24));
      const v = router.ofClientId(id);
      if (v >= stores[i].vshards.from && v <= stores[i].vshards.to) return id;
    }
  };
  const b64 = (id: Uint8Array): string => Buffer.from(id).toString('base64url');

  before(async () => {
    const { tls, identity } = fixtureCredentials();
    gateway = new Gateway({
      transport,
      subjects,
      router,
      tls,
      identity,
      logger,
      limits: { answerTimeoutMs: 3000 },
      controlPort: {
        port: 0,
        adminPassword: new TextEncoder().encode(ADMIN),
        userPassword: new TextEncoder().encode(USER),
      },
    });
    await gateway.listen(0, '127.0.0.1');
    const addr = gateway.controlAddress;
    assert.ok(addr, 'the control port listens');
    assert.equal(addr.address, '127.0.0.1', 'bound to the loopback address only');
    port = addr.port;
    for (const s of stores) s.heartbeat();
    await waitFor(() => gateway.shardMap.complete, 'shard map');
  });
  after(async () => {
    for (const s of sessions) s.close();
    await gateway.close();
  });

  it('greets, helps, and refuses queue commands before auth or with a wrong password', async () => {
    const c = await session();
    assert.deepEqual(c.greeting, ['SMP server control port', "'help' for supported commands"]);
    assert.match(await c.command('help'), /^commands: .*block/);
    const id = b64(senderOn(0));
    assert.equal(await c.command(`block ${id} reason=spam`), 'AUTH', 'no role yet');
    assert.equal(await c.command('auth wrong-password'), 'Current role is CPRNone');
    assert.equal(await c.command(`status ${id}`), 'AUTH', 'a wrong password gives no role');
    assert.equal(await c.command('blok'), 'error: Failed reading: bad ControlProtocol command');
    assert.equal(
      stores[0].requests.length + stores[1].requests.length,
      0,
      'nothing reached a store',
    );
  });

  it('lets a user block, unblock and read the status, but not delete, on the owning store', async () => {
    const c = await session();
    assert.equal(await c.command(`auth ${USER}`), 'Current role is CPRUser');
    assert.equal(
      await c.command(`auth ${ADMIN}`),
      'Current role is CPRUser, start new session to change.',
    );
    for (const i of [0, 1] as const) {
      const id = senderOn(i);
      const before = stores[i].requests.length;
      assert.equal(
        await c.command(`block ${b64(id)} reason=spam,notice={"ttl":3600}`),
        'ok, queue blocked: EntityBlocked (BlockingInfo {reason = BRSpam, notice = Just (ClientNotice {ttl = Just 3600})})',
      );
      const r = stores[i].requests[before];
      assert.ok(r, `store ${i} got the request`);
      assert.deepEqual(r.queue, { senderId: id });
      assert.equal(r.vshard, router.ofClientId(id), 'routed by the sender ID vshard');
      assert.deepEqual(r.action, {
        type: 'block',
        info: { reason: 'spam', notice: { ttl: 3600 } },
      });
      assert.equal(r.requesterId, gateway.gatewayId);
    }
    const id = b64(senderOn(1));
    stores[1].script = () => ({ ok: true, status: { kind: 'blocked', reason: 'content' } });
    assert.equal(
      await c.command(`unblock ${id}`),
      'ok, queue unblocked, reason to block was: BlockingInfo {reason = BRContent, notice = Nothing}',
    );
    stores[1].script = () => ({
      ok: true,
      status: { kind: 'active' },
      queue: { mode: 'M', updatedAt: 86_400 },
    });
    assert.equal(
      await c.command(`status ${id}`),
      'status: EntityActive, updatedAt: Just (RoundedSystemTime {roundedSeconds = 86400}), queueMode: Just QMMessaging',
    );
    stores[1].script = () => ({ ok: false, error: 'QUOTA' });
    assert.match(await c.command(`block ${id} reason=spam`), /^error: reached limit/);
    stores[1].script = () => ({ ok: false, error: 'NOT_FOUND' });
    assert.equal(await c.command(`status ${id}`), 'error: AUTH', 'an unknown queue is AUTH');
    const n = stores[1].requests.length;
    assert.equal(await c.command(`delete ${id}`), 'AUTH', 'delete needs the admin role');
    assert.equal(await c.command('clients'), 'AUTH', 'clients needs the admin role');
    assert.equal(await c.command('stats'), 'stats not implemented');
    assert.equal(stores[1].requests.length, n, 'a refused command reaches no store');
  });

  it('lets an admin delete, follows NOT_OWNER to the owner, and ends the session on quit', async () => {
    const c = await session();
    assert.equal(await c.command(`auth ${ADMIN}`), 'Current role is CPRAdmin');
    const id = senderOn(0);
    let asked = 0;
    stores[0].script = () =>
      ++asked === 1 ? { ok: false, error: 'NOT_OWNER' } : { ok: true, status: { kind: 'active' } };
    assert.equal(await c.command(`delete ${b64(id)}`), 'ok, queue deleted');
    assert.equal(asked, 2, 'asked again after NOT_OWNER');
    c.send('quit');
    await c.closed;
  });

  it('audit-logs every queue command by name and outcome, never the ID or a password', () => {
    const audit = logger.lines.filter((l) => l.startsWith('ControlPort: '));
    assert.ok(audit.includes('ControlPort: block by none: refused: role'));
    assert.ok(audit.includes('ControlPort: block by user: ok, status before: active'));
    assert.ok(audit.includes('ControlPort: block by user: QUOTA'));
    assert.ok(audit.includes('ControlPort: status by user: NOT_FOUND'));
    assert.ok(audit.includes('ControlPort: delete by user: refused: role'));
    assert.ok(audit.includes('ControlPort: delete by admin: ok, status before: active'));
    assert.ok(!audit.some((l) => l.includes('auth') || l.includes('help')), 'auth/help not logged');
    for (const l of logger.lines) {
      assert.ok(!l.includes(ADMIN) && !l.includes(USER), 'no password in the log');
      assert.ok(!/[A-Za-z0-9_-]{32}/.test(l), 'no base64url queue ID in the log');
    }
  });
});

describe('gateway control port start-up', () => {
  it('fails listen when the control port cannot bind, leaving nothing listening', async () => {
    const { tls, identity } = fixtureCredentials();
    await assertBindFailureReleasesPort((smpPort, taken) =>
      new Gateway({
        transport: new InProcessTransport(),
        subjects: new Subjects(testSubjectPrefix('gw_ctl_bind')),
        router: new ShardRouter(new Uint8Array(32).fill(0x5a), 1024),
        tls,
        identity,
        controlPort: { port: taken },
      }).listen(smpPort, '127.0.0.1'),
    );
  });
});
