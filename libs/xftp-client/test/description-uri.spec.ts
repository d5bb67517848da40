// Description links (spec xftp.md Appendix A6): upstream `FileDescriptionURI` round trips from
// `FileDescriptionTests.hs` (with and without client data), its escaping and parsing rules, and the
// xftp-web link (`encodeWebURI`, `fileWebLink`, `decodeWebURI`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { encodeBase64Url } from '@simplex-relay/protocol';
import {
  FileDescriptionError,
  decodeWebUri,
  encodeFileDescription,
  encodeWebUri,
  fileDescriptionUri,
  fileWebLink,
  formatFileDescriptionUri,
  parseFileDescriptionUri,
  parseWebLink,
  parseXftpServer,
} from '../src/index.ts';
import type { FileDescription } from '../src/index.ts';
import { FIXTURE_YAML, UPSTREAM_FILE_DESC } from './support/upstream-fixture.ts';

// http-types `urlEncode True` of the fixture, written out independently of the code under test
const escapeQuery = (s: string): string =>
  [...new TextEncoder().encode(s)]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

describe('file description URI (upstream FileDescriptionURI)', () => {
  it('round trips the upstream description in the simplex: scheme', () => {
    const uri = fileDescriptionUri(UPSTREAM_FILE_DESC);
    const s = formatFileDescriptionUri(uri);
    assert.equal(s, `simplex:/file#/?desc=${escapeQuery(FIXTURE_YAML)}`);
    assert.deepEqual(parseFileDescriptionUri(s), uri);
  });

  it('round trips with extra JSON client data', () => {
    const uri = {
      ...fileDescriptionUri(UPSTREAM_FILE_DESC),
      clientData: '{"something":"extra","more":true}',
    };
    const s = formatFileDescriptionUri(uri);
    assert.ok(s.endsWith('&data=%7B%22something%22%3A%22extra%22%2C%22more%22%3Atrue%7D'), s);
    assert.deepEqual(parseFileDescriptionUri(s), uri);
  });

  it('round trips an https app-server scheme with a port', () => {
    const uri = {
      scheme: { kind: 'https', host: 'files.example.com', port: '8443' } as const,
      description: UPSTREAM_FILE_DESC,
    };
    const s = formatFileDescriptionUri(uri);
    assert.ok(s.startsWith('https://files.example.com:8443/file#/?desc='));
    assert.deepEqual(parseFileDescriptionUri(s), uri);
  });

  it('parses what http-types accepts: "/file/", "+" for space, ";" separators, unknown params', () => {
    const yaml = escapeQuery(FIXTURE_YAML).replace(/%20/g, '+');
    const s = `simplex:/file/#/?x=1;desc=${yaml}&desc=ignored&data=a%2`;
    const parsed = parseFileDescriptionUri(s);
    assert.deepEqual(parsed.description, UPSTREAM_FILE_DESC, 'the first desc wins');
    assert.equal(parsed.clientData, 'a%2', 'a bad escape stays literal');
  });

  it('rejects links upstream rejects', () => {
    const good = formatFileDescriptionUri(fileDescriptionUri(UPSTREAM_FILE_DESC));
    const sender = formatFileDescriptionUri({
      scheme: { kind: 'simplex' },
      description: { ...UPSTREAM_FILE_DESC, party: 'sender' },
    });
    const invalid = formatFileDescriptionUri({
      scheme: { kind: 'simplex' },
      description: { ...UPSTREAM_FILE_DESC, size: 1 },
    });
    const cases: [string, RegExp][] = [
      [good.replace('simplex:', 'simplex://'), /path/],
      [good.replace('/file#', '/files#'), /path/],
      [good.replace('desc=', 'd='), /no qs param desc/],
      [`${good} trailing`, /trailing/],
      [sender, /incorrect XFTP party/],
      [invalid, /total size/],
      [good.replace('simplex:', 'smp:'), /scheme/],
    ];
    for (const [s, message] of cases)
      assert.throws(
        () => parseFileDescriptionUri(s),
        (e: unknown) => {
          assert.ok(e instanceof FileDescriptionError);
          assert.match(e.message, message);
          return true;
        },
      );
  });
});

describe('web link (upstream encodeWebURI, fileWebLink, decodeWebURI)', () => {
  it('encodes base64url of raw-DEFLATE YAML and reads it back', () => {
    const fragment = encodeWebUri(UPSTREAM_FILE_DESC);
    const yaml = new TextDecoder().decode(inflateRawSync(Buffer.from(fragment, 'base64url')));
    assert.equal(yaml, FIXTURE_YAML);
    assert.ok(/^[A-Za-z0-9_-]+=*$/.test(fragment) && fragment.length % 4 === 0, 'padded base64url');
    assert.deepEqual(decodeWebUri(fragment), UPSTREAM_FILE_DESC);
  });

  it('links to the first host of the first chunk, without the port', () => {
    const fd: FileDescription = {
      ...UPSTREAM_FILE_DESC,
      chunks: UPSTREAM_FILE_DESC.chunks.map((c) => ({
        ...c,
        replicas: c.replicas.map((r) => ({
          ...r,
          server: parseXftpServer('xftp://abc=@files.example.net,backup.example.org:5443'),
        })),
      })),
    };
    const link = fileWebLink(fd);
    assert.equal(link, `https://files.example.net/#${encodeWebUri(fd)}`);
    assert.deepEqual(parseWebLink(link as string), fd);
    assert.equal(fileWebLink({ ...fd, size: 0, chunks: [] }), undefined);
  });

  it('reads fragments made by another deflate (level 9) too', () => {
    const other = encodeBase64Url(
      deflateRawSync(encodeFileDescription(UPSTREAM_FILE_DESC), { level: 9 }),
    );
    assert.deepEqual(parseWebLink(`http://localhost:8080/#${other}`), UPSTREAM_FILE_DESC);
  });

  it('rejects links without a fragment, with bad data or with a sender description', () => {
    assert.throws(() => parseWebLink('https://example.com/'), /no fragment/);
    assert.throws(() => parseWebLink('ftp://example.com/#abc'), /not a web link/);
    assert.throws(() => decodeWebUri('!!!'), /invalid web link/);
    assert.throws(() => decodeWebUri(encodeBase64Url(Uint8Array.of(1, 2, 3))), /invalid web link/);
    const sender = encodeWebUri({ ...UPSTREAM_FILE_DESC, party: 'sender' });
    assert.throws(() => decodeWebUri(sender), /incorrect XFTP party/);
  });

  it('refuses to inflate a decompression bomb', () => {
    const bomb = encodeBase64Url(deflateRawSync(new Uint8Array(64 * 1024 * 1024)));
    assert.throws(() => decodeWebUri(bomb), /invalid web link/);
  });
});
