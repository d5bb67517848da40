// Malformed requests and the handshake state machine on native connections (spec xftp.md §4.1,
// §4.5, §4.6, §5.2, Appendix A1/A2): each answered as upstream `Server.hs: processRequest` and
// `xftpServerHandshakeV1` answer it, with the corrId/entityId echo of the Appendix A1 table.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Writer,
  XFTP_BLOCK_SIZE,
  asciiBytes,
  decodeXFTPHandshakeErrorBlock,
  encodeXFTPClientHandshakeBlock,
  generateKeyPair,
  pad,
  xftpAuthorizedBytes,
  xftpEncodeBatch1,
  xftpTransmissionParams,
} from '@simplex-relay/protocol';
import type { XFTPErrorType } from '@simplex-relay/protocol';
import { startServer, type TestServer } from './support/harness.ts';
import { c, type CommandResult, type RawXftpConnection } from './support/raw-client.ts';

const EMPTY = new Uint8Array(0);
const CORR = asciiBytes('corr-123');
const ENTITY = c.randomBytes(16);
const errOf = (r: CommandResult): XFTPErrorType | undefined =>
  r.response.tag === 'ERR' ? r.response.error : undefined;
const cmdErr = (cmd: string): XFTPErrorType => ({ type: 'CMD', cmd }) as XFTPErrorType;

/** A block whose transmission carries `auth` verbatim and `message` as the command bytes. */
function rawBlock(
  conn: RawXftpConnection,
  auth: Uint8Array,
  message: Uint8Array,
  o: { corrId?: Uint8Array; entityId?: Uint8Array; sessionId?: Uint8Array } = {},
): Uint8Array {
  const p = xftpTransmissionParams(conn.version, o.sessionId ?? conn.sessionId);
  const authorized = xftpAuthorizedBytes(p, o.corrId ?? CORR, o.entityId ?? ENTITY, message);
  return xftpEncodeBatch1(new Writer().bytes(auth).raw(authorized).finish());
}

