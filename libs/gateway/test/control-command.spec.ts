// The SMP control port's text protocol: parsing as upstream `ControlProtocol.strP` (whole line,
// base64url sender IDs, BlockingInfo text, BasicAuth password), roles as upstream `runCPClient`, and
// answer lines with upstream's Haskell `show` forms. The shared parts (auth answers, role checks,
// the password compare) are tested in libs/control-port.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseControlLine, requiredRole } from '../src/control/control-command.ts';
import type { ControlCommand } from '../src/control/control-command.ts';
import {
  blockReply,
  deleteReply,
  showBlockingInfo,
  statusReply,
  unblockReply,
} from '../src/control/control-replies.ts';

const ID = Uint8Array.from({ length: 24 }, (_, i) => i);
const ID64 = Buffer.from(ID).toString('base64url');

const command = (line: string): ControlCommand => {
  const p = parseControlLine(line);
  assert.ok(p.ok, `"${line}" parses`);
  return p.command;
};

describe('control port commands', () => {
  it('parses the queue commands with base64url sender IDs and BlockingInfo', () => {
    assert.deepEqual(command(`status ${ID64}`), { type: 'status', senderId: ID });
    assert.deepEqual(command(`unblock ${ID64}`), { type: 'unblock', senderId: ID });
    assert.deepEqual(command(`delete ${ID64}`), { type: 'delete', senderId: ID });
    assert.deepEqual(command(`block ${ID64} reason=spam`), {
      type: 'block',
      senderId: ID,
      info: { reason: 'spam' },
    });
    assert.deepEqual(command(`block ${ID64} reason=content,notice={"ttl":86400}`), {
      type: 'block',
      senderId: ID,
      info: { reason: 'content', notice: { ttl: 86400 } },
    });
    const padded = Buffer.from(ID.subarray(0, 23)).toString('base64url') + '=';
    assert.deepEqual(
      command(`status ${padded}`),
      { type: 'status', senderId: ID.subarray(0, 23) },
      'padding is accepted as by upstream base64urlP',
    );
  });

  it('parses auth, help, quit, an empty line and the unimplemented upstream commands', () => {
    assert.deepEqual(command('auth s3cret!'), {
      type: 'auth',
      password: new Uint8Array(Buffer.from('s3cret!')),
    });
    assert.deepEqual(command('help'), { type: 'help' });
    assert.deepEqual(command('quit'), { type: 'quit' });
    assert.deepEqual(command(''), { type: 'skip' });
    assert.deepEqual(command('stats'), { type: 'unimplemented', name: 'stats' });
    assert.deepEqual(command('socket-threads'), { type: 'unimplemented', name: 'socket-threads' });
  });

  it('rejects what upstream strDecode rejects, with its error text', () => {
    const error = (line: string): string => {
      const p = parseControlLine(line);
      assert.ok(!p.ok, `"${line}" is rejected`);
      return p.error;
    };
    assert.equal(error('blok x'), 'Failed reading: bad ControlProtocol command');
    assert.equal(error('help me'), 'endOfInput', 'a command without arguments takes none');
    assert.equal(error(`status ${ID64} extra`), 'endOfInput');
    assert.match(error('status !!'), /^Failed reading/);
    assert.match(error('status'), /^Failed reading/);
    assert.match(error(`block ${ID64} reason=eggs`), /^Failed reading: bad BlockingInfo/);
    assert.match(error(`block ${ID64}`), /^Failed reading/);
    assert.match(error('auth has space'), /invalid character in BasicAuth/);
    assert.match(error('auth a:b'), /invalid character in BasicAuth/);
    assert.equal(error('auth pw@host'), 'endOfInput', 'the password ends at @ as in strP');
  });

  it('requires the upstream roles: delete admin, block/unblock/status user, help none', () => {
    const need = (line: string) => requiredRole(command(line));
    assert.equal(need(`delete ${ID64}`), 'admin');
    assert.equal(need(`block ${ID64} reason=spam`), 'user');
    assert.equal(need(`unblock ${ID64}`), 'user');
    assert.equal(need(`status ${ID64}`), 'user');
    assert.equal(need('clients'), 'admin');
    assert.equal(need('stats'), 'user');
    assert.equal(need('help'), 'none');
  });
});

describe('control port answers', () => {
  it('prints statuses in the Haskell show form', () => {
    assert.equal(
      showBlockingInfo({ reason: 'spam' }),
      'BlockingInfo {reason = BRSpam, notice = Nothing}',
    );
    assert.equal(
      showBlockingInfo({ reason: 'content', notice: { ttl: -5 } }),
      'BlockingInfo {reason = BRContent, notice = Just (ClientNotice {ttl = Just (-5)})}',
    );
    assert.equal(
      statusReply({
        ok: true,
        status: { kind: 'blocked', reason: 'spam', notice: {} },
        queue: { mode: 'C', updatedAt: 1_735_689_600 },
      }),
      'status: EntityBlocked (BlockingInfo {reason = BRSpam, notice = Just (ClientNotice {ttl = Nothing})}), ' +
        'updatedAt: Just (RoundedSystemTime {roundedSeconds = 1735689600}), queueMode: Just QMContact',
    );
    assert.equal(
      statusReply({ ok: true, status: { kind: 'active' }, queue: { mode: null, updatedAt: 0 } }),
      'status: EntityActive, updatedAt: Just (RoundedSystemTime {roundedSeconds = 0}), queueMode: Nothing',
    );
  });

  it('words block, unblock and delete outcomes as upstream', () => {
    const info = { reason: 'spam' as const };
    assert.equal(
      blockReply({ ok: true, status: { kind: 'active' } }, info),
      'ok, queue blocked: EntityBlocked (BlockingInfo {reason = BRSpam, notice = Nothing})',
    );
    assert.equal(
      blockReply({ ok: true, status: { kind: 'off' } }, info),
      'ok, already inactive: EntityBlocked (BlockingInfo {reason = BRSpam, notice = Nothing})',
    );
    assert.equal(blockReply({ ok: false, error: 'NOT_FOUND' }, info), 'error: AUTH');
    assert.match(blockReply({ ok: false, error: 'QUOTA' }, info), /^error: reached limit of/);
    assert.equal(
      unblockReply({ ok: true, status: { kind: 'blocked', reason: 'content' } }),
      'ok, queue unblocked, reason to block was: BlockingInfo {reason = BRContent, notice = Nothing}',
    );
    assert.equal(unblockReply({ ok: true, status: { kind: 'active' } }), 'ok, queue was active');
    assert.equal(unblockReply({ ok: false, error: 'OFF' }), 'error, queue is inactive');
    assert.equal(deleteReply({ ok: true, status: { kind: 'active' } }), 'ok, queue deleted');
    assert.equal(
      deleteReply({ ok: false, error: 'UNAVAILABLE' }),
      'error: the queue store did not answer',
    );
  });
});
