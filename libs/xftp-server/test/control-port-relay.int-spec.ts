// The XFTP control port of `npm start` (apps/relay): XFTP_CONTROL_PORT opens it on 127.0.0.1 with
// the control passwords the relay generates into DATA_DIR/control-port.ini, and a block through it
// reaches the relay's Postgres store, so a recipient's FGET answers BLOCKED. No ID reaches the log.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ControlPortClient,
  createTestDatabase,
  freePorts,
  startEmbeddedRelay,
  type EmbeddedRelay,
  type TestDatabase,
} from '@simplex-relay/testing';
import { parseXFTPServerAddress } from '@simplex-relay/protocol';
import { randomChunk, uploadFile } from './support/harness.ts';
import { RawXftpConnection } from './support/raw-client.ts';

describe('the embedded relay (npm start) with XFTP_CONTROL_PORT', () => {
  let db: TestDatabase;
  let relay: EmbeddedRelay;
  let controlPort = 0;
  before(async () => {
    db = await createTestDatabase({ prefix: 'xftp_ctl_relay' });
    [controlPort] = (await freePorts(1)) as [number];
    relay = await startEmbeddedRelay({
      env: {
        DATABASE_URL: db.url,
        XFTP_WEB: 'off',
        XFTP_CONTROL_PORT: String(controlPort),
      },
    });
  });
  after(async () => {
    await relay?.stop();
    await db?.drop();
  });

  it('blocks a file with the generated user password', async () => {
    const ini = readFileSync(join(relay.dataDir, 'control-port.ini'), 'utf8');
    const user = /^control_port_user_password = (\S+)$/m.exec(ini)?.[1];
    assert.ok(user, 'the relay generated a user password');
    assert.equal(relay.controlPort, undefined, 'the SMP control port stays off');
    const keyHash = parseXFTPServerAddress(relay.xftpAddress!).server.keyHash;
    const conn = await RawXftpConnection.connect(relay.xftpPort, keyHash);
    const c = await ControlPortClient.connect(controlPort);
    try {
      await conn.handshake();
      const f = await uploadFile(conn, randomChunk(65536));
      assert.equal(c.greeting[0], 'XFTP server control port');
      assert.equal(await c.command(`auth ${user}`), 'Current role is CPRUser');
      const rid = Buffer.from(f.recipientIds[0]!).toString('base64url');
      assert.equal(await c.command(`block ${rid} reason=spam`), 'ok');
      const r = await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
      assert.deepEqual(r.response, {
        tag: 'ERR',
        error: { type: 'BLOCKED', info: { reason: 'spam' } },
      });
      const log = readFileSync(relay.logFile, 'utf8');
      assert.match(log, /ControlPort: block by user: ok/);
      assert.ok(!log.includes(rid) && !log.includes(user), 'no ID or password in the log');
    } finally {
      c.close();
      await conn.close();
    }
  });
});
