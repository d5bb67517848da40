// Transmissions (spec smp.md §6): layout and authorized bytes, the BLOCK/SESSION/CMD results of
// upstream `tDecodeServer`, `checkCredentials` (§6.3) and every case of upstream
// tests/ServerTests.hs `serverSyntaxTests`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  authorizedBytes,
  checkCredentials,
  decodeClientTransmission,
  decodeServerTransmission,
  decodeTransmission,
  encodeBrokerMsg,
  encodeCommand,
  encodeResponseTransmission,
  encodeTransmission,
  transmissionParams,
} from '../../src/index.ts';
import type { Command, ErrorType } from '../../src/index.ts';
import { hex, range } from '../helpers.ts';
import { command, VERSIONS } from './arbitraries.ts';
import { SAMPLE_DH_PUB_KEY_DER, SAMPLE_PUB_KEY_DER, SAMPLE_SIG } from './fixtures.ts';

const te = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...xs: Array<Uint8Array | number[] | string>): Uint8Array =>
  Uint8Array.from(xs.flatMap((x) => (typeof x === 'string' ? [...te(x)] : [...x])));
const sessionId = range(0x80, 0x9f); // 32 bytes
const corrId = range(1, 24);
const rcvId = range(0x40, 0x57);
const sig = range(0xc0, 0xff); // 64 bytes

