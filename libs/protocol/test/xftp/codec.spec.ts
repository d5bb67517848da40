// XFTP command, response and error codecs (spec xftp.md §6, §9, Appendix A1), addresses (§3.7) and
// chunk sizes (§8): byte vectors built by hand from the spec's grammar, the UNKNOWN/SYNTAX split of
// upstream `parseProtocol`, the BLOCKED downgrade, and round trips at every version 1..3.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkFileResponseCredentials,
  chunkSize0,
  chunkSize1,
  chunkSize2,
  chunkSize3,
  decodeFileCommand,
  decodeFileResponse,
  decodeXFTPErrorTypeBytes,
  encodeFileCommand,
  encodeFileResponse,
  encodeXFTPErrorTypeBytes,
  formatXFTPServerAddress,
  parseFileCommand,
  parseFileResponse,
  parseXFTPServerAddress,
  prepareChunkSizes,
  prepareChunkSpecs,
  serverChunkSizes,
  singleChunkSize,
  xftpServerPort,
  ParseError,
} from '../../src/index.ts';
import type { FileCommand, FileResponse, PublicKey } from '../../src/index.ts';
import { hex, range } from '../helpers.ts';
import { SAMPLE_DH_PUB_KEY_DER, SAMPLE_PUB_KEY_DER } from '../smp/fixtures.ts';
import { cat, fileCommand, fileResponse, XFTP_VERSIONS, xftpError } from './arbitraries.ts';

const edKey: PublicKey = { alg: 'ed25519', raw: SAMPLE_PUB_KEY_DER.slice(12) };
const dhKey: PublicKey = { alg: 'x25519', raw: SAMPLE_DH_PUB_KEY_DER.slice(12) };
const sb = (b: Uint8Array): Uint8Array => cat([b.length], b);
const digest = range(0x31, 0x50); // 32 bytes
const sId = range(0x10, 0x1f);
const rId1 = range(0x20, 0x2f);
const rId2 = range(0x30, 0x3f);
const nonce = range(0x60, 0x77);

describe('command encodings (spec §6)', () => {
  const fnew = (basicAuth?: Uint8Array): FileCommand => ({
    tag: 'FNEW',
    file: { sndKey: edKey, size: 65536, digest },
    rcvKeys: [edKey, dhKey],
    ...(basicAuth !== undefined && { basicAuth }),
  });
  const fnewBytes = (authPart: Uint8Array): Uint8Array =>
    cat(
      'FNEW ',
      sb(SAMPLE_PUB_KEY_DER),
      [0, 1, 0, 0],
      sb(digest),
      [2],
      sb(SAMPLE_PUB_KEY_DER),
      sb(SAMPLE_DH_PUB_KEY_DER),
      authPart,
    );
  const cases: Array<[string, FileCommand, Uint8Array]> = [
    ['FNEW with a password', fnew(cat('pass')), fnewBytes(cat('1', [4], 'pass'))],
    ['FNEW without a password', fnew(), fnewBytes(cat('0'))],
    ['FADD', { tag: 'FADD', rcvKeys: [edKey] }, cat('FADD ', [1], sb(SAMPLE_PUB_KEY_DER))],
    ['FGET', { tag: 'FGET', rcvDhKey: dhKey }, cat('FGET ', sb(SAMPLE_DH_PUB_KEY_DER))],
    ['FPUT', { tag: 'FPUT' }, cat('FPUT')],
    ['FDEL', { tag: 'FDEL' }, cat('FDEL')],
    ['FACK', { tag: 'FACK' }, cat('FACK')],
    ['PING', { tag: 'PING' }, cat('PING')],
  ];
  for (const [name, cmd, bytes] of cases) {
    it(`${name} has the same bytes at v1, v2 and v3 and decodes back`, () => {
      for (const v of XFTP_VERSIONS) {
        assert.equal(
          hex(encodeFileCommand(v, cmd)),
          hex(bytes),
          `v${v}: no command changed since v1`,
        );
        assert.deepEqual(decodeFileCommand(v, bytes), cmd);
      }
    });
  }
});

