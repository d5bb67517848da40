// XFTP transmissions (spec xftp.md §5, Appendix A1): block layout (the digest's worked PING example and
// a libsodium-signed FPUT), the server's decoding order with the corrId/entityId each error echoes,
// the credential matrix of upstream `checkCredentials @FileCommand`, authorization, and the client side.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  cbVerify,
  cbNonce,
  checkFileCredentials,
  encodeFileCommand,
  generateKeyPair,
  nobleProvider as c,
  pad,
  privateKey,
  publicKeyOf,
  tEncodeBatch1,
  verify,
  xftpAuthorizedBytes,
  xftpDecodeTClient,
  xftpDecodeTServer,
  xftpEncodeAuthTransmission,
  xftpEncodeBatch1,
  xftpEncodeResponse,
  xftpEncodeTransmission,
  xftpTransmissionParams,
  TransportError,
  XFTP_BLOCK_SIZE,
} from '../../src/index.ts';
import type { FileCommand, PublicKey, XFTPErrorType } from '../../src/index.ts';
import { hex, range, readVectorText, unhex } from '../helpers.ts';
import { cat, fileCommand, fileResponse, XFTP_VERSIONS } from './arbitraries.ts';

const vectors = JSON.parse(readVectorText('xftp/xftp-vectors.json')) as {
  signedFput: { seed: string; pub: string; sessionId: string; batch: string };
};
const S = range(0x80, 0x9f); // 32-byte session ID
const p3 = xftpTransmissionParams(3, S);
const sndId = range(1, 16);
const edKey: PublicKey = { alg: 'ed25519', raw: range(0x41, 0x60) };
const EMPTY = new Uint8Array(0);
const sb = (b: Uint8Array): Uint8Array => cat([b.length], b);

/** A block around transmission bytes `t` (batch of one). */
const blockOf = (t: Uint8Array): Uint8Array => pad(tEncodeBatch1(t), XFTP_BLOCK_SIZE);
/** A transmission `sb(auth) sb(session) sb(corrId) sb(entity) command`. */
const tr = (
  auth: Uint8Array,
  sess: Uint8Array,
  corrId: Uint8Array,
  entity: Uint8Array,
  cmd: Uint8Array | string,
) => cat(sb(auth), sb(sess), sb(corrId), sb(entity), typeof cmd === 'string' ? cat(cmd) : cmd);