describe('layout (spec §6.1, §6.2)', () => {
  const p18 = transmissionParams(18, sessionId);
  it('v18 SUB with an Ed25519 signature is 119 bytes: 40 sig 30 18 corrId 18 rcvId "SUB"', () => {
    const t = encodeTransmission(p18, { auth: sig, corrId, entityId: rcvId, command: te('SUB') });
    assert.equal(t.length, 119);
    assert.equal(hex(t), hex(cat([0x40], sig, '0', [0x18], corrId, [0x18], rcvId, 'SUB')));
  });
  it('its authorized bytes are 86: 20 sessionId 18 corrId 18 rcvId "SUB"', () => {
    const a = authorizedBytes(sessionId, corrId, rcvId, te('SUB'));
    assert.equal(a.length, 86);
    assert.equal(hex(a), hex(cat([0x20], sessionId, [0x18], corrId, [0x18], rcvId, 'SUB')));
    const d = decodeTransmission(
      p18,
      encodeTransmission(p18, { auth: sig, corrId, entityId: rcvId, command: te('SUB') }),
    );
    assert.ok(d.ok);
    assert.equal(
      hex(d.authorized),
      hex(a),
      'the server rebuilds the same bytes with its own session ID',
    );
    assert.deepEqual(d.auth, { type: 'signature', alg: 'ed25519', bytes: sig });
  });
  it('v15 has no service-signature byte; v16 writes it after a non-empty authorization only', () => {
    const t = { auth: sig, corrId, entityId: rcvId, command: te('SUB') };
    assert.equal(encodeTransmission(transmissionParams(15, sessionId), t).length, 118);
    assert.equal(encodeTransmission(transmissionParams(16, sessionId), t).length, 119);
    const unsigned = encodeTransmission(transmissionParams(16, sessionId), {
      corrId,
      entityId: new Uint8Array(0),
      command: te('PING'),
    });
    assert.equal(hex(unsigned), hex(cat([0, 0x18], corrId, [0], 'PING')));
  });
  it("a service signature is '1' || sb(64 bytes) and is decoded back", () => {
    const b = encodeTransmission(p18, {
      auth: sig,
      serviceSig: sig,
      corrId,
      entityId: rcvId,
      command: te('SUB'),
    });
    assert.equal(hex(b.subarray(65, 67)), '3140');
    const d = decodeTransmission(p18, b);
    assert.ok(d.ok && d.serviceSig !== undefined && hex(d.serviceSig) === hex(sig));
  });
  it('server responses are 0x00 || sb(corrId) || sb(entityId) || msg, with sb(sessionId) first below v7', () => {
    const ok = encodeBrokerMsg(18, { tag: 'OK' });
    assert.equal(
      hex(encodeResponseTransmission(p18, corrId, rcvId, ok)),
      hex(cat([0, 0x18], corrId, [0x18], rcvId, 'OK')),
    );
    const p6 = transmissionParams(6, sessionId);
    assert.equal(
      hex(encodeResponseTransmission(p6, corrId, rcvId, ok)),
      hex(cat([0, 0x20], sessionId, [0x18], corrId, [0x18], rcvId, 'OK')),
    );
  });
  it('round-trips every command through the server pipeline at every version', () => {
    fc.assert(
      fc.property(command, fc.constantFrom(...VERSIONS), fc.boolean(), (c, v, withSig) => {
        const p = transmissionParams(v, sessionId);
        const entityId =
          c.tag === 'NEW' || c.tag === 'PING' || c.tag === 'PRXY' || c.tag === 'RFWD'
            ? new Uint8Array(0)
            : rcvId;
        const noAuth =
          c.tag === 'PING' ||
          c.tag === 'PRXY' ||
          c.tag === 'RFWD' ||
          c.tag === 'LGET' ||
          c.tag === 'PFWD';
        const auth = noAuth || (c.tag === 'SEND' && !withSig) ? undefined : sig;
        const cmdBytes = encodeCommand(v, c);
        const r = decodeServerTransmission(
          p,
          encodeTransmission(p, { auth, corrId, entityId, command: cmdBytes }),
        );
        assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
        assert.equal(hex(encodeCommand(v, r.command)), hex(cmdBytes));
        assert.equal(
          hex(r.authorized),
          hex(authorizedBytes(sessionId, corrId, entityId, cmdBytes)),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('framing errors of tDecodeServer', () => {
  const p18 = transmissionParams(18, sessionId);
  it('an unparsable transmission is BLOCK with empty corrId and entity', () => {
    assert.deepEqual(decodeTransmission(p18, Uint8Array.of(5, 1, 2)), {
      ok: false,
      corrId: new Uint8Array(0),
      entityId: new Uint8Array(0),
      error: { type: 'BLOCK' },
    });
  });
  it('a service signature that is not 64 bytes makes the transmission unparsable (BLOCK, empty corrId)', () => {
    const b = cat([0x40], sig, '1', [3, 1, 2, 3, 0x18], corrId, [0x18], rcvId, 'SUB');
    const r = decodeTransmission(p18, b);
    assert.ok(!r.ok && r.error.type === 'BLOCK' && r.corrId.length === 0);
  });
  it('an authorization of a wrong length is BLOCK echoing the corrId with an empty entity', () => {
    for (const n of [1, 32, 63, 65, 79, 81, 113, 115, 255]) {
      const b = encodeTransmission(transmissionParams(15, sessionId), {
        corrId,
        entityId: rcvId,
        command: te('SUB'),
      });
      const bad = cat([n], new Uint8Array(n), b.subarray(1));
      const r = decodeTransmission(transmissionParams(15, sessionId), bad);
      assert.deepEqual(
        r,
        { ok: false, corrId, entityId: new Uint8Array(0), error: { type: 'BLOCK' } },
        `length ${n}`,
      );
    }
  });
  it('accepts 64 (Ed25519), 114 (Ed448) and 80 (X25519 authenticator) byte authorizations', () => {
    for (const [n, type] of [
      [64, 'signature'],
      [114, 'signature'],
      [80, 'authenticator'],
    ] as const) {
      const r = decodeTransmission(
        p18,
        encodeTransmission(p18, {
          auth: new Uint8Array(n),
          corrId,
          entityId: rcvId,
          command: te('SUB'),
        }),
      );
      assert.ok(r.ok && r.auth?.type === type);
    }
  });
  it('below v7 a foreign session ID is SESSION, echoing the corrId with an empty entity', () => {
    const other = transmissionParams(6, range(1, 32));
    const b = encodeTransmission(other, { auth: sig, corrId, entityId: rcvId, command: te('SUB') });
    assert.deepEqual(decodeTransmission(transmissionParams(6, sessionId), b), {
      ok: false,
      corrId,
      entityId: new Uint8Array(0),
      error: { type: 'SESSION' },
    });
    const own = decodeTransmission(
      transmissionParams(6, sessionId),
      encodeTransmission(transmissionParams(6, sessionId), {
        auth: sig,
        corrId,
        entityId: rcvId,
        command: te('SUB'),
      }),
    );
    assert.ok(own.ok && hex(own.authorized).startsWith('20' + hex(sessionId)));
  });
  it('the client side sees BLOCK, CMD errors and entity rules as values', () => {
    const p = transmissionParams(18, sessionId);
    const pong = encodeResponseTransmission(
      p,
      corrId,
      new Uint8Array(0),
      encodeBrokerMsg(18, { tag: 'PONG' }),
    );
    assert.deepEqual(decodeClientTransmission(p, pong).result, { ok: true, msg: { tag: 'PONG' } });
    const bad = encodeResponseTransmission(p, corrId, rcvId, encodeBrokerMsg(18, { tag: 'PONG' }));
    assert.deepEqual(decodeClientTransmission(p, bad).result, {
      ok: false,
      error: { type: 'CMD', cmd: 'HAS_AUTH' },
    });
    assert.deepEqual(decodeClientTransmission(p, Uint8Array.of(9)).result, {
      ok: false,
      error: { type: 'BLOCK' },
    });
  });
});

describe('checkCredentials (spec §6.3)', () => {
  const q = Uint8Array.of(1);
  const e = new Uint8Array(0);
  const cmd = (tag: string): Command => ({ tag }) as Command;
  const table: Array<[string, boolean, Uint8Array, string]> = [
    ['NEW', true, e, 'ok'],
    ['NEW', false, e, 'NO_AUTH'],
    ['NEW', true, q, 'HAS_AUTH'],
    ['NEW', false, q, 'NO_AUTH'],
    ['SEND', false, q, 'ok'],
    ['SEND', true, q, 'ok'],
    ['SEND', true, e, 'NO_ENTITY'],
    ['LGET', false, q, 'ok'],
    ['LGET', true, q, 'HAS_AUTH'],
    ['PFWD', false, e, 'NO_ENTITY'],
    ['PING', false, e, 'ok'],
    ['PING', true, e, 'HAS_AUTH'],
    ['PRXY', false, q, 'HAS_AUTH'],
    ['RFWD', false, e, 'ok'],
    ['SUB', true, q, 'ok'],
    ['SUB', false, q, 'NO_AUTH'],
    ['NSUB', true, e, 'NO_AUTH'],
    ['KEY', true, e, 'NO_AUTH'],
    ['SUBS', true, q, 'ok'],
    ['QUE', false, q, 'NO_AUTH'],
  ];
  for (const [tag, hasAuth, ent, expected] of table) {
    it(`${tag} with${hasAuth ? '' : 'out'} auth and ${ent.length ? 'an' : 'no'} entity is ${expected}`, () => {
      const r = checkCredentials(cmd(tag), hasAuth, ent);
      assert.equal(r === undefined ? 'ok' : r.type === 'CMD' ? r.cmd : r.type, expected);
    });
  }
});

// Every case of upstream tests/ServerTests.hs `serverSyntaxTests` (run there at the current
// version, 18). "AUTH" there means the transmission passed parsing and the credential check and
// was refused later by the queue lookup; here that is an `ok` decode. PING answers PONG.
describe('upstream serverSyntaxTests', () => {
  const K = cat([0x2c], SAMPLE_PUB_KEY_DER);
  const DH = cat([0x2c], SAMPLE_DH_PUB_KEY_DER);
  const noParamsCases = (
    tag: string,
  ): Array<[string, Uint8Array | undefined, string, string, Uint8Array, string]> => [
    [`${tag} valid syntax`, SAMPLE_SIG, 'abcd', '12345678', te(tag), 'ok (AUTH)'],
    [`${tag} wrong terminator`, SAMPLE_SIG, 'bcda', '12345678', te(`${tag}=`), 'CMD UNKNOWN'],
    [`${tag} no signature`, undefined, 'cdab', '12345678', te(tag), 'CMD NO_AUTH'],
    [`${tag} no queue ID`, SAMPLE_SIG, 'dabc', '', te(tag), 'CMD NO_AUTH'],
  ];
  const cases: Array<[string, Uint8Array | undefined, string, string, Uint8Array, string]> = [
    ['unknown command', undefined, 'abcd', '1234', te('HELLO'), 'CMD UNKNOWN'],
    ['NEW no parameters', SAMPLE_SIG, 'bcda', '', te('NEW'), 'CMD SYNTAX'],
    ['NEW many parameters', SAMPLE_SIG, 'cdab', '', cat('NEW ', [0x01], 'A', K, DH), 'CMD SYNTAX'],
    ['NEW no signature', undefined, 'dabc', '', cat('NEW ', K, DH, '0S1M00'), 'CMD NO_AUTH'],
    ['NEW queue ID', SAMPLE_SIG, 'abcd', '12345678', cat('NEW ', K, DH, '0S1M00'), 'CMD HAS_AUTH'],
    ['KEY valid syntax', SAMPLE_SIG, 'bcda', '12345678', cat('KEY ', K), 'ok (AUTH)'],
    ['KEY no parameters', SAMPLE_SIG, 'cdab', '12345678', te('KEY'), 'CMD SYNTAX'],
    [
      'KEY many parameters',
      SAMPLE_SIG,
      'dabc',
      '12345678',
      cat('KEY ', [0x01], 'A', K),
      'CMD SYNTAX',
    ],
    ['KEY no signature', undefined, 'abcd', '12345678', cat('KEY ', K), 'CMD NO_AUTH'],
    ['KEY no queue ID', SAMPLE_SIG, 'bcda', '', cat('KEY ', K), 'CMD NO_AUTH'],
    ...noParamsCases('SUB'),
    ...noParamsCases('OFF'),
    ...noParamsCases('DEL'),
    ['SEND valid syntax', SAMPLE_SIG, 'cdab', '12345678', te('SEND F hello'), 'ok (AUTH)'],
    ['SEND no parameters', SAMPLE_SIG, 'abcd', '12345678', te('SEND'), 'CMD SYNTAX'],
    ['SEND no queue ID', SAMPLE_SIG, 'bcda', '', te('SEND F hello'), 'CMD NO_ENTITY'],
    ['ACK valid syntax', SAMPLE_SIG, 'cdab', '12345678', cat('ACK ', [4], '1234'), 'ok (AUTH)'],
    ['ACK no parameters', SAMPLE_SIG, 'abcd', '12345678', te('ACK'), 'CMD SYNTAX'],
    ['ACK no queue ID', SAMPLE_SIG, 'bcda', '', cat('ACK ', [4], '1234'), 'CMD NO_AUTH'],
    ['ACK no signature', undefined, 'cdab', '12345678', cat('ACK ', [4], '1234'), 'CMD NO_AUTH'],
    ['PING valid syntax', undefined, 'abcd', '', te('PING'), 'ok (PONG)'],
    ['broker response OK not allowed', SAMPLE_SIG, 'bcda', '12345678', te('OK'), 'CMD UNKNOWN'],
  ];
  const p = transmissionParams(18, range(0, 31));
  const show = (e: ErrorType): string => (e.type === 'CMD' ? `CMD ${e.cmd}` : e.type);
  for (const [name, auth, corr, ent, cmdBytes, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      const b = encodeTransmission(p, {
        auth,
        corrId: te(corr),
        entityId: te(ent),
        command: cmdBytes,
      });
      const r = decodeServerTransmission(p, b);
      if (expected.startsWith('ok')) {
        assert.ok(r.ok, `expected a decoded command, got ${!r.ok && show(r.error)}`);
        return;
      }
      assert.ok(!r.ok);
      assert.equal(show(r.error), expected);
      assert.equal(hex(r.corrId), hex(te(corr)), 'corrId is echoed');
      assert.equal(hex(r.entityId), hex(te(ent)), 'CMD errors echo the entity ID');
    });
  }
});