describe('command parsing errors (upstream parseProtocol)', () => {
  const syntax = (b: Uint8Array, why: string): void => {
    const r = parseFileCommand(3, b);
    assert.ok(!r.ok && r.error === 'SYNTAX', why);
  };
  it('an unknown tag is UNKNOWN, including SMP tags and lowercase', () => {
    for (const t of ['FOO', 'NEW', 'fput', '', 'FPUTX'])
      assert.deepEqual(parseFileCommand(3, cat(t)), { ok: false, error: 'UNKNOWN' }, t);
  });
  it('trailing bytes, a missing space or missing parameters are SYNTAX', () => {
    syntax(cat('FPUT '), 'FPUT takes no parameters, even an empty one');
    syntax(cat('PING x'), 'PING takes no parameters');
    syntax(cat('FNEW'), 'FNEW needs parameters');
    // Without the space the tag runs on to the first 0x20 byte, so this is UNKNOWN or SYNTAX.
    assert.equal(parseFileCommand(3, cat('FGET', sb(SAMPLE_DH_PUB_KEY_DER))).ok, false);
    syntax(cat('FGET', [0x20, 0x20], sb(SAMPLE_DH_PUB_KEY_DER)), 'exactly one space');
    syntax(cat('FGET ', sb(SAMPLE_DH_PUB_KEY_DER), [0]), 'trailing byte');
  });
  it('key types are checked: FGET needs X25519, auth keys may not be X448', () => {
    syntax(cat('FGET ', sb(SAMPLE_PUB_KEY_DER)), 'an Ed25519 key is not a DH key');
    const x448 = cat(
      [0x30, 0x42, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6f, 0x03, 0x39, 0x00],
      new Uint8Array(56),
    );
    syntax(cat('FADD ', [1], sb(x448)), 'X448 is not an auth key');
  });
  it('FNEW needs at least one recipient key and a valid password', () => {
    const head = cat('FNEW ', sb(SAMPLE_PUB_KEY_DER), [0, 1, 0, 0], sb(digest));
    syntax(cat(head, [0], '0'), 'NonEmpty: zero recipient keys');
    syntax(
      cat(head, [1], sb(SAMPLE_PUB_KEY_DER), '1', [3], 'a@b'),
      "'@' is not allowed in BasicAuth",
    );
    syntax(cat(head, [1], sb(SAMPLE_PUB_KEY_DER), '2'), 'Maybe tag must be 0 or 1');
    const ok = parseFileCommand(1, cat(head, [1], sb(SAMPLE_PUB_KEY_DER), '1', [0]));
    assert.ok(ok.ok, 'an empty password parses (upstream accepts it here)');
  });
  it('decodeFileCommand throws ParseError for both UNKNOWN and SYNTAX', () => {
    assert.throws(() => decodeFileCommand(3, cat('NOPE')), ParseError);
    assert.throws(() => decodeFileCommand(3, cat('FPUT ')), ParseError);
  });
});

describe('response encodings (spec §6, §9)', () => {
  const err = (s: string): Uint8Array => cat('ERR ', s);
  const cases: Array<[string, FileResponse, Uint8Array]> = [
    [
      'SIDS',
      { tag: 'SIDS', senderId: sId, recipientIds: [rId1, rId2] },
      cat('SIDS ', sb(sId), [2], sb(rId1), sb(rId2)),
    ],
    ['RIDS', { tag: 'RIDS', recipientIds: [rId1] }, cat('RIDS ', [1], sb(rId1))],
    [
      'FILE',
      { tag: 'FILE', srvDhKey: dhKey, nonce },
      cat('FILE ', sb(SAMPLE_DH_PUB_KEY_DER), nonce),
    ],
    ['OK', { tag: 'OK' }, cat('OK')],
    ['PONG', { tag: 'PONG' }, cat('PONG')],
    ['ERR AUTH', { tag: 'ERR', error: { type: 'AUTH' } }, err('AUTH')],
    ['ERR CMD SYNTAX', { tag: 'ERR', error: { type: 'CMD', cmd: 'SYNTAX' } }, err('CMD SYNTAX')],
    ['ERR NO_FILE', { tag: 'ERR', error: { type: 'NO_FILE' } }, err('NO_FILE')],
    ['ERR FILE_IO', { tag: 'ERR', error: { type: 'FILE_IO' } }, err('FILE_IO')],
  ];
  for (const [name, r, bytes] of cases) {
    it(`${name} encodes as the grammar says and decodes back at every version`, () => {
      for (const v of XFTP_VERSIONS) {
        assert.equal(hex(encodeFileResponse(v, r)), hex(bytes));
        assert.deepEqual(decodeFileResponse(v, bytes), r);
      }
    });
  }
  const blocked: FileResponse = {
    tag: 'ERR',
    error: { type: 'BLOCKED', info: { reason: 'spam', notice: { ttl: 86400 } } },
  };
  it('ERR BLOCKED keeps reason and notice at v3 and becomes ERR AUTH at v1 and v2', () => {
    assert.equal(
      new TextDecoder().decode(encodeFileResponse(3, blocked)),
      'ERR BLOCKED reason=spam,notice={"ttl":86400}',
    );
    for (const v of [1, 2])
      assert.equal(hex(encodeFileResponse(v, blocked)), hex(err('AUTH')), `v${v}`);
    assert.deepEqual(
      decodeFileResponse(1, err('BLOCKED reason=content')),
      {
        tag: 'ERR',
        error: { type: 'BLOCKED', info: { reason: 'content' } },
      },
      'decoding is not version-gated',
    );
  });
  it('FILE needs exactly 24 nonce bytes; SIDS and RIDS need a recipient ID', () => {
    assert.equal(
      parseFileResponse(3, cat('FILE ', sb(SAMPLE_DH_PUB_KEY_DER), nonce.subarray(1))).ok,
      false,
    );
    assert.equal(
      parseFileResponse(3, cat('FILE ', sb(SAMPLE_DH_PUB_KEY_DER), nonce, [0])).ok,
      false,
    );
    assert.equal(parseFileResponse(3, cat('RIDS ', [0])).ok, false);
    assert.deepEqual(parseFileResponse(3, cat('IDS')), { ok: false, error: 'UNKNOWN' });
  });
  it('the entity check of the client: SIDS/PONG without, RIDS/FILE/OK with, ERR either (Appendix A1)', () => {
    const e = new Uint8Array(0);
    const sidsR = cases[0]?.[1] as FileResponse;
    assert.equal(checkFileResponseCredentials(sidsR, e), undefined);
    assert.deepEqual(checkFileResponseCredentials(sidsR, sId), { type: 'CMD', cmd: 'HAS_AUTH' });
    assert.deepEqual(checkFileResponseCredentials({ tag: 'PONG' }, sId), {
      type: 'CMD',
      cmd: 'HAS_AUTH',
    });
    for (const r of [cases[1]?.[1], cases[2]?.[1], { tag: 'OK' }] as FileResponse[]) {
      assert.deepEqual(
        checkFileResponseCredentials(r, e),
        { type: 'CMD', cmd: 'NO_ENTITY' },
        r.tag,
      );
      assert.equal(checkFileResponseCredentials(r, rId1), undefined, r.tag);
    }
    assert.equal(
      checkFileResponseCredentials({ tag: 'ERR', error: { type: 'AUTH' } }, e),
      undefined,
    );
    assert.equal(
      checkFileResponseCredentials({ tag: 'ERR', error: { type: 'AUTH' } }, sId),
      undefined,
    );
  });
});