describe('block layout (spec §5.1)', () => {
  it('an unsigned PING is the digest worked example: 00 2b 01 00 28 00 20 S 00 00 "PING" then 16339 x 23', () => {
    const block = xftpEncodeTransmission(p3, EMPTY, EMPTY, cat('PING'));
    const head = cat([0x00, 0x2b, 0x01, 0x00, 0x28, 0x00, 0x20], S, [0x00, 0x00], 'PING');
    assert.equal(block.length, 16384);
    assert.equal(hex(block.subarray(0, head.length)), hex(head));
    assert.equal(block.length - head.length, 16339);
    assert.ok(
      block.subarray(head.length).every((b) => b === 0x23),
      'padding is all #',
    );
    const pong = xftpEncodeResponse(p3, EMPTY, EMPTY, { tag: 'PONG' });
    assert.equal(
      hex(pong.subarray(0, head.length)),
      hex(cat(head.subarray(0, head.length - 4), 'PONG')),
    );
  });
  it('a signed FPUT equals the libsodium-computed block (upstream XFTPWebTests "encodeAuthTransmission signed")', () => {
    const v = vectors.signedFput;
    const priv = privateKey('ed25519', unhex(v.seed));
    assert.equal(hex(publicKeyOf(c, priv).raw), v.pub);
    const p = xftpTransmissionParams(1, unhex(v.sessionId));
    const block = xftpEncodeAuthTransmission(c, p, priv, {
      corrId: cat('xyz'),
      entityId: range(1, 24),
      command: { tag: 'FPUT' },
    });
    assert.equal(hex(block), hex(pad(unhex(v.batch), XFTP_BLOCK_SIZE)));
  });
  it('the signature covers sb(sessionId) || sb(corrId) || sb(entityId) || command, which is also sent', () => {
    const kp = generateKeyPair(c, 'ed448');
    const block = xftpEncodeAuthTransmission(c, p3, kp.priv, {
      entityId: sndId,
      command: { tag: 'FDEL' },
    });
    const d = xftpDecodeTServer(p3, block);
    assert.ok(d.ok);
    const authorized = xftpAuthorizedBytes(p3, EMPTY, sndId, cat('FDEL'));
    assert.equal(hex(d.authorized), hex(cat(sb(S), [0], sb(sndId), 'FDEL')));
    assert.equal(hex(d.authorized), hex(authorized));
    assert.equal(d.auth?.type, 'signature');
    assert.ok(verify(c, kp.pub, d.auth?.bytes ?? EMPTY, authorized));
  });
  it('an X25519 key makes the 80-byte authenticator with the server session key (DH, nonce from corrId)', () => {
    const client = generateKeyPair(c, 'x25519');
    const session = generateKeyPair(c, 'x25519');
    const corrId = range(1, 5);
    const t = { corrId, entityId: sndId, command: { tag: 'FPUT' } as FileCommand };
    assert.throws(
      () => xftpEncodeAuthTransmission(c, p3, client.priv, t),
      (e: unknown) => e instanceof TransportError && e.code === 'NO_AUTH',
    );
    const d = xftpDecodeTServer(p3, xftpEncodeAuthTransmission(c, p3, client.priv, t, session.pub));
    assert.ok(d.ok && d.auth?.type === 'authenticator' && d.auth.bytes.length === 80);
    assert.ok(cbVerify(c, client.pub, session.priv, cbNonce(corrId), d.auth.bytes, d.authorized));
  });
  it('a transmission that does not fit the block is TransportError LARGE_MSG', () => {
    const keys = Array.from(
      { length: 255 },
      () => ({ alg: 'ed448', raw: new Uint8Array(57) }) as PublicKey,
    );
    const fnew: FileCommand = {
      tag: 'FNEW',
      file: { sndKey: edKey, size: 65536, digest: new Uint8Array(32) },
      rcvKeys: keys as [PublicKey, ...PublicKey[]],
    };
    assert.throws(
      () => xftpEncodeAuthTransmission(c, p3, undefined, { entityId: EMPTY, command: fnew }),
      (e: unknown) => e instanceof TransportError && e.code === 'LARGE_MSG',
    );
    const agentMax: FileCommand = {
      ...fnew,
      rcvKeys: keys.slice(0, 200).map(() => edKey) as [PublicKey, ...PublicKey[]],
    };
    assert.equal(
      xftpEncodeAuthTransmission(c, p3, undefined, { entityId: EMPTY, command: agentMax }).length,
      16384,
      'the agent maximum of 200 Ed25519 keys fits',
    );
    assert.throws(() => xftpEncodeBatch1(new Uint8Array(16380)), TransportError);
  });
});

