// The XFTP control port over real TCP against a real XftpServer (memory stores): upstream's
// commands and answers (`FileTransfer/Server.hs: runCPServer`), by recipient ID; a block makes the
// recipient's FGET answer BLOCKED at v3 and AUTH at v2, a delete makes it AUTH; roles as upstream
// (block and delete for user and admin, nothing before auth or with a wrong password); and audit
// lines that name the command and outcome but never a file ID or a password.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JsonLogger } from '@simplex-relay/observability';
import { ControlPortClient, assertBindFailureReleasesPort } from '@simplex-relay/testing';
import { blobKeyForSender as blobKey } from '@simplex-relay/xftp-store';
import { XftpServer } from '../src/index.ts';
import { startServer, testCredentials, uploadFile, randomChunk } from './support/harness.ts';
import type { TestServer } from './support/harness.ts';
import type { RawXftpConnection } from './support/raw-client.ts';
import { MemoryBlobStore, MemoryFileStore } from '@simplex-relay/xftp-store';

const ADMIN = 'xftp-Admin_1';
const USER = 'xftp-User_2';
const KB64 = 64 * 1024;
const b64 = (id: Uint8Array): string => Buffer.from(id).toString('base64url');

describe('XFTP control port', () => {
  const lines: string[] = [];
  const ids: Uint8Array[] = [];
  let s: TestServer;
  let conn: RawXftpConnection;
  let port = 0;
  const sessions: ControlPortClient[] = [];
  const session = async (): Promise<ControlPortClient> => {
    const c = await ControlPortClient.connect(port);
    sessions.push(c);
    return c;
  };
  const upload = async () => {
    const f = await uploadFile(conn, randomChunk(KB64), 2);
    ids.push(f.senderId, ...f.recipientIds);
    return f;
  };

  before(async () => {
    s = await startServer({
      controlPort: {
        port: 0,
        adminPassword: new TextEncoder().encode(ADMIN),
        userPassword: new TextEncoder().encode(USER),
      },
      logger: new JsonLogger('XftpServer', 'debug', (l) => lines.push(l)),
    });
    const addr = s.server.controlAddress;
    assert.ok(addr, 'the control port listens');
    assert.equal(addr.address, '127.0.0.1', 'bound to the loopback address only');
    port = addr.port;
    conn = await s.client();
  });
  after(async () => {
    for (const c of sessions) c.close();
    await s.close();
  });

  it('greets, helps, and refuses file commands before auth or with a wrong password', async () => {
    const f = await upload();
    const c = await session();
    assert.deepEqual(c.greeting, ['XFTP server control port', "'help' for supported commands"]);
    assert.equal(await c.command('help'), 'commands: delete, block, help, quit');
    assert.equal(await c.command('stats-rts'), 'stats-rts not implemented', 'no role needed');
    const rid = b64(f.recipientIds[0]!);
    assert.equal(await c.command(`block ${rid} reason=spam`), 'AUTH', 'no role yet');
    assert.equal(await c.command('auth wrong-password'), 'Current role is CPRNone');
    assert.equal(await c.command(`delete ${rid}`), 'AUTH', 'a wrong password gives no role');
    assert.equal(
      await c.command('unblock x'),
      'error: Failed reading: bad ControlProtocol command',
    );
    assert.equal(await c.command(`delete ${rid} x`), 'error: endOfInput');
    assert.match(await c.command(`block ${rid} reason=eggs`), /^error: Failed reading: bad/);
    const got = await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
    assert.equal(got.response.tag, 'FILE', 'the file is untouched');
  });

  it('lets a user block by recipient ID: FGET answers BLOCKED at v3 and AUTH at v2', async () => {
    const f = await upload();
    const c = await session();
    assert.equal(await c.command(`auth ${USER}`), 'Current role is CPRUser');
    assert.equal(
      await c.command(`block ${b64(f.senderId)} reason=spam`),
      'error: AUTH',
      'a sender ID is not a recipient ID',
    );
    const padded = Buffer.from(f.recipientIds[1]!).toString('base64');
    const rid = padded.replace(/\+/g, '-').replace(/\//g, '_');
    assert.ok(rid.endsWith('='), 'padded base64url, as upstream strEncode writes IDs');
    assert.equal(await c.command(`block ${rid} reason=content,notice={"ttl":3600}`), 'ok');
    const info = { reason: 'content', notice: { ttl: 3600 } };
    for (const i of [0, 1]) {
      const v3 = await conn.download(f.rcv[i]!.priv, f.recipientIds[i]!);
      assert.deepEqual(v3.response, { tag: 'ERR', error: { type: 'BLOCKED', info } });
    }
    const v2 = await s.connect();
    await v2.handshake(2);
    const old = await v2.download(f.rcv[0]!.priv, f.recipientIds[0]!);
    assert.deepEqual(old.response, { tag: 'ERR', error: { type: 'AUTH' } });
    assert.equal(await s.blobStore.exists(blobKey(f.senderId)), false, 'the body is removed');
    assert.equal(
      await c.command(`block ${b64(f.recipientIds[0]!)} reason=spam`),
      'ok',
      'blocking again is ok, as upstream',
    );
    assert.equal(
      await c.command(`block ${b64(new Uint8Array(16).fill(9))} reason=spam`),
      'error: AUTH',
      'an unknown ID',
    );
  });

  it('lets a user delete by recipient ID (upstream withUserRole), then FGET answers AUTH', async () => {
    const f = await upload();
    const c = await session();
    assert.equal(await c.command(`auth ${USER}`), 'Current role is CPRUser');
    assert.equal(await c.command(`delete ${b64(f.recipientIds[1]!)}`), 'ok');
    for (const i of [0, 1]) {
      const r = await conn.download(f.rcv[i]!.priv, f.recipientIds[i]!);
      assert.deepEqual(r.response, { tag: 'ERR', error: { type: 'AUTH' } });
    }
    assert.equal(await s.blobStore.exists(blobKey(f.senderId)), false, 'the body is removed');
    assert.equal(await c.command(`delete ${b64(f.recipientIds[0]!)}`), 'error: AUTH', 'gone');
    c.send('quit');
    await c.closed;
  });

  it('lets an admin delete and block too', async () => {
    const f = await upload();
    const g = await upload();
    const c = await session();
    assert.equal(await c.command(`auth ${ADMIN}`), 'Current role is CPRAdmin');
    assert.equal(
      await c.command(`auth ${USER}`),
      'Current role is CPRAdmin, start new session to change.',
    );
    assert.equal(await c.command(`block ${b64(g.recipientIds[0]!)} reason=spam`), 'ok');
    assert.equal(await c.command(`delete ${b64(f.recipientIds[0]!)}`), 'ok');
    const r = await conn.download(g.rcv[1]!.priv, g.recipientIds[1]!);
    assert.deepEqual(r.response, {
      tag: 'ERR',
      error: { type: 'BLOCKED', info: { reason: 'spam' } },
    });
  });

  it('audit-logs each file command by name, role and outcome; never IDs or passwords', () => {
    const audit = lines
      .map((l) => JSON.parse(l) as { level: string; context: string; msg: string })
      .filter((l) => l.msg.startsWith('ControlPort: '))
      .map((l) => `${l.level} ${l.context} ${l.msg}`);
    assert.deepEqual(audit, [
      'info ControlPort ControlPort: stats-rts by none: not implemented',
      'warn ControlPort ControlPort: block by none: refused: role',
      'warn ControlPort ControlPort: delete by none: refused: role',
      'info ControlPort ControlPort: block by user: AUTH',
      'info ControlPort ControlPort: block by user: ok',
      'info ControlPort ControlPort: block by user: ok',
      'info ControlPort ControlPort: block by user: AUTH',
      'info ControlPort ControlPort: delete by user: ok',
      'info ControlPort ControlPort: delete by user: AUTH',
      'info ControlPort ControlPort: block by admin: ok',
      'info ControlPort ControlPort: delete by admin: ok',
    ]);
    for (const l of lines) {
      assert.ok(!l.includes(ADMIN) && !l.includes(USER), 'no password in the log');
      for (const id of ids) {
        assert.ok(!l.includes(b64(id)), 'no base64url file ID in the log');
        assert.ok(!l.includes(Buffer.from(id).toString('base64')), 'no base64 file ID in the log');
        assert.ok(!l.includes(Buffer.from(id).toString('hex')), 'no hex file ID in the log');
      }
    }
  });
});

describe('XFTP control port start-up', () => {
  it('is off without the option', async () => {
    const s = await startServer();
    try {
      assert.equal(s.server.controlAddress, undefined);
    } finally {
      await s.close();
    }
  });

  it('fails listen when the control port cannot bind, leaving nothing listening', async () => {
    await assertBindFailureReleasesPort((xftpPort, taken) =>
      new XftpServer({
        credentials: testCredentials(),
        fileStore: new MemoryFileStore(),
        blobStore: new MemoryBlobStore(),
        fileExpiration: false,
        storageStatsIntervalMs: 0,
        controlPort: { port: taken },
      }).listen(xftpPort, '127.0.0.1'),
    );
  });
});