describe('error texts (spec §9, upstream smpEncode/smpP @XFTPErrorType)', () => {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  it('parses every name upstream parses, including the never-sent ones and legacy NO_QUEUE', () => {
    assert.deepEqual(decodeXFTPErrorTypeBytes(text('DUPLICATE_')), { type: 'DUPLICATE_' });
    assert.deepEqual(decodeXFTPErrorTypeBytes(text('HAS_FILE')), { type: 'HAS_FILE' });
    assert.deepEqual(decodeXFTPErrorTypeBytes(text('HANDSHAKE')), { type: 'HANDSHAKE' });
    assert.deepEqual(decodeXFTPErrorTypeBytes(text('CMD NO_QUEUE')), {
      type: 'CMD',
      cmd: 'NO_ENTITY',
    });
  });
  it('rejects SMP-only names, unknown CMD codes, trailing text and bad BlockingInfo', () => {
    for (const s of [
      'NO_MSG',
      'LARGE_MSG',
      'CMD FOO',
      'AUTH ',
      'CMD SYNTAX x',
      'BLOCKED',
      'BLOCKED reason=x',
      'auth',
    ])
      assert.throws(() => decodeXFTPErrorTypeBytes(text(s)), ParseError, s);
  });
  it('every error round-trips through its text', () => {
    fc.assert(
      fc.property(xftpError, (e) =>
        assert.deepEqual(decodeXFTPErrorTypeBytes(encodeXFTPErrorTypeBytes(e)), e),
      ),
    );
  });
});

