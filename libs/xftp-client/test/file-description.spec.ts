// File descriptions against upstream (spec xftp.md Appendix A6): the fixture and the values of
// `tests/FileDescriptionTests.hs`, upstream's quoting and size forms, validation and the parse
// failures of `Description.hs`, and round trips of generated descriptions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { privateKey } from '@simplex-relay/protocol';
import {
  FileDescriptionError,
  compareXftpServers,
  decodeFileDescription,
  decodeRedirectTarget,
  decodeValidFileDescription,
  encodeFileDescription,
  encodeFileSize,
  fileDescriptionError,
  parseFileSize,
  parseXftpServer,
  redirectFileInfo,
  validateFileDescription,
} from '../src/index.ts';
import type { FileChunk, FileDescription } from '../src/index.ts';
import { parseYaml } from '../src/yaml-style.ts';
import {
  FIXTURE_YAML,
  REPLICA_KEY_B64,
  UPSTREAM_FILE_DESC,
  UPSTREAM_YAML_FILE_DESC,
} from './support/upstream-fixture.ts';

const rejects = (yaml: string, message: RegExp): void =>
  assert.throws(
    () => decodeValidFileDescription(yaml),
    (e: unknown) => {
      assert.ok(
        e instanceof FileDescriptionError,
        `expected FileDescriptionError, got ${String(e)}`,
      );
      assert.match(e.message, message);
      return true;
    },
  );

// the fixture with one line replaced
const edit = (from: string, to: string): string => {
  assert.ok(FIXTURE_YAML.includes(from), `fixture has ${from}`);
  return FIXTURE_YAML.replace(from, to);
};

const oneChunk = (size: number, extra: Partial<FileDescription> = {}): FileDescription => ({
  ...UPSTREAM_FILE_DESC,
  size,
  chunkSize: size,
  chunks: [{ ...(UPSTREAM_FILE_DESC.chunks[0] as FileChunk), chunkSize: size }],
  ...extra,
});

describe('file description YAML (upstream FileDescriptionTests)', () => {
  it('parses the upstream fixture into the YAML-level value of yamlFileDesc', () => {
    assert.deepEqual(parseYaml(FIXTURE_YAML), UPSTREAM_YAML_FILE_DESC);
  });

  it('parses the upstream fixture into fileDesc', () => {
    assert.deepEqual(decodeFileDescription(FIXTURE_YAML), UPSTREAM_FILE_DESC);
  });

  it('serializes fileDesc to the fixture byte for byte', () => {
    assert.equal(encodeFileDescription(UPSTREAM_FILE_DESC), FIXTURE_YAML);
  });

  it('accepts the fixture as a valid recipient description', () => {
    const fd = decodeValidFileDescription(new TextEncoder().encode(FIXTURE_YAML), 'recipient');
    assert.equal(fd.chunks.length, 4);
    assert.throws(() => decodeValidFileDescription(FIXTURE_YAML, 'sender'), /incorrect XFTP party/);
  });

  it('reads keys in any order and ignores unknown keys, as aeson does', () => {
    const lines = FIXTURE_YAML.split('\n');
    const reordered = ['size: 26mb', 'future: 1', ...lines.filter((l) => !l.startsWith('size:'))];
    assert.deepEqual(decodeFileDescription(reordered.join('\n')), UPSTREAM_FILE_DESC);
  });
});

describe('sizes and quoting as upstream writes them', () => {
  it('writes sizes in the largest exact unit, bytes otherwise, and zero as 0gb', () => {
    const cases: [number, string][] = [
      [500, '500'],
      [1024, '1kb'],
      [2048, '2kb'],
      [1048576, '1mb'],
      [8388608, '8mb'],
      [1073741824, '1gb'],
      [27262976, '26mb'],
      [1025, '1025'],
      [1536 * 1024, '1536kb'],
      [0, '0gb'],
    ];
    for (const [n, s] of cases) {
      assert.equal(encodeFileSize(n), s);
      assert.equal(parseFileSize(s), n);
    }
    assert.equal(parseFileSize('007mb'), 7 * 1048576, 'leading zeros as attoparsec decimal');
    for (const bad of ['', 'mb', '1 mb', '1MB', '-1', '1.5mb', '26mbx'])
      assert.throws(() => parseFileSize(bad), FileDescriptionError, bad);
    assert.throws(() => parseFileSize('4gb', 0xffffffff), /out of range/);
  });

  it('single-quotes sizes that would read back as numbers', () => {
    const yaml = encodeFileDescription(oneChunk(1000));
    assert.match(yaml, /^chunkSize: '1000'$/m);
    assert.match(yaml, /^size: '1000'$/m);
    assert.deepEqual(decodeValidFileDescription(yaml), oneChunk(1000));
  });

  it('quotes base64url values that upstream treats as special strings', () => {
    // "true" and "null" are base64url of 3 bytes; "1234" reads as a number
    for (const s of ['true', 'null', 'NULL', '1234', '0x12', '1e10']) {
      const digest = Buffer.from(s, 'base64url');
      const yaml = encodeFileDescription({ ...UPSTREAM_FILE_DESC, digest });
      assert.match(yaml, new RegExp(`^digest: '${s}'$`, 'm'), s);
      assert.deepEqual(decodeFileDescription(yaml).digest, new Uint8Array(digest), s);
    }
  });

  it('rejects a plain numeric size, which upstream reads as a number, not a string', () => {
    rejects(edit('size: 26mb', 'size: 27262976'), /"size": expected String/);
    assert.equal(decodeValidFileDescription(edit('size: 26mb', "size: '27262976'")).size, 27262976);
  });

  it('writes an empty description with replicas: [] and reads it back', () => {
    const empty = { ...UPSTREAM_FILE_DESC, size: 0, chunks: [] };
    const yaml = encodeFileDescription(empty);
    assert.match(yaml, /^replicas: \[\]$/m);
    assert.match(yaml, /^size: 0gb$/m);
    assert.deepEqual(decodeValidFileDescription(yaml), empty);
  });
});

