// Text forms (spec smp.md §1.9): base64url, server addresses with basic auth and hosts (upstream
// `serverStrP`, `strEncodeServer`, `TransportHost`), and the binary server form used by PRXY.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeBase64Url,
  decodeSmpServer,
  encodeBase64Url,
  encodeSmpServer,
  formatServerAddress,
  isValidBasicAuth,
  parseServerAddress,
  parseTransportHost,
  ParseError,
  Writer,
  decodeAll,
} from '../../src/index.ts';
import { hex } from '../helpers.ts';
import { basicAuth, smpServer, strip } from './arbitraries.ts';

describe('base64url', () => {
  it('encodes with padding and decodes with or without it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const s = encodeBase64Url(b);
        assert.equal(
          s,
          Buffer.from(b).toString('base64url') + '='.repeat((3 - (b.length % 3)) % 3),
        );
        assert.deepStrictEqual(decodeBase64Url(s), b);
        assert.deepStrictEqual(decodeBase64Url(s.replace(/=+$/, '')), b);
      }),
    );
  });
  it('rejects characters outside [A-Za-z0-9_-], misplaced padding and non-zero trailing bits', () => {
    for (const s of ['ab+c', 'ab/c', 'a', 'ab=', 'ab===', 'a=bc', 'AB==', 'AAB='])
      assert.throws(() => decodeBase64Url(s), ParseError, s);
    assert.deepStrictEqual(decodeBase64Url('AA=='), Uint8Array.of(0));
  });
});

describe('server address', () => {
  it('parses the upstream example with default port', () => {
    const a = parseServerAddress(
      'smp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=@localhost:7001',
    );
    assert.equal(a.scheme, 'smp');
    assert.equal(a.server.keyHash.length, 32);
    assert.deepEqual(a.server.hosts, [{ kind: 'domain', host: 'localhost' }]);
    assert.equal(a.server.port, '7001');
    assert.equal(a.basicAuth, undefined);
  });
  it('parses several hosts, onion, IPv4/IPv6 and basic auth (upstream ConnectionRequestTests forms)', () => {
    const a = parseServerAddress(
      'smp://1234-w==:pass@smp.simplex.im,jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion,1.2.3.4,[::1]:5223',
    );
    assert.deepEqual(
      a.server.hosts.map((h) => h.kind),
      ['domain', 'onion', 'ipv4', 'ipv6'],
    );
    assert.equal(Buffer.from(a.basicAuth!).toString(), 'pass');
    assert.equal(hex(a.server.keyHash), hex(Buffer.from('1234-w==', 'base64url')));
    assert.deepEqual(parseServerAddress('smp://LcJU@test1.simplex.im').server.port, '');
  });
  it('accepts printable Latin-1 in basic auth but not NBSP, soft hyphen, space, @ : /', () => {
    assert.ok(isValidBasicAuth(Uint8Array.of(0x21, 0x7e, 0xa1, 0xff)));
    for (const c of [0x20, 0x7f, 0xa0, 0xad, 0x40, 0x3a, 0x2f, 0x09])
      assert.equal(isValidBasicAuth(Uint8Array.of(0x61, c)), false, c.toString(16));
    assert.throws(() => parseServerAddress('smp://LcJU:a b@host'), ParseError);
    assert.throws(() => parseServerAddress('smp://LcJU:@host'), ParseError);
  });
  it('rejects malformed addresses', () => {
    for (const s of [
      'smp://@host',
      'http://LcJU@host',
      'smp://LcJU@',
      'smp://LcJU@host:',
      'smp://LcJU@host:12a',
      'smp://LcJU@host,',
      'smp://LcJU@host/path',
      'smp://LcJU@1.2.3.4.example',
      'smp://LcJU@foo.onion.onion',
      'smp://LcJU',
    ]) {
      assert.throws(() => parseServerAddress(s), ParseError, s);
    }
  });
  it('normalises the port like upstream show (no leading zeros) and IPv6 to RFC 5952', () => {
    const a = parseServerAddress('smp://LcJU@[2001:0DB8:0:0:0:0:0:1]:05223');
    assert.deepEqual(a.server.hosts[0], { kind: 'ipv6', host: '2001:db8::1' });
    assert.equal(a.server.port, '5223');
    assert.deepEqual(parseTransportHost('[::ffff:1.2.3.4]'), {
      kind: 'ipv6',
      host: '::ffff:102:304',
    });
    assert.throws(
      () => parseTransportHost('::ffff:1.2.3.4'),
      ParseError,
      'bare IPv6 stops at the dot, as upstream',
    );
  });
  it('formats then parses back to the same address', () => {
    fc.assert(
      fc.property(
        smpServer,
        fc.option(
          basicAuth.filter((a) => a.length > 0),
          { nil: undefined },
        ),
        (server, auth) => {
          const a =
            auth === undefined
              ? { scheme: 'smp' as const, server }
              : { scheme: 'smp' as const, server, basicAuth: auth };
          assert.deepStrictEqual(parseServerAddress(formatServerAddress(a)), strip(a));
        },
      ),
    );
  });
  it('the binary server form round-trips and checks each host', () => {
    fc.assert(
      fc.property(smpServer, (srv) => {
        const w = new Writer();
        encodeSmpServer(w, srv);
        assert.deepStrictEqual(decodeAll(w.finish(), decodeSmpServer), strip(srv));
      }),
    );
    assert.throws(
      () => decodeAll(Uint8Array.of(1, 3, 0x61, 0x3a, 0x62, 0, 1, 0), decodeSmpServer),
      ParseError,
      'a:b is no host',
    );
    assert.throws(
      () => decodeAll(Uint8Array.of(0, 0, 1, 0), decodeSmpServer),
      ParseError,
      'hosts are NonEmpty',
    );
  });
});