describe('round trips at every version 1..3', () => {
  it('commands', () => {
    fc.assert(
      fc.property(fileCommand, fc.constantFrom(...XFTP_VERSIONS), (cmd, v) =>
        assert.deepEqual(decodeFileCommand(v, encodeFileCommand(v, cmd)), cmd),
      ),
      { numRuns: 300 },
    );
  });
  it('responses (BLOCKED arrives as AUTH below v3)', () => {
    fc.assert(
      fc.property(fileResponse, fc.constantFrom(...XFTP_VERSIONS), (r, v) => {
        const expected: FileResponse =
          r.tag === 'ERR' && r.error.type === 'BLOCKED' && v < 3
            ? { tag: 'ERR', error: { type: 'AUTH' } }
            : r;
        assert.deepEqual(decodeFileResponse(v, encodeFileResponse(v, r)), expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('xftp:// addresses (spec §3.7)', () => {
  const upstream = 'xftp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=@localhost:8000';
  it('parses the upstream test address (tests/XFTPClient.hs) and formats it back', () => {
    const a = parseXFTPServerAddress(upstream);
    assert.equal(a.scheme, 'xftp');
    assert.equal(a.server.keyHash.length, 32);
    assert.deepEqual(a.server.hosts, [{ kind: 'domain', host: 'localhost' }]);
    assert.equal(xftpServerPort(a.server), '8000');
    assert.equal(formatXFTPServerAddress(a), upstream);
  });
  it('defaults the port to 443, keeps several hosts and a password, accepts unpadded key hashes', () => {
    const a = parseXFTPServerAddress(
      'xftp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI:secret@a.example,xyz.onion',
    );
    assert.equal(xftpServerPort(a.server), '443');
    assert.equal(a.server.hosts.length, 2);
    assert.equal(new TextDecoder().decode(a.basicAuth), 'secret');
    assert.equal(
      formatXFTPServerAddress(a),
      'xftp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=:secret@a.example,xyz.onion',
    );
  });
  it('rejects other schemes', () => {
    assert.throws(() => parseXFTPServerAddress(upstream.replace('xftp', 'smp')), ParseError);
  });
});

describe('chunk sizes (spec §8, upstream prepareChunkSizes / singleChunkSize)', () => {
  it('the server sizes are 64 KB, 256 KB, 1 MB and 4 MB', () => {
    assert.deepEqual(serverChunkSizes, [65536, 262144, 1048576, 4194304]);
  });
  it('mixes two adjacent sizes chosen by the total (worked by hand from the upstream rule)', () => {
    const cases: Array<[number, number[]]> = [
      [0, []],
      [1, [chunkSize0]],
      [200_000, [chunkSize1]], // > 3/4 of 256 KB: one big chunk
      [300_000, [chunkSize1, chunkSize0]],
      [800_000, [chunkSize2]], // > 3/4 of 1 MB selects 256 KB/1 MB
      [2_500_000, [chunkSize2, chunkSize2, chunkSize1, chunkSize1]],
      [3_000_000, [chunkSize2, chunkSize2, chunkSize2]],
      [3_200_000, [chunkSize3]], // > 3 MB selects 1 MB/4 MB
      [5_000_000, [chunkSize3, chunkSize2]],
      // the 3/4 boundaries on both sides (a size equal to 3/4 stays with the smaller pair or chunks)
      [65537, [chunkSize0, chunkSize0]],
      [196_608, [chunkSize0, chunkSize0, chunkSize0]],
      [196_609, [chunkSize1]],
      [786_432, [chunkSize1, chunkSize1, chunkSize1]],
      [786_433, [chunkSize2]],
      [3_145_728, [chunkSize2, chunkSize2, chunkSize2]],
      [3_145_729, [chunkSize3]],
      [7_864_320, [chunkSize3, chunkSize3]], // remainder 3.5 MB > 3/4 of 4 MB: one more big chunk
    ];
    for (const [size, sizes] of cases)
      assert.deepEqual(prepareChunkSizes(size), sizes, String(size));
  });
  it('covers the payload with server sizes, two adjacent ones at most, wasting less than a chunk', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 * 2 ** 30 }), (n) => {
        const sizes = prepareChunkSizes(n);
        const sum = sizes.reduce((a, b) => a + b, 0);
        assert.ok(sum >= n);
        assert.ok(sizes.every((s) => serverChunkSizes.includes(s)));
        const distinct = [...new Set(sizes)].map((s) => serverChunkSizes.indexOf(s));
        assert.ok(distinct.length <= 2 && Math.max(...distinct) - Math.min(...distinct) <= 1);
        assert.ok(sum - n < Math.max(chunkSize0, ...sizes));
      }),
      { numRuns: 300 },
    );
  });
  it('a single chunk is the smallest size that holds the payload', () => {
    assert.equal(singleChunkSize(65536), 65536);
    assert.equal(singleChunkSize(65537), 262144);
    assert.equal(singleChunkSize(4194304), 4194304);
    assert.equal(singleChunkSize(4194305), undefined);
  });
  it('rejects sizes that are not non-negative integers', () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      assert.throws(() => prepareChunkSizes(bad), RangeError);
      assert.throws(() => singleChunkSize(bad), RangeError);
      assert.throws(() => prepareChunkSpecs([4, bad]), RangeError);
    }
  });
  it('chunk specs are consecutive and numbered from 1', () => {
    assert.deepEqual(prepareChunkSpecs([4, 2, 2]), [
      { chunkNo: 1, offset: 0, size: 4 },
      { chunkNo: 2, offset: 4, size: 2 },
      { chunkNo: 3, offset: 6, size: 2 },
    ]);
  });
});
