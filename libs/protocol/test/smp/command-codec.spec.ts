// Client → server commands (spec smp.md §6.6, §7): round trips at every version 8..18 with the
// version-dependent NEW fields, hand-assembled bytes with the sample keys of upstream
// tests/ServerTests.hs, and the UNKNOWN/SYNTAX split of upstream `parseProtocol`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCommand, encodeCommand, parseCommand, ParseError } from '../../src/index.ts';
import type { Command } from '../../src/index.ts';
import { hex, unhex } from '../helpers.ts';
import {
  SAMPLE_DH_PUB_KEY_DER,
  SAMPLE_PUB_KEY_DER,
  sampleDhPubKey,
  samplePubKey,
} from './fixtures.ts';
import { command, expectedCommand, VERSIONS } from './arbitraries.ts';

const A = (s: string): string => hex(new TextEncoder().encode(s));
const K = '2c' + hex(SAMPLE_PUB_KEY_DER);
const DH = '2c' + hex(SAMPLE_DH_PUB_KEY_DER);

describe('command round trips', () => {
  for (const v of VERSIONS) {
    it(`decodes every command encoded at v${v} to what that version carries`, () => {
      fc.assert(
        fc.property(command, (c) => {
          assert.deepStrictEqual(decodeCommand(v, encodeCommand(v, c)), expectedCommand(v, c));
        }),
        { numRuns: 300 },
      );
    });
  }
  it('re-encodes a decoded command to the same bytes at every version (canonical form)', () => {
    fc.assert(
      fc.property(command, fc.constantFrom(...VERSIONS), (c, v) => {
        const bytes = encodeCommand(v, c);
        assert.equal(hex(encodeCommand(v, decodeCommand(v, bytes))), hex(bytes));
      }),
      { numRuns: 500 },
    );
  });
});

describe('NEW per version (spec §7.2)', () => {
  const req = {
    rcvAuthKey: samplePubKey,
    rcvDhKey: sampleDhPubKey,
    subMode: 'subscribe' as const,
    queueReqData: { mode: 'messaging' as const },
    ntfCreds: { notifierKey: samplePubKey, rcvNtfDhKey: sampleDhPubKey },
  };
  const NEW: Command = { tag: 'NEW', req };
  it('v8: keys then subMode, no Maybe fields', () => {
    assert.equal(hex(encodeCommand(8, NEW)), A('NEW ') + K + DH + A('S'));
  });
  it("v8: basic auth is an 'A'-prefixed short string", () => {
    const c: Command = { tag: 'NEW', req: { ...req, basicAuth: new TextEncoder().encode('pwd') } };
    assert.equal(hex(encodeCommand(8, c)), A('NEW ') + K + DH + A('A') + '03' + A('pwdS'));
    assert.deepStrictEqual(decodeCommand(8, encodeCommand(8, c)), {
      tag: 'NEW',
      req: {
        rcvAuthKey: samplePubKey,
        rcvDhKey: sampleDhPubKey,
        subMode: 'subscribe',
        basicAuth: new TextEncoder().encode('pwd'),
      },
    });
  });
  it("v9: Maybe auth, subMode and sndSecure 'T' for a messaging queue", () => {
    assert.equal(hex(encodeCommand(9, NEW)), A('NEW ') + K + DH + A('0ST'));
  });
  it("v9: a queue without requested mode is sent as contact ('F')", () => {
    const c: Command = {
      tag: 'NEW',
      req: { rcvAuthKey: samplePubKey, rcvDhKey: sampleDhPubKey, subMode: 'onlyCreate' },
    };
    assert.equal(hex(encodeCommand(14, c)), A('NEW ') + K + DH + A('0CF'));
  });
  it("v15: Maybe queueReqData 'M' without link data, no ntf creds", () => {
    assert.equal(hex(encodeCommand(15, NEW)), A('NEW ') + K + DH + A('0S1M0'));
  });
  it('v17: Maybe newNtfCreds follows queueReqData', () => {
    assert.equal(hex(encodeCommand(17, NEW)), A('NEW ') + K + DH + A('0S1M01') + K + DH);
  });
  it('v15: contact link data is linkId, senderId, Large fixed and user data', () => {
    const data = { fixedData: Uint8Array.of(1, 2), userData: new Uint8Array(0) };
    const c: Command = {
      tag: 'NEW',
      req: {
        ...req,
        ntfCreds: undefined,
        queueReqData: {
          mode: 'contact',
          link: { linkId: Uint8Array.of(9), senderId: Uint8Array.of(8), data },
        },
      },
    };
    assert.equal(
      hex(encodeCommand(16, c)),
      A('NEW ') + K + DH + A('0S1C1') + '0109' + '0108' + '00020102' + '0000',
    );
  });
  it('rejects a DH key that is not X25519 (NEW rcvDhKey is PublicKeyX25519)', () => {
    const bad = unhex(A('NEW ') + K + K + A('0S0'));
    assert.deepEqual(parseCommand(16, bad).ok, false);
  });
});

