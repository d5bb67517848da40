// The gateway's behaviour through real TLS sockets, against scripted fake stores on a bus. Run once
// per transport (in-process and NATS) by gateway.spec.ts and gateway-nats.int-spec.ts.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BusTransport, StoreOp } from '@simplex-relay/bus';
import {
  encodeBrokerMsg,
  encodeCommand,
  encodeErrorTypeBytes,
  encodeTransmission,
  generateKeyPair,
  nobleProvider,
  parseTransportHost,
} from '@simplex-relay/protocol';
import type { ClientTransmission, OutgoingTransmission } from '@simplex-relay/protocol';
import type { GatewayLimits } from '../../src/index.ts';
import { SERVER_SYNTAX_CASES } from '@simplex-relay/testing';
import { ascii, connectTls, hex, respond, startCluster, te, waitFor, within } from './harness.ts';
import type { Cluster, FakeStore } from './harness.ts';

type CommandOp = StoreOp & { type: 'command' };

const SIG = new Uint8Array(64).fill(7); // any Ed25519-length authorization: stores decide AUTH
const K = generateKeyPair(nobleProvider, 'ed25519').pub;
const DH = generateKeyPair(nobleProvider, 'x25519').pub;
const cat = (...parts: (string | Uint8Array | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...te(p)] : [...p])));

/** `ERR <code>` or the tag, as the client decoded it. */
function show(t: ClientTransmission): string {
  if (!t.result.ok) return `undecodable ${t.result.error.type}`;
  const m = t.result.msg;
  return m.tag === 'ERR' ? `ERR ${ascii(encodeErrorTypeBytes(18, m.error))}` : m.tag;
}

const corr = (i: number): Uint8Array => cat('c', String(i).padStart(4, '0'));
const sub = (id: Uint8Array, i: number): OutgoingTransmission => ({
  auth: SIG,
  corrId: corr(i),
  entityId: id,
  command: te('SUB'),
});
const isCmd = (op: StoreOp, tag: string): op is CommandOp =>
  op.type === 'command' && ascii(op.command).split(' ')[0] === tag;

