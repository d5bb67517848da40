// The shared control port server over real TCP with a small command set: greeting and help, roles
// from auth (once per session), refusals before auth and with a wrong password, answers in order,
// a failing command answering `error: INTERNAL`, and audit lines by name, role and outcome only.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ControlPortClient } from '@simplex-relay/testing';
import { ControlPortServer, noArgs, parseEntityId, unknownCommand } from '../src/index.ts';
import type { ControlCommands, ControlLogger, ControlRole } from '../src/index.ts';

const ADMIN = 'adm1n-Pw';
const USER = 'us3r-Pw';

type Cmd =
  | { readonly type: 'look'; readonly id: Uint8Array }
  | { readonly type: 'wipe'; readonly id: Uint8Array }
  | { readonly type: 'boom' };

class Lines implements ControlLogger {
  readonly lines: string[] = [];
  log(m: string): void {
    this.lines.push(`log ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error ${m}`);
  }
}

const ran: { cmd: Cmd; role: ControlRole }[] = [];
const commands: ControlCommands<Cmd> = {
  greeting: "TEST server control port\n'help' for supported commands",
  help: 'commands: look, wipe, boom, help, quit',
  parse: (word, rest) => {
    if (word === 'boom') return noArgs(rest, { type: 'boom' });
    if (word === 'look' || word === 'wipe') {
      const p = parseEntityId(rest);
      return p.ok ? { ok: true, command: { type: word, id: p.command } } : p;
    }
    return unknownCommand;
  },
  describe: (c) => ({ name: c.type, role: c.type === 'wipe' ? 'admin' : 'user' }),
  run: async (cmd, role) => {
    ran.push({ cmd, role });
    if (cmd.type === 'boom') throw new Error('store down');
    return { reply: `${cmd.type}: ${cmd.id.length} bytes`, outcome: 'ok' };
  },
};

const ID64 = Buffer.from(Uint8Array.from({ length: 24 }, (_, i) => i + 7)).toString('base64url');

describe('control port server', () => {
  const logger = new Lines();
  const server = new ControlPortServer(
    {
      port: 0,
      adminPassword: new TextEncoder().encode(ADMIN),
      userPassword: new TextEncoder().encode(USER),
    },
    commands,
    logger,
  );
  const sessions: ControlPortClient[] = [];
  let port = 0;
  const session = async (): Promise<ControlPortClient> => {
    const c = await ControlPortClient.connect(port);
    sessions.push(c);
    return c;
  };

  before(async () => {
    const addr = await server.listen();
    assert.equal(addr.address, '127.0.0.1', 'bound to the loopback address by default');
    port = addr.port;
  });
  after(async () => {
    for (const s of sessions) s.close();
    await server.close();
  });

  it('greets, helps, and refuses commands before auth and after a wrong password', async () => {
    const c = await session();
    assert.deepEqual(c.greeting, ['TEST server control port', "'help' for supported commands"]);
    assert.equal(await c.command('help'), 'commands: look, wipe, boom, help, quit');
    assert.equal(await c.command(`look ${ID64}`), 'AUTH');
    assert.equal(await c.command('auth nope'), 'Current role is CPRNone');
    assert.equal(await c.command(`look ${ID64}`), 'AUTH', 'a wrong password gives no role');
    assert.equal(await c.command('look'), 'error: Failed reading: base64url');
    assert.equal(await c.command('nope'), 'error: Failed reading: bad ControlProtocol command');
    assert.equal(ran.length, 0, 'no command ran');
  });

  it('gives a user the user commands only, and the role only once', async () => {
    const c = await session();
    assert.equal(await c.command(`auth ${USER}`), 'Current role is CPRUser');
    assert.equal(
      await c.command(`auth ${ADMIN}`),
      'Current role is CPRUser, start new session to change.',
    );
    assert.equal(await c.command(`look ${ID64}`), 'look: 24 bytes');
    assert.equal(await c.command(`wipe ${ID64}`), 'AUTH', 'wipe needs admin');
    assert.deepEqual(
      ran.map((r) => [r.cmd.type, r.role]),
      [['look', 'user']],
    );
  });

  it('answers lines in order, skips empty ones, takes CRLF, and ends on quit', async () => {
    const c = await session();
    c.send(`auth ${ADMIN}\r\n\nwipe ${ID64}\nhelp`);
    assert.equal(await c.nextLine(), 'Current role is CPRAdmin');
    assert.equal(await c.nextLine(), 'wipe: 24 bytes', 'the empty line got no answer');
    assert.equal(await c.nextLine(), 'commands: look, wipe, boom, help, quit');
    assert.equal(await c.command('boom'), 'error: INTERNAL', 'a failing command');
    c.send('quit');
    await c.closed;
  });

  it('ends a session that sends an endless line', async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.resume();
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write('x'.repeat(10_000));
    await closed;
  });

  it('audit-logs commands by name, role and outcome; never IDs or passwords', () => {
    const audit = logger.lines.filter((l) => l.includes('ControlPort: '));
    assert.deepEqual(audit, [
      'warn ControlPort: look by none: refused: role',
      'warn ControlPort: look by none: refused: role',
      'log ControlPort: look by user: ok',
      'warn ControlPort: wipe by user: refused: role',
      'log ControlPort: wipe by admin: ok',
      'error ControlPort: boom by admin failed: Error',
    ]);
    for (const l of logger.lines) {
      assert.ok(!l.includes(ID64), 'no ID in the log');
      assert.ok(!l.includes(ADMIN) && !l.includes(USER), 'no password in the log');
    }
  });

  it('refuses a second listen and ends sessions on close', async () => {
    await assert.rejects(server.listen(), /already listening/);
    const other = new ControlPortServer({ port: 0 }, commands, logger);
    const addr = await other.listen();
    const c = await ControlPortClient.connect(addr.port);
    assert.equal(await c.command('auth anything'), 'Current role is CPRNone', 'no passwords set');
    await other.close();
    await c.closed;
  });

  it('rejects listen on a port in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const s = new ControlPortServer({ port: taken }, commands, logger);
      await assert.rejects(s.listen(), /EADDRINUSE/);
      await s.close();
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