describe('other command layouts', () => {
  it('SEND: flags, space, body to the end', () => {
    const c: Command = {
      tag: 'SEND',
      flags: { notification: true },
      body: new TextEncoder().encode('hello'),
    };
    assert.equal(hex(encodeCommand(18, c)), A('SEND T hello'));
  });
  it('SEND ignores extra non-space flag bytes after the notification Bool (upstream MsgFlags)', () => {
    const d = decodeCommand(18, new TextEncoder().encode('SEND Fxyz# hi there'));
    assert.deepStrictEqual(d, {
      tag: 'SEND',
      flags: { notification: false },
      body: new TextEncoder().encode('hi there'),
    });
  });
  it('SEND with an empty body is valid; without the second space it is SYNTAX', () => {
    assert.deepStrictEqual(decodeCommand(18, new TextEncoder().encode('SEND T ')), {
      tag: 'SEND',
      flags: { notification: true },
      body: new Uint8Array(0),
    });
    assert.equal(parseCommand(18, new TextEncoder().encode('SEND T')).ok, false);
  });
  it('SEND flags must start with a Bool', () => {
    const r = parseCommand(18, new TextEncoder().encode('SEND X hello'));
    assert.deepEqual([r.ok, !r.ok && r.error], [false, 'SYNTAX']);
  });
  it('RKEY is a NonEmpty list: a zero count is SYNTAX', () => {
    assert.equal(
      hex(encodeCommand(18, { tag: 'RKEY', recipientKeys: [samplePubKey] })),
      A('RKEY ') + '01' + K,
    );
    const r = parseCommand(18, unhex(A('RKEY ') + '00'));
    assert.deepEqual([r.ok, !r.ok && r.error], [false, 'SYNTAX']);
  });
  it('PRXY: host list, port text, key hash, Maybe basic auth', () => {
    const server = {
      hosts: [{ kind: 'domain' as const, host: 'a.io' }] as const,
      port: '443',
      keyHash: Uint8Array.of(0xaa),
    };
    assert.equal(
      hex(encodeCommand(18, { tag: 'PRXY', server })),
      A('PRXY ') + '01' + '04' + A('a.io') + '03' + A('443') + '01aa' + A('0'),
    );
  });
  it('PFWD: Word16 version, X25519 key, tail', () => {
    const c: Command = {
      tag: 'PFWD',
      fwdVersion: 17,
      commandKey: sampleDhPubKey,
      encTransmission: Uint8Array.of(1, 2, 3),
    };
    assert.equal(hex(encodeCommand(18, c)), A('PFWD ') + '0011' + DH + '010203');
  });
  it('NKEY: auth key then X25519 key', () => {
    const c: Command = { tag: 'NKEY', notifierKey: samplePubKey, rcvNtfDhKey: sampleDhPubKey };
    assert.equal(hex(encodeCommand(18, c)), A('NKEY ') + K + DH);
  });
});

describe('UNKNOWN vs SYNTAX (upstream parseProtocol, spec §6.6)', () => {
  const cases: Array<[string, 'UNKNOWN' | 'SYNTAX' | 'ok']> = [
    ['HELLO', 'UNKNOWN'],
    ['SUB=', 'UNKNOWN'],
    ['OK', 'UNKNOWN'],
    ['IDS x', 'UNKNOWN'],
    ['', 'UNKNOWN'],
    ['sub', 'UNKNOWN'],
    ['constructor', 'UNKNOWN'],
    ['SUB', 'ok'],
    ['SUB ', 'SYNTAX'],
    ['SUB x', 'SYNTAX'],
    ['NEW', 'SYNTAX'],
    ['KEY', 'SYNTAX'],
    ['ACK', 'SYNTAX'],
    ['PING', 'ok'],
    ['PING ', 'SYNTAX'],
  ];
  for (const [input, expected] of cases) {
    it(`"${input}" is ${expected}`, () => {
      const r = parseCommand(18, new TextEncoder().encode(input));
      assert.equal(r.ok ? 'ok' : r.error, expected);
    });
  }
  it('decodeCommand throws ParseError for both kinds of failure', () => {
    assert.throws(() => decodeCommand(18, new TextEncoder().encode('HELLO')), ParseError);
    assert.throws(() => decodeCommand(18, new TextEncoder().encode('SUB ')), ParseError);
  });
  it('a trailing byte is SYNTAX after parameters, and makes an unknown tag of a bare command', () => {
    fc.assert(
      fc.property(command, fc.constantFrom(...VERSIONS), (c, v) => {
        if (c.tag === 'SEND' || c.tag === 'PFWD' || c.tag === 'RFWD') return; // tails absorb it
        const b = encodeCommand(v, c);
        const r = parseCommand(v, Uint8Array.from([...b, 0x30]));
        const bare = b.indexOf(0x20) < 0;
        assert.equal(r.ok ? 'ok' : r.error, bare ? 'UNKNOWN' : 'SYNTAX');
      }),
      { numRuns: 300 },
    );
  });
});