describe('redirect descriptions', () => {
  const target = UPSTREAM_FILE_DESC;
  const outer = oneChunk(65536, { redirect: redirectFileInfo(target) });

  it('writes redirect between party and replicas with a bare numeric size', () => {
    const yaml = encodeFileDescription(outer);
    assert.ok(
      yaml.includes(`party: recipient\nredirect:\n  digest: YWJj\n  size: 27262976\nreplicas:\n`),
      yaml,
    );
    assert.deepEqual(decodeValidFileDescription(yaml), outer);
  });

  it('rejects a quoted redirect size, which is a number upstream', () => {
    const yaml = encodeFileDescription(outer).replace('size: 27262976', "size: '27262976'");
    rejects(yaml, /redirect.size/);
  });

  it('accepts the real description only if size and digest match the redirect', () => {
    const info = redirectFileInfo(target);
    assert.deepEqual(decodeRedirectTarget(info, FIXTURE_YAML), target);
    assert.throws(() => decodeRedirectTarget({ ...info, size: 1 }, FIXTURE_YAML), /size mismatch/);
    assert.throws(
      () => decodeRedirectTarget({ ...info, digest: Uint8Array.of(1) }, FIXTURE_YAML),
      /digest mismatch/,
    );
    assert.throws(() => decodeRedirectTarget(info, 'party: sender'), /decode error/);
  });
});

describe('validation and invalid descriptions (upstream validateFileDescription, foldReplicasToChunks)', () => {
  it('rejects chunk numbers that are not 1..n', () => {
    const fd = { ...UPSTREAM_FILE_DESC, chunks: UPSTREAM_FILE_DESC.chunks.slice(1) };
    assert.equal(fileDescriptionError(fd), 'chunk numbers are not sequential');
    rejects(edit('- 1:YWJj', '- 5:YWJj').replace('- 1:YWJj', '- 5:YWJj'), /not sequential/);
  });

  it('rejects chunk sizes that do not add up to the file size', () => {
    assert.throws(
      () => validateFileDescription({ ...UPSTREAM_FILE_DESC, size: 999 }),
      /chunks total size is different than file size/,
    );
    rejects(edit('size: 26mb', 'size: 27mb'), /total size/);
  });

  it('rejects copies of a chunk with different digests or sizes', () => {
    rejects(
      edit(`4:YWJj:${REPLICA_KEY_B64}\n`, `4:YWJj:${REPLICA_KEY_B64}:Z2hq\n`),
      /different size or digest/,
    );
    rejects(
      edit(`4:YWJj:${REPLICA_KEY_B64}\n`, `4:YWJj:${REPLICA_KEY_B64}:Z2hp:1mb\n`),
      /different size or digest/,
    );
  });

  it('rejects a chunk with no digest on any copy', () => {
    rejects(
      edit(`1:YWJj:${REPLICA_KEY_B64}:Z2hp\n`, `1:YWJj:${REPLICA_KEY_B64}\n`),
      /no digest for chunk/,
    );
  });

  it('reads a size-only last field as the chunk size, as upstream backtracks', () => {
    const yaml = edit(`4:YWJj:${REPLICA_KEY_B64}\n`, `4:YWJj:${REPLICA_KEY_B64}:2mb\n`);
    assert.deepEqual(decodeValidFileDescription(yaml), UPSTREAM_FILE_DESC);
  });

  it('rejects malformed fields', () => {
    const cases: [string, string, RegExp][] = [
      ['key: 00n8p1tJq5E-SGnHcYTOrS4A9I07gTA_WFD6MTFFFOY=', 'key: YWJj', /SbKey: invalid length/],
      ['party: recipient', 'party: receiver', /party/],
      ['digest: YWJj', 'digest: ""', /digest/],
      ['digest: YWJj\n', '', /key "digest" not found/],
      ['server: xftp://abc=@example1.com', 'server: smp://abc=@example1.com', /scheme/],
      ['server: xftp://abc=@example1.com', 'server: xftp://abc=:pass@example1.com', /basic auth/],
      ['chunkSize: 8mb', 'chunkSize: 4gb', /out of range/],
      [':Z2hp:2mb', ':Z2hp:2mbx', /trailing characters/],
      ['- 3:YWJj', '- x:YWJj', /chunk number/],
      ['- 3:YWJj', '- 3:', /base64url/],
      [REPLICA_KEY_B64 + ':Z2hp\n  - 3', 'YWJj:Z2hp\n  - 3', /bad replica key/],
    ];
    for (const [from, to, message] of cases) rejects(edit(from, to), message);
    rejects('- just a list', /expected a YAML mapping/);
    rejects(`${FIXTURE_YAML}---\n${FIXTURE_YAML}`, /invalid YAML/);
  });

  it('cuts or zero-pads the nonce to 24 bytes, as upstream cbNonce does', () => {
    const fd = decodeFileDescription(
      edit('nonce: dPSF-wrQpDiK_K6sYv0BDBZ9S4dg-jmu', 'nonce: YWJj'),
    );
    assert.deepEqual(fd.nonce, Uint8Array.of(0x61, 0x62, 0x63, ...new Array<number>(21).fill(0)));
  });

  it('treats a key named __proto__ as an ordinary unknown key', () => {
    assert.deepEqual(decodeFileDescription(`__proto__: x\n${FIXTURE_YAML}`), UPSTREAM_FILE_DESC);
  });
});

