// Roles and auth shared by every control port: upstream `controlPortAuth` answers (a session takes a
// role once), `withUserRole` / `withAdminRole` checks, and the constant-time password compare.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RolePasswords, allows, authReply } from '../src/index.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('control port roles', () => {
  it('words auth answers as controlPortAuth', () => {
    assert.equal(authReply('none', 'admin'), 'Current role is CPRAdmin');
    assert.equal(authReply('none', 'user'), 'Current role is CPRUser');
    assert.equal(authReply('none', 'none'), 'Current role is CPRNone');
    assert.equal(authReply('user', 'user'), 'Current role is CPRUser');
    assert.equal(
      authReply('user', 'admin'),
      'Current role is CPRUser, start new session to change.',
    );
    assert.equal(
      authReply('admin', 'none'),
      'Current role is CPRAdmin, start new session to change.',
    );
  });

  it('lets admin do everything, user the user commands, none only the open ones', () => {
    assert.ok(allows('admin', 'user') && allows('admin', 'admin') && allows('user', 'user'));
    assert.ok(!allows('user', 'admin') && !allows('none', 'user') && !allows('none', 'admin'));
    assert.ok(allows('none', 'none') && allows('user', 'none'));
  });

  it('gives the role of the matching password and none for any other', () => {
    const p = new RolePasswords(bytes('admin-pw'), bytes('user-pw'));
    assert.equal(p.roleOf(bytes('admin-pw')), 'admin');
    assert.equal(p.roleOf(bytes('user-pw')), 'user');
    assert.equal(p.roleOf(bytes('user-pw2')), 'none');
    assert.equal(p.roleOf(bytes('admin')), 'none', 'a prefix is not the password');
    assert.equal(p.roleOf(new Uint8Array(0)), 'none');
  });

  it('never grants a role that has no password', () => {
    const onlyUser = new RolePasswords(undefined, bytes('u'));
    assert.equal(onlyUser.roleOf(bytes('u')), 'user');
    const none = new RolePasswords();
    assert.equal(none.roleOf(bytes('')), 'none');
    assert.equal(none.roleOf(bytes('anything')), 'none');
  });
});