describe('malformed requests (§5.2)', () => {
  let s: TestServer;
  let conn: RawXftpConnection;
  before(async () => {
    s = await startServer();
    conn = await s.client();
  });
  after(() => s.close());

  const expectBlock = (r: CommandResult, why: string) => {
    assert.deepEqual(errOf(r), { type: 'BLOCK' }, why);
    assert.equal(r.t.corrId.length, 0, `${why}: corrId empty`);
    assert.equal(r.t.entityId.length, 0, `${why}: entityId empty`);
  };

  it('answers BLOCK with empty corrId/entityId to a head shorter than a block', async () => {
    expectBlock(await conn.send([new Uint8Array(100)]), 'short head');
    expectBlock(await conn.send([new Uint8Array(XFTP_BLOCK_SIZE - 1)]), 'one byte short');
    const r = await conn.send([new Uint8Array(XFTP_BLOCK_SIZE - 1)]);
    assert.equal(r.raw.status, 200, 'errors are in-band, status 200');
    assert.equal(r.raw.body.length, XFTP_BLOCK_SIZE, 'exactly one response block');
  });

  it('answers BLOCK to bad padding, a batch of two, or an unparsable transmission', async () => {
    const badPad = new Uint8Array(XFTP_BLOCK_SIZE).fill(0xff);
    expectBlock(await conn.send([badPad]), 'length prefix beyond the block');
    const t = new Writer()
      .bytes(EMPTY)
      .raw(xftpAuthorizedBytes(conn.params(), CORR, EMPTY, asciiBytes('PING')))
      .finish();
    const two = pad(new Writer().byte(2).large(t).large(t).finish(), XFTP_BLOCK_SIZE);
    expectBlock(await conn.send([two]), 'batch count 2');
    const garbage = pad(
      new Writer()
        .byte(1)
        .large(Uint8Array.of(5, 1, 2))
        .finish(),
      XFTP_BLOCK_SIZE,
    );
    expectBlock(await conn.send([garbage]), 'transmission does not parse');
  });

  it('answers SESSION (corrId echoed, entity empty) to another session ID', async () => {
    const r = await conn.send([
      rawBlock(conn, EMPTY, asciiBytes('PING'), { sessionId: c.randomBytes(32) }),
    ]);
    assert.deepEqual(errOf(r), { type: 'SESSION' });
    assert.deepEqual(r.t.corrId, CORR);
    assert.equal(r.t.entityId.length, 0);
  });

  it('answers BLOCK (corrId echoed) to an authorization of an invalid length', async () => {
    for (const len of [1, 63, 65, 79, 81, 113, 115]) {
      const r = await conn.send([rawBlock(conn, c.randomBytes(len), asciiBytes('FDEL'))]);
      assert.deepEqual(errOf(r), { type: 'BLOCK' }, `authorization of ${len} bytes`);
      assert.deepEqual(r.t.corrId, CORR);
      assert.equal(r.t.entityId.length, 0);
    }
  });

  it('answers CMD UNKNOWN and CMD SYNTAX with corrId and entityId echoed', async () => {
    const sig = c.randomBytes(64);
    const cases: [string, string][] = [
      ['FOO', 'UNKNOWN'],
      ['fdel', 'UNKNOWN'],
      ['NEW', 'UNKNOWN'],
      ['FDEL ', 'SYNTAX'],
      ['FDEL x', 'SYNTAX'],
      ['FACK 1', 'SYNTAX'],
      ['FGET', 'SYNTAX'],
      ['FADD ', 'SYNTAX'],
      ['FNEW', 'SYNTAX'],
    ];
    for (const [cmd, code] of cases) {
      const r = await conn.send([rawBlock(conn, sig, asciiBytes(cmd))]);
      assert.deepEqual(errOf(r), cmdErr(code), `"${cmd}"`);
      assert.deepEqual(r.t.corrId, CORR);
      assert.deepEqual(r.t.entityId, ENTITY, `"${cmd}": entity echoed`);
    }
  });

  it('checks the credential shape: NO_AUTH and HAS_AUTH', async () => {
    const k = generateKeyPair(c, 'ed25519');
    const file = { sndKey: k.pub, size: 65536, digest: c.randomBytes(32) };
    const fnew = { tag: 'FNEW', file, rcvKeys: [k.pub] } as const;
    const cases: [string, CommandResult, string][] = [
      ['unsigned FNEW', await conn.command(undefined, EMPTY, fnew), 'NO_AUTH'],
      ['FNEW with an entity', await conn.command(k.priv, ENTITY, fnew), 'HAS_AUTH'],
      ['signed PING', await conn.command(k.priv, EMPTY, { tag: 'PING' }), 'HAS_AUTH'],
      ['PING with an entity', await conn.command(undefined, ENTITY, { tag: 'PING' }), 'HAS_AUTH'],
      ['FDEL without an entity', await conn.command(k.priv, EMPTY, { tag: 'FDEL' }), 'NO_AUTH'],
      ['unsigned FDEL', await conn.command(undefined, ENTITY, { tag: 'FDEL' }), 'NO_AUTH'],
      ['unsigned FACK', await conn.command(undefined, ENTITY, { tag: 'FACK' }), 'NO_AUTH'],
    ];
    for (const [why, r, code] of cases) assert.deepEqual(errOf(r), cmdErr(code), why);
  });

  it('answers FPUT for an unknown ID with AUTH without reading its body', async () => {
    const r = await conn.command(generateKeyPair(c, 'ed25519').priv, ENTITY, { tag: 'FPUT' }, [
      c.randomBytes(4 * 65536),
    ]);
    assert.deepEqual(errOf(r), { type: 'AUTH' });
    assert.deepEqual(r.t.entityId, ENTITY);
    const ping = await conn.command(undefined, EMPTY, { tag: 'PING' });
    assert.deepEqual(ping.response, { tag: 'PONG' }, 'the connection stays usable');
  });
});