export function gatewaySuite(
  name: string,
  makeTransport: () => Promise<BusTransport>,
  prefix: () => string,
): void {
  describe(`Gateway over the ${name} bus`, () => {
    let cluster: Cluster | undefined;
    let transport: BusTransport | undefined;
    afterEach(async () => {
      await cluster?.close();
      await transport?.close();
      cluster = undefined;
      transport = undefined;
    });
    const start = async (
      limits: Partial<GatewayLimits> = {},
      announce = true,
    ): Promise<Cluster> => {
      transport = await makeTransport();
      cluster = await startCluster(transport, prefix(), limits, { announce });
      return cluster;
    };
    const storeOf = (c: Cluster, vshard: number): FakeStore =>
      vshard < 512 ? c.stores[0] : c.stores[1];

    it('answers every upstream serverSyntaxTests case through a real socket with the upstream echo', async () => {
      const c = await start();
      const client = await c.connect();
      assert.equal(client.version, 18, 'the client negotiates the current version');
      for (const {
        name: caseName,
        signed,
        corrId,
        entityId: entity,
        command,
        expected,
      } of SERVER_SYNTAX_CASES) {
        const auth = signed ? SIG : undefined;
        await client.send([
          { ...(auth && { auth }), corrId: te(corrId), entityId: te(entity), command },
        ]);
        const [r] = await client.take(1);
        assert.ok(r);
        assert.equal(show(r), expected, caseName);
        assert.equal(ascii(r.corrId), corrId, `${caseName}: the corrId is echoed`);
        // CMD errors and AUTH echo the entity; PONG carries none (the request had none either).
        assert.equal(ascii(r.entityId), entity, `${caseName}: the entity ID is echoed`);
      }
      const storeCommands = c.stores[0].commands().length + c.stores[1].commands().length;
      assert.equal(
        storeCommands,
        6,
        'only the six "valid syntax" queue commands (KEY SUB OFF DEL SEND ACK) reached a store',
      );
    });

    it('answers PING with PONG without asking a store', async () => {
      const c = await start();
      const client = await c.connect();
      await client.send([{ corrId: te('p1'), entityId: new Uint8Array(0), command: te('PING') }]);
      const [r] = await client.take(1);
      assert.equal(r && show(r), 'PONG');
      assert.equal(r && ascii(r.corrId), 'p1');
      assert.equal(
        c.stores[0].requests.length + c.stores[1].requests.length,
        0,
        'PING is answered locally',
      );
    });

    it('answers ERR BLOCK to a corrupted encrypted block and keeps serving the connection', async () => {
      const c = await start();
      const client = await c.connect();
      assert.ok(client.conn.params.encryptBlocks, 'v18 with a client key encrypts blocks');
      const blocks = client.conn.blocks;
      const write = blocks.writeBlock.bind(blocks);
      // Corrupt the next encrypted block after the client's chain advanced, as a bit flip on the wire would.
      blocks.writeBlock = (b: Uint8Array) => {
        blocks.writeBlock = write;
        const bad = b.slice();
        bad[100] = (bad[100] ?? 0) ^ 0xff;
        return write(bad);
      };
      await client.send([{ corrId: te('lost'), entityId: new Uint8Array(0), command: te('PING') }]);
      const [e] = await client.take(1);
      assert.ok(e);
      assert.equal(show(e), 'ERR BLOCK');
      assert.equal(
        e.corrId.length + e.entityId.length,
        0,
        'ERR BLOCK has an empty corrId and entity',
      );
      await client.send([{ corrId: te('next'), entityId: new Uint8Array(0), command: te('PING') }]);
      const [p] = await client.take(1);
      assert.equal(p && show(p), 'PONG', 'the next block decrypts: the chains stayed in step');
      assert.equal(p && ascii(p.corrId), 'next');
    });

    it('sends a block of 100 SUBs as one request per store and answers them in command order', async () => {
      const c = await start();
      for (const s of c.stores)
        s.script = (op) => (op.type === 'command' ? respond(op, { tag: 'SOK' }) : undefined);
      const client = await c.connect();
      const ids = Array.from({ length: 100 }, (_, i) => c.router.newServerId((i * 37) % 1024));
      const report = await client.conn.sendTransmissions(
        ids.map((id, i) => encodeTransmission(client.conn.params, sub(id, i))),
      );
      assert.equal(report.blocks, 1, '100 SUBs fit one block');
      const rs = await client.take(100);
      rs.forEach((r, i) => {
        assert.equal(ascii(r.corrId), ascii(corr(i)), 'responses keep command order');
        assert.equal(hex(r.entityId), hex(ids[i] as Uint8Array), 'each response names its queue');
        assert.equal(show(r), 'SOK');
      });
      for (const s of c.stores) {
        assert.equal(s.requests.length, 1, `${s.storeId} got one bus message for the block`);
        const mine = ids.filter((id) => storeOf(c, c.router.ofServerId(id)) === s).map(hex);
        assert.ok(mine.length > 20, 'both stores own part of the block');
        assert.deepEqual(
          s.commands().map((o) => hex(o.entityId)),
          mine,
          `${s.storeId} got exactly its ops, in order`,
        );
      }
    });

    it('writes each SOK right before its MSG', async () => {
      const c = await start();
      for (const s of c.stores)
        s.script = (op) =>
          op.type === 'command'
            ? {
                type: 'transmissions',
                items: [
                  {
                    useCorrId: true,
                    entityId: op.entityId,
                    msg: encodeBrokerMsg(op.smpVersion, { tag: 'SOK' }),
                  },
                  {
                    useCorrId: false,
                    entityId: op.entityId,
                    msg: encodeBrokerMsg(op.smpVersion, {
                      tag: 'MSG',
                      msgId: op.entityId,
                      encBody: randomBytes(100),
                    }),
                  },
                ],
              }
            : undefined;
      const client = await c.connect();
      const ids = [10, 600, 20].map((v) => c.router.newServerId(v));
      await client.send(ids.map(sub));
      const rs = await client.take(6);
      ids.forEach((id, i) => {
        const [s, m] = [rs[2 * i], rs[2 * i + 1]];
        assert.ok(s && m);
        assert.deepEqual(
          [show(s), ascii(s.corrId), hex(s.entityId)],
          ['SOK', ascii(corr(i)), hex(id)],
          'the response first',
        );
        assert.deepEqual(
          [show(m), m.corrId.length, hex(m.entityId)],
          ['MSG', 0, hex(id)],
          'then its MSG, as an event',
        );
      });
    });

    it('writes an event that arrives while a block is pending after that block’s responses', async () => {
      const c = await start();
      const [a] = c.stores;
      a.script = (op) => (op.type === 'command' ? respond(op, { tag: 'SOK' }) : undefined);
      a.hold = true;
      const client = await c.connect();
      const id = c.router.newServerId(5);
      const other = c.router.newServerId(6);
      await client.send([sub(id, 0)]);
      await a.waitRequests(1);
      const connId = (a.requests[0]?.ops[0] as CommandOp).connId;
      a.events(c.gateway.gatewayId, [
        { connId, entityId: other, msg: encodeBrokerMsg(18, { tag: 'END' }) },
      ]);
      await transport?.flush();
      a.releaseHeld();
      const [first, second] = await client.take(2);
      assert.ok(first && second);
      assert.equal(show(first), 'SOK', 'the pending response goes first');
      assert.deepEqual(
        [show(second), hex(second.entityId)],
        ['END', hex(other)],
        'the event waited behind it',
      );
    });

    it('re-sends a redirected LGET to the owner of the named vshard', async () => {
      const c = await start();
      const link = randomBytes(24);
      const first = storeOf(c, c.router.ofClientId(link));
      const target = first === c.stores[0] ? 700 : 100;
      const second = storeOf(c, target);
      first.script = (op) =>
        op.type === 'command' ? { type: 'redirect', vshard: target } : undefined;
      const senderId = randomBytes(24);
      second.script = (op) =>
        op.type === 'command'
          ? respond(op, {
              tag: 'LNK',
              senderId,
              data: { fixedData: te('fixed'), userData: te('user') },
            })
          : undefined;
      const client = await c.connect();
      await client.send([{ corrId: te('lget'), entityId: link, command: te('LGET') }]);
      const [r] = await client.take(1);
      assert.ok(r);
      assert.deepEqual([show(r), ascii(r.corrId), hex(r.entityId)], ['LNK', 'lget', hex(link)]);
      assert.equal(first.commands().length, 1, 'the link ID hash chose the first store');
      assert.equal(
        second.commands().length,
        1,
        'the redirect went to the owner of the named vshard',
      );
      assert.equal(
        ascii(second.commands()[0]?.corrId ?? new Uint8Array()),
        'lget',
        'the same op was re-sent',
      );
    });

    it('answers ERR INTERNAL when a store stays silent past the answer timeout, keeping command order', async () => {
      const c = await start({ answerTimeoutMs: 300 });
      c.stores[0].hold = true;
      const client = await c.connect();
      const id = c.router.newServerId(3);
      await client.send([
        sub(id, 0),
        { corrId: te('ping'), entityId: new Uint8Array(0), command: te('PING') },
      ]);
      const [e, p] = await client.take(2, 3000);
      assert.ok(e && p);
      assert.deepEqual(
        [show(e), ascii(e.corrId), hex(e.entityId)],
        ['ERR INTERNAL', ascii(corr(0)), hex(id)],
      );
      assert.equal(show(p), 'PONG', 'the local answer waited for the block');
      assert.equal(c.gateway.pendingRequests, 0, 'the expired request is forgotten');
    });

    it('waits for a heartbeat naming an unknown vshard owner, and answers ERR INTERNAL if none comes', async () => {
      const c = await start({ answerTimeoutMs: 400 }, false);
      const client = await c.connect();
      await client.send([sub(c.router.newServerId(7), 0)]);
      await waitFor(() => c.gateway.connectionCount === 1, 'connection');
      c.stores[0].heartbeat(); // store-a announces while the SUB waits
      const [r] = await client.take(1);
      assert.equal(r && show(r), 'ERR AUTH', 'the SUB went to store-a once it was known');
      await client.send([sub(c.router.newServerId(900), 1)]);
      const [t] = await client.take(1, 3000);
      assert.equal(t && show(t), 'ERR INTERNAL', 'store-b never announced itself');
    });

    it('answers SUBS, NSUBS and service-signed commands ERR SERVICE, and PRXY, PFWD, RFWD as upstream without proxying', async () => {
      const c = await start();
      const client = await c.connect();
      const v = client.version;
      const id = c.router.newServerId(1);
      const server = {
        hosts: [parseTransportHost('relay.example')] as const,
        port: '5223',
        keyHash: new Uint8Array(32),
      };
      await client.send([
        { auth: SIG, corrId: te('subs'), entityId: id, command: te('SUBS') },
        { auth: SIG, corrId: te('nsubs'), entityId: id, command: te('NSUBS') },
        {
          auth: SIG,
          serviceSig: new Uint8Array(64),
          corrId: te('svc'),
          entityId: id,
          command: te('SUB'),
        },
        {
          corrId: te('prxy'),
          entityId: new Uint8Array(0),
          command: encodeCommand(v, { tag: 'PRXY', server }),
        },
        {
          corrId: te('pfwd'),
          entityId: te('sess'),
          command: encodeCommand(v, {
            tag: 'PFWD',
            fwdVersion: 8,
            commandKey: DH,
            encTransmission: randomBytes(64),
          }),
        },
        {
          corrId: te('rfwd'),
          entityId: new Uint8Array(0),
          command: encodeCommand(v, { tag: 'RFWD', encFwdTransmission: randomBytes(64) }),
        },
      ]);
      const rs = await client.take(6);
      const got = rs.map((r) => [ascii(r.corrId), show(r), ascii(r.entityId)]);
      assert.deepEqual(got, [
        ['subs', 'ERR SERVICE', ascii(id)],
        ['nsubs', 'ERR SERVICE', ascii(id)],
        ['svc', 'ERR SERVICE', ascii(id)],
        ['prxy', 'ERR PROXY BASIC_AUTH', ''],
        ['pfwd', 'ERR PROXY NO_SESSION', 'sess'],
        ['rfwd', 'ERR CRYPTO', ''],
      ]);
      assert.equal(
        c.stores[0].requests.length + c.stores[1].requests.length,
        0,
        'all answered locally',
      );
    });

    it('routes NEW by a freshly drawn sender ID and then holds the new queue’s subscription', async () => {
      const c = await start();
      const rcvIds = new Map<string, Uint8Array>();
      for (const s of c.stores)
        s.script = (op) => {
          if (op.type !== 'command') return undefined;
          const rcvId = c.router.newServerId(
            c.router.ofClientId(op.newSenderId ?? new Uint8Array()),
          );
          rcvIds.set(s.storeId, rcvId);
          return respond(op, {
            tag: 'IDS',
            ids: {
              rcvId,
              sndId: op.newSenderId ?? new Uint8Array(),
              rcvPublicDhKey: DH,
              queueMode: 'messaging',
            },
          });
        };
      const client = await c.connect();
      const command = encodeCommand(client.version, {
        tag: 'NEW',
        req: {
          rcvAuthKey: K,
          rcvDhKey: DH,
          subMode: 'subscribe',
          queueReqData: { mode: 'messaging' },
        },
      });
      await client.send([{ auth: SIG, corrId: te('new'), entityId: new Uint8Array(0), command }]);
      const [r] = await client.take(1);
      assert.equal(r && show(r), 'IDS');
      const [op] = [...c.stores[0].commands(), ...c.stores[1].commands()];
      assert.ok(op?.newSenderId, 'the gateway drew the sender ID');
      assert.equal(op.newSenderId.length, 24);
      const owner = storeOf(c, c.router.ofClientId(op.newSenderId));
      assert.equal(
        owner.commands().length,
        1,
        'the op went to the owner of the sender ID’s vshard',
      );
      assert.equal(hex(op.command), hex(command), 'the command bytes travel as received');
      client.close();
      await waitFor(() => owner.opsOf('release').length === 1, 'release');
      const rel = owner.opsOf('release')[0];
      assert.deepEqual(
        rel?.ids.map((x) => [x.kind, hex(x.id)]),
        [['rcv', hex(rcvIds.get(owner.storeId) as Uint8Array)]],
        'the new queue is released with the connection',
      );
    });

    it('sends ReleaseOps for exactly the IDs a closed connection held', async () => {
      const c = await start();
      const id = (v: number): Uint8Array => c.router.newServerId(v);
      const [r1, r2, bad, n1, d1] = [10, 20, 30, 40, 50].map(id) as Uint8Array[];
      const [r3, g1, e1] = [600, 700, 800].map(id) as Uint8Array[];
      const badHex = hex(bad as Uint8Array);
      for (const s of c.stores)
        s.script = (op) => {
          if (op.type !== 'command') return undefined;
          if (hex(op.entityId) === badHex)
            return respond(op, { tag: 'ERR', error: { type: 'AUTH' } });
          if (isCmd(op, 'SUB') || isCmd(op, 'NSUB')) return respond(op, { tag: 'SOK' });
          return respond(op, { tag: 'OK' });
        };
      const client = await c.connect();
      await client.send([
        ...[r1, r2, r3, bad, d1, e1].map((x, i) => sub(x as Uint8Array, i)),
        { auth: SIG, corrId: te('get'), entityId: g1 as Uint8Array, command: te('GET') },
        { auth: SIG, corrId: te('nsub'), entityId: n1 as Uint8Array, command: te('NSUB') },
      ]);
      await client.take(8);
      await client.send([
        { auth: SIG, corrId: te('del'), entityId: d1 as Uint8Array, command: te('DEL') },
      ]);
      await client.take(1);
      const [, b] = c.stores;
      const connId = (b.commands()[0] as CommandOp).connId;
      b.events(c.gateway.gatewayId, [
        { connId, entityId: e1 as Uint8Array, msg: encodeBrokerMsg(18, { tag: 'END' }) },
      ]);
      await client.take(1);
      client.close();
      await waitFor(
        () => c.stores.every((s) => s.opsOf('release').length === 1),
        'a release at each store',
      );
      const released = (s: FakeStore): string[] =>
        s
          .opsOf('release')
          .flatMap((o) => o.ids.map((x) => `${x.kind}:${hex(x.id)}`))
          .sort();
      assert.deepEqual(
        released(c.stores[0]),
        [
          `rcv:${hex(r1 as Uint8Array)}`,
          `rcv:${hex(r2 as Uint8Array)}`,
          `ntf:${hex(n1 as Uint8Array)}`,
        ].sort(),
        'store-a: subscribed queues and the notifier, not the failed SUB or the deleted queue',
      );
      assert.deepEqual(
        released(c.stores[1]),
        [`rcv:${hex(r3 as Uint8Array)}`, `rcv:${hex(g1 as Uint8Array)}`].sort(),
        'store-b: the subscription and the GET-used queue, not the queue that ENDed',
      );
      assert.ok(
        c.logger.lines.every((l) => !/[0-9a-f]{16}/.test(l)),
        'logs carry no identifiers',
      );
    });

    it('resubscribes on the new owner when a store restarts or its vshards move', async () => {
      const c = await start();
      for (const s of c.stores)
        s.script = (op) =>
          op.type === 'command'
            ? respond(op, isCmd(op, 'GET') ? { tag: 'OK' } : { tag: 'SOK' })
            : undefined;
      const [a, b] = c.stores;
      const [r1, n1, r3, g1] = [10, 40, 600, 700].map((v) =>
        c.router.newServerId(v),
      ) as Uint8Array[];
      const client = await c.connect();
      await client.send([
        sub(r1 as Uint8Array, 0),
        sub(r3 as Uint8Array, 1),
        { auth: SIG, corrId: te('get'), entityId: g1 as Uint8Array, command: te('GET') },
        { auth: SIG, corrId: te('nsub'), entityId: n1 as Uint8Array, command: te('NSUB') },
      ]);
      await client.take(4);
      const resubs = (s: FakeStore): string[] =>
        s
          .opsOf('resubscribe')
          .flatMap((o) => o.ids.map((x) => `${x.kind}:${hex(x.id)}`))
          .sort();
      a.epoch = 2n;
      a.heartbeat();
      await waitFor(
        () => a.opsOf('resubscribe').length === 1,
        'resubscribe at the restarted store',
      );
      assert.deepEqual(
        resubs(a),
        [`rcv:${hex(r1 as Uint8Array)}`, `ntf:${hex(n1 as Uint8Array)}`].sort(),
        'the restarted store gets its subscriptions back',
      );
      assert.equal(b.opsOf('resubscribe').length, 0, 'the other store lost nothing');
      // store-b restarts claiming everything with a newer epoch: it takes store-a's vshards too.
      b.epoch = 5n;
      b.vshards = [{ from: 0, to: 1023 }];
      b.heartbeat();
      await waitFor(
        () => b.opsOf('resubscribe').length > 0 && resubs(b).length === 3,
        'resubscribe at the new owner',
      );
      assert.deepEqual(
        resubs(b),
        [
          `rcv:${hex(r1 as Uint8Array)}`,
          `ntf:${hex(n1 as Uint8Array)}`,
          `rcv:${hex(r3 as Uint8Array)}`,
        ].sort(),
        'moved and restarted subscriptions, not the GET-mode queue',
      );
      assert.equal(c.gateway.shardMap.ownerOf(10), 'store-b');
    });

    it('closes a connection that negotiated no ALPN', async () => {
      const c = await start();
      const socket = await connectTls(c.port, []);
      assert.equal(socket.alpnProtocol, false, 'no ALPN was negotiated');
      const got: Buffer[] = [];
      socket.on('data', (d: Buffer) => got.push(d));
      await within(
        new Promise((r) => socket.once('close', r)),
        5000,
        'the gateway to close the socket',
      );
      assert.equal(got.length, 0, 'not even a server hello was sent');
    });

    it('stops reading a connection with 8 blocks in flight until stores answer', async () => {
      const c = await start();
      const [a] = c.stores;
      a.hold = true;
      const client = await c.connect();
      for (let i = 0; i < 10; i++) await client.send([sub(c.router.newServerId(i), i)]);
      await a.waitRequests(8);
      const [conn] = [...c.gateway.connections()];
      await waitFor(
        () => (conn?.queuedBlocks ?? 0) === 2,
        'the last two blocks to wait unread at the gateway',
      );
      assert.equal(a.requests.length, 8, 'no more than 8 blocks went to the store');
      assert.equal(conn?.inFlight, 8);
      a.releaseHeld();
      await a.waitRequests(10);
      a.releaseHeld();
      const rs = await client.take(10);
      assert.deepEqual(
        rs.map((r) => ascii(r.corrId)),
        Array.from({ length: 10 }, (_, i) => ascii(corr(i))),
        'all answered, in order',
      );
    });

    it('closes idle connections without subscriptions and keeps subscribed ones', async () => {
      const c = await start({ inactiveTtlMs: 150, inactiveCheckMs: 50 });
      for (const s of c.stores)
        s.script = (op) => (op.type === 'command' ? respond(op, { tag: 'SOK' }) : undefined);
      const idle = await c.connect();
      const subscribed = await c.connect();
      await subscribed.send([sub(c.router.newServerId(1), 0)]);
      await subscribed.take(1);
      await within(idle.ended, 3000, 'the idle connection to be closed');
      assert.equal(c.gateway.connectionCount, 1, 'the subscribed connection stays, idle as it is');
      await subscribed.send([
        { corrId: te('alive'), entityId: new Uint8Array(0), command: te('PING') },
      ]);
      const [p] = await subscribed.take(1);
      assert.equal(p && show(p), 'PONG');
    });
  });
}