describe('server decoding order and echoed fields (spec §5.2, Appendix A1)', () => {
  const corrId = cat('c1');
  const ping = tr(EMPTY, S, corrId, EMPTY, 'PING');
  const fail = (
    block: Uint8Array,
    error: XFTPErrorType,
    c0: Uint8Array,
    e0: Uint8Array,
    why: string,
  ): void =>
    assert.deepEqual(
      xftpDecodeTServer(p3, block),
      { ok: false, corrId: c0, entityId: e0, error },
      why,
    );
  it('a head that is not 16384 bytes, bad padding, a batch count other than 1 or an unparsable transmission is BLOCK with nothing echoed', () => {
    const good = blockOf(ping);
    fail(good.subarray(0, 16383), { type: 'BLOCK' }, EMPTY, EMPTY, 'short head');
    fail(cat(good, [0x23]), { type: 'BLOCK' }, EMPTY, EMPTY, 'long head');
    fail(
      cat([0x40, 0x00], good.subarray(2)),
      { type: 'BLOCK' },
      EMPTY,
      EMPTY,
      'length word beyond the block',
    );
    const two = cat([2], [0, ping.length], ping, [0, ping.length], ping);
    fail(pad(two, 16384), { type: 'BLOCK' }, EMPTY, EMPTY, 'two transmissions');
    fail(pad(cat([0]), 16384), { type: 'BLOCK' }, EMPTY, EMPTY, 'zero transmissions');
    fail(
      pad(cat(tEncodeBatch1(ping), [0]), 16384),
      { type: 'BLOCK' },
      EMPTY,
      EMPTY,
      'a byte after the batch',
    );
    fail(
      blockOf(cat([0], [32], S.subarray(0, 10))),
      { type: 'BLOCK' },
      EMPTY,
      EMPTY,
      'truncated session ID',
    );
  });
  it('another session ID is SESSION, echoing corrId only; it is checked before the authorization length', () => {
    fail(
      blockOf(tr(EMPTY, range(1, 32), corrId, sndId, 'PING')),
      { type: 'SESSION' },
      corrId,
      EMPTY,
      'wrong session',
    );
    fail(
      blockOf(tr(new Uint8Array(10), range(1, 32), corrId, sndId, 'FDEL')),
      { type: 'SESSION' },
      corrId,
      EMPTY,
      'session first',
    );
  });
  it('an authorization of a length other than 0, 64, 114 or 80 is BLOCK echoing corrId, before the command is parsed', () => {
    for (const n of [1, 63, 65, 79, 81, 113, 115])
      fail(
        blockOf(tr(new Uint8Array(n), S, corrId, sndId, 'NOPE')),
        { type: 'BLOCK' },
        corrId,
        EMPTY,
        `length ${n}`,
      );
  });
  it('an unknown tag is CMD UNKNOWN and bad parameters CMD SYNTAX, echoing corrId and entityId', () => {
    fail(
      blockOf(tr(EMPTY, S, corrId, sndId, 'NEW')),
      { type: 'CMD', cmd: 'UNKNOWN' },
      corrId,
      sndId,
      'SMP tag',
    );
    fail(
      blockOf(tr(new Uint8Array(64), S, corrId, sndId, 'FDEL ')),
      { type: 'CMD', cmd: 'SYNTAX' },
      corrId,
      sndId,
      'trailing space',
    );
  });
  it('credentials are checked after parsing (upstream checkCredentials), echoing corrId and entityId', () => {
    const sig = new Uint8Array(64);
    const fnew = encodeFileCommand(3, {
      tag: 'FNEW',
      file: { sndKey: edKey, size: 65536, digest: new Uint8Array(32) },
      rcvKeys: [edKey],
    });
    const noAuth = { type: 'CMD', cmd: 'NO_AUTH' } as const;
    const hasAuth = { type: 'CMD', cmd: 'HAS_AUTH' } as const;
    fail(blockOf(tr(EMPTY, S, corrId, EMPTY, fnew)), noAuth, corrId, EMPTY, 'unsigned FNEW');
    fail(blockOf(tr(sig, S, corrId, sndId, fnew)), hasAuth, corrId, sndId, 'FNEW with an entity');
    fail(blockOf(tr(sig, S, corrId, EMPTY, 'PING')), hasAuth, corrId, EMPTY, 'signed PING');
    fail(
      blockOf(tr(EMPTY, S, corrId, sndId, 'PING')),
      hasAuth,
      corrId,
      sndId,
      'PING with an entity',
    );
    for (const cmd of ['FPUT', 'FDEL', 'FACK']) {
      fail(blockOf(tr(EMPTY, S, corrId, sndId, cmd)), noAuth, corrId, sndId, `unsigned ${cmd}`);
      fail(blockOf(tr(sig, S, corrId, EMPTY, cmd)), noAuth, corrId, EMPTY, `${cmd} without entity`);
    }
    assert.ok(
      xftpDecodeTServer(p3, blockOf(tr(sig, S, corrId, EMPTY, fnew))).ok,
      'signed FNEW without entity',
    );
    assert.ok(xftpDecodeTServer(p3, blockOf(ping)).ok, 'bare PING');
  });
  it('checkFileCredentials gives the same matrix for every command', () => {
    fc.assert(
      fc.property(fileCommand, fc.boolean(), fc.boolean(), (cmd, hasAuth, hasEntity) => {
        const e = checkFileCredentials(cmd, hasAuth, hasEntity ? sndId : EMPTY);
        const expected =
          cmd.tag === 'FNEW'
            ? !hasAuth
              ? 'NO_AUTH'
              : hasEntity
                ? 'HAS_AUTH'
                : undefined
            : cmd.tag === 'PING'
              ? hasAuth || hasEntity
                ? 'HAS_AUTH'
                : undefined
              : hasAuth && hasEntity
                ? undefined
                : 'NO_AUTH';
        assert.deepEqual(e, expected === undefined ? undefined : { type: 'CMD', cmd: expected });
      }),
    );
  });
  it('accepted commands carry their party: FNEW/FADD/FPUT/FDEL sender, FGET/FACK/PING recipient', () => {
    const kp = generateKeyPair(c, 'ed25519');
    const party = (command: FileCommand, entityId: Uint8Array) => {
      const d = xftpDecodeTServer(
        p3,
        xftpEncodeAuthTransmission(c, p3, command.tag === 'PING' ? undefined : kp.priv, {
          entityId,
          command,
        }),
      );
      assert.ok(d.ok, command.tag);
      return d.party;
    };
    assert.equal(party({ tag: 'FADD', rcvKeys: [edKey] }, sndId), 'sender');
    assert.equal(
      party({ tag: 'FGET', rcvDhKey: { alg: 'x25519', raw: range(1, 32) } }, sndId),
      'recipient',
    );
    assert.equal(party({ tag: 'PING' }, EMPTY), 'recipient');
  });
  it('every command round-trips through a block at every version', () => {
    fc.assert(
      fc.property(
        fileCommand,
        fc.constantFrom(...XFTP_VERSIONS),
        fc.uint8Array({ maxLength: 24 }),
        (command, v, corr) => {
          const p = xftpTransmissionParams(v, S);
          const entityId = command.tag === 'FNEW' || command.tag === 'PING' ? EMPTY : sndId;
          const priv = command.tag === 'PING' ? undefined : generateKeyPair(c, 'ed25519').priv;
          const d = xftpDecodeTServer(
            p,
            xftpEncodeAuthTransmission(c, p, priv, { corrId: corr, entityId, command }),
          );
          assert.ok(d.ok);
          assert.deepEqual(d.command, command);
          assert.equal(hex(d.corrId), hex(corr));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('client decoding (upstream xftpDecodeTClient)', () => {
  it('every response round-trips at every version; the entity check applies', () => {
    fc.assert(
      fc.property(fileResponse, fc.constantFrom(...XFTP_VERSIONS), (r, v) => {
        const p = xftpTransmissionParams(v, S);
        const entityId = r.tag === 'SIDS' || r.tag === 'PONG' ? EMPTY : sndId;
        const d = xftpDecodeTClient(p, xftpEncodeResponse(p, cat('x'), entityId, r));
        assert.ok(d.result.ok);
        const blockedDown = r.tag === 'ERR' && r.error.type === 'BLOCKED' && v < 3;
        assert.deepEqual(
          d.result.response,
          blockedDown ? { tag: 'ERR', error: { type: 'AUTH' } } : r,
        );
      }),
      { numRuns: 200 },
    );
  });
  it('a short head is BLOCK, another session SESSION, an entity on SIDS CMD HAS_AUTH, junk CMD UNKNOWN', () => {
    const ok = xftpEncodeResponse(p3, cat('x'), sndId, { tag: 'OK' });
    assert.deepEqual(xftpDecodeTClient(p3, ok.subarray(1)).result, {
      ok: false,
      error: { type: 'BLOCK' },
    });
    const other = xftpTransmissionParams(3, range(1, 32));
    assert.deepEqual(xftpDecodeTClient(other, ok), {
      corrId: cat('x'),
      entityId: EMPTY,
      result: { ok: false, error: { type: 'SESSION' } },
    });
    const sids = xftpEncodeResponse(p3, EMPTY, sndId, {
      tag: 'SIDS',
      senderId: sndId,
      recipientIds: [sndId],
    });
    assert.deepEqual(xftpDecodeTClient(p3, sids).result, {
      ok: false,
      error: { type: 'CMD', cmd: 'HAS_AUTH' },
    });
    const junk = xftpEncodeTransmission(p3, EMPTY, EMPTY, cat('FNEW'));
    assert.deepEqual(xftpDecodeTClient(p3, junk).result, {
      ok: false,
      error: { type: 'CMD', cmd: 'UNKNOWN' },
    });
  });
});