describe('handshake state machine on native connections (§4.1, Appendix A2)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  const bare = (body: Uint8Array) => decodeXFTPHandshakeErrorBlock(body);

  it('answers a command before any hello with a padded bare HANDSHAKE', async () => {
    const conn = await s.connect();
    const r = await conn.request([conn.block(undefined, EMPTY, { tag: 'PING' })]);
    assert.equal(r.status, 200);
    assert.equal(r.body.length, XFTP_BLOCK_SIZE);
    assert.deepEqual(bare(r.body), { type: 'HANDSHAKE' });
  });

  it('answers a hello with a body on a non-web connection with HANDSHAKE', async () => {
    const conn = await s.connect();
    const r = await conn.request([pad(asciiBytes('0'), XFTP_BLOCK_SIZE)], {
      'xftp-web-hello': '1',
    });
    assert.deepEqual(bare(r.body), { type: 'HANDSHAKE' });
  });

  it('keeps the hello state after a failed client handshake, so a corrected one is accepted', async () => {
    const conn = await s.connect();
    const hello = await conn.hello();
    assert.deepEqual(hello.sessionId, conn.sessionId, 'the session ID is tls-unique');
    assert.equal(hello.certChainPubKey.certChain.length, 2, 'chain [online, CA]');
    assert.deepEqual(hello.vr, { min: 1, max: 3 });
    const again = await conn.request();
    assert.deepEqual(
      bare(again.body),
      { type: 'HANDSHAKE' },
      'a repeated empty hello is a bad client handshake',
    );
    const wrongHash = await conn.request([
      encodeXFTPClientHandshakeBlock({ version: 3, keyHash: c.randomBytes(32) }),
    ]);
    assert.deepEqual(bare(wrongHash.body), { type: 'HANDSHAKE' }, 'wrong key hash');
    for (const version of [0, 4]) {
      const r = await conn.request([
        encodeXFTPClientHandshakeBlock({ version, keyHash: s.keyHash }),
      ]);
      assert.deepEqual(bare(r.body), { type: 'HANDSHAKE' }, `version ${version}`);
    }
    const short = await conn.request([
      encodeXFTPClientHandshakeBlock({ version: 3, keyHash: s.keyHash }).subarray(0, 1000),
    ]);
    assert.deepEqual(bare(short.body), { type: 'HANDSHAKE' }, 'not a full block');
    const ok = await conn.request([
      encodeXFTPClientHandshakeBlock({ version: 3, keyHash: s.keyHash }),
    ]);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.length, 0, 'an accepted client handshake has an empty body');
    conn.version = 3;
    const ping = await conn.command(undefined, EMPTY, { tag: 'PING' });
    assert.deepEqual(ping.response, { tag: 'PONG' });
    const hello2 = await conn.send([]);
    assert.deepEqual(
      hello2.response,
      { tag: 'ERR', error: { type: 'BLOCK' } },
      'an empty hello on an accepted session is a command with a short head',
    );
  });

  it('negotiates any version in 1..3, and each session keeps its own', async () => {
    for (const v of [1, 2, 3]) {
      const conn = await s.connect();
      await conn.handshake(v);
      const r = await conn.command(undefined, EMPTY, { tag: 'PING' });
      assert.deepEqual(r.response, { tag: 'PONG' }, `v${v}`);
    }
  });

  it('accepts ALPN http/1.1 like xftp/1 (native "web port" mode), still over HTTP/2', async () => {
    const conn = await s.connect({ alpn: ['http/1.1'] });
    assert.equal(conn.tls.alpnProtocol, 'http/1.1');
    await conn.handshake();
    assert.deepEqual((await conn.command(undefined, EMPTY, { tag: 'PING' })).response, {
      tag: 'PONG',
    });
  });

  it('answers every request on an h2 connection without SNI with 200 and no body', async () => {
    const conn = await s.connect({ alpn: ['h2'] });
    const hello = await conn.request();
    assert.equal(hello.status, 200);
    assert.equal(hello.body.length, 0, 'no XFTP on h2 without SNI');
    const cmd = await conn.request([conn.block(undefined, EMPTY, { tag: 'PING' })]);
    assert.equal(cmd.body.length, 0);
    assert.equal(
      cmd.headers['access-control-allow-origin'],
      undefined,
      'no CORS without a web certificate',
    );
  });
});