describe('generated descriptions', () => {
  const serverPool = [
    'xftp://abc=@example1.com',
    'xftp://abc=@example1.com:443',
    'xftp://YWJj@example1.com',
    'xftp://abc=@10.0.0.2',
    'xftp://abc=@[fe80::1]',
    'xftp://abc=@abcdef.onion,example2.com:5443',
  ].map(parseXftpServer);
  const bytes = (min: number, max: number) =>
    fc.uint8Array({ minLength: min, maxLength: max }).map((b) => new Uint8Array(b));
  const replicaArb = fc
    .record({
      server: fc.constantFrom(...serverPool),
      replicaId: bytes(1, 24),
      replicaKey: bytes(32, 32).map((raw) => privateKey('ed25519', raw)),
    })
    .map((r) => ({ ...r })); // plain objects (fc.record's have no prototype)
  const chunkSizeArb = fc.constantFrom(65536, 262144, 1048576, 4194304, 1000, 0);
  const descArb = (sortReplicas: boolean) =>
    fc
      .record({
        party: fc.constantFrom('recipient' as const, 'sender' as const),
        digest: bytes(1, 64),
        key: bytes(32, 32),
        nonce: bytes(24, 24),
        chunkSize: chunkSizeArb,
        chunks: fc.array(
          fc.record({
            chunkSize: chunkSizeArb,
            digest: bytes(1, 32),
            replicas: fc.array(replicaArb, { minLength: 1, maxLength: 3 }),
          }),
          { maxLength: 6 },
        ),
        redirect: fc.option(fc.record({ size: fc.nat(), digest: bytes(1, 64) }), {
          nil: undefined,
        }),
      })
      .map(({ chunks, redirect, ...rest }) => {
        const cs = chunks.map((c, i) => ({
          ...c,
          chunkNo: i + 1,
          replicas: sortReplicas
            ? [...c.replicas].sort((a, b) => compareXftpServers(a.server, b.server))
            : c.replicas,
        }));
        const size = cs.reduce((s, c) => s + c.chunkSize, 0);
        return {
          ...rest,
          size,
          chunks: cs,
          ...(redirect && { redirect: { ...redirect } }),
        } as FileDescription;
      });

  it('decodes to the same description when each chunk lists its copies in server order', () => {
    fc.assert(
      fc.property(descArb(true), (fd) => {
        const yaml = encodeFileDescription(fd);
        assert.deepEqual(decodeValidFileDescription(yaml), fd);
      }),
      { numRuns: 200 },
    );
  });

  it('puts any copy order into server order, and then encodes to a fixed point', () => {
    const serverOrder = (fd: FileDescription): FileDescription => ({
      ...fd,
      chunks: fd.chunks.map((c) => ({
        ...c,
        replicas: [...c.replicas].sort((a, b) => compareXftpServers(a.server, b.server)),
      })),
    });
    fc.assert(
      fc.property(descArb(false), (fd) => {
        const decoded = decodeValidFileDescription(encodeFileDescription(fd));
        assert.deepEqual(decoded, serverOrder(fd));
        const yaml = encodeFileDescription(decoded);
        assert.equal(encodeFileDescription(decodeFileDescription(yaml)), yaml);
      }),
      { numRuns: 200 },
    );
  });
});
