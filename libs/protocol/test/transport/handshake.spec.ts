// Handshake messages (spec smp.md §4.1–§4.3): known-answer bytes, round trips at every version, the
// optional-key backtracking of upstream `authEncryptCmdsP`, prefix parsing (`getHandshake`), and
// decoders fed random and mutated input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  HandshakeError,
  ParseError,
  SMP_BLOCK_SIZE,
  TransportError,
  decodeClientHello,
  decodeHandshakeBlock,
  decodeServerHello,
  decodeServiceResponse,
  encodeClientHello,
  encodeHandshakeBlock,
  encodeServerHello,
  encodeServiceResponse,
  publicKey,
  readClientHelloBlock,
  readServerHelloBlock,
  readServiceResponseBlock,
  transportErrorText,
  type CertChainPubKey,
  type ClientHello,
  type ServerHello,
  type ServiceResponse,
  type TransportErrorText,
} from '../../src/index.ts';
import { hex, unhex } from '../helpers.ts';
import { derOf, derSeq } from './der-blob.ts';

const concat = (...xs: Uint8Array[]): Uint8Array => Uint8Array.from(xs.flatMap((x) => [...x]));
const b64url = (s: string): Uint8Array =>
  new Uint8Array(Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));

// Upstream tests/SMPClient.hs `testKeyHash` (SHA-256 of tests/fixtures/ca.crt) and the digest's X25519
// public key for private key bytes 40..5f (§2.6).
const testKeyHash = b64url('LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=');
const clientPub = unhex('79a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a');
const X25519_SPKI_PREFIX = '302a300506032b656e032100';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const chainArb: fc.Arbitrary<CertChainPubKey> = fc
  .record({
    certChain: fc.array(bytes(0, 600).map(derSeq), { minLength: 1, maxLength: 4 }),
    signedKey: bytes(0, 200).map(derSeq),
  })
  .map((r) => ({ ...r })); // fc.record objects have a null prototype; deepEqual compares prototypes
const x25519Arb = bytes(32, 32).map((raw) => publicKey('x25519', raw));

describe('client hello', () => {
  it('is exactly 00 12 | 20 <keyHash> | 2c <X25519 SPKI> | 46 | 30 (82 bytes) at v18 (§4.3)', () => {
    const b = encodeClientHello({
      version: 18,
      keyHash: testKeyHash,
      clientKey: publicKey('x25519', clientPub),
    });
    const expected =
      '0012' + '20' + hex(testKeyHash) + '2c' + X25519_SPKI_PREFIX + hex(clientPub) + '46' + '30';
    assert.equal(hex(b), expected);
    assert.equal(b.length, 82);
    assert.deepEqual(decodeClientHello(b), {
      version: 18,
      keyHash: testKeyHash,
      clientKey: publicKey('x25519', clientPub),
      proxyServer: false,
      clientService: undefined,
    });
  });

  it('round-trips at every version 6..18, carrying only the fields that version has', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 18 }),
        bytes(0, 255),
        fc.option(x25519Arb, { nil: undefined }),
        fc.boolean(),
        fc.option(
          fc
            .record({
              role: fc.constantFrom('M' as const, 'N' as const, 'P' as const),
              certChainPubKey: chainArb,
            })
            .map((r) => ({ ...r })),
          { nil: undefined },
        ),
        (version, keyHash, clientKey, proxyServer, clientService) => {
          const got = decodeClientHello(
            encodeClientHello({ version, keyHash, clientKey, proxyServer, clientService }),
          );
          const want: ClientHello = {
            version,
            keyHash,
            clientKey: version >= 7 ? clientKey : undefined,
            proxyServer: version >= 14 ? proxyServer : false,
            clientService: version >= 16 ? clientService : undefined,
          };
          assert.deepEqual(got, want);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('parses a v18 hello without a key as "no key" then proxyServer and service (upstream optional)', () => {
    // 0x46 ('F') would be read as a 70-byte key field; too short, so the parser backtracks.
    const b = concat(unhex('0012'), Uint8Array.of(32), testKeyHash, unhex('4630'));
    assert.deepEqual(decodeClientHello(b), {
      version: 18,
      keyHash: testKeyHash,
      clientKey: undefined,
      proxyServer: false,
      clientService: undefined,
    });
    assert.deepEqual(b, encodeClientHello({ version: 18, keyHash: testKeyHash }));
  });

  it('backtracks a key attempt that consumes a whole short string: no key, proxy T, then a long service', () => {
    // 'T' = 0x54 reads as an 84-byte string, which is there (the service chain) but is not an SPKI.
    const service = {
      role: 'N' as const,
      certChainPubKey: { certChain: [derOf(300, 1)], signedKey: derOf(50) },
    };
    const b = encodeClientHello({
      version: 16,
      keyHash: testKeyHash,
      proxyServer: true,
      clientService: service,
    });
    assert.ok(b.length - 35 > 84);
    assert.deepEqual(decodeClientHello(b), {
      version: 16,
      keyHash: testKeyHash,
      clientKey: undefined,
      proxyServer: true,
      clientService: service,
    });
  });

  it('reads a malformed key field (an Ed25519 SPKI) as "no key" and ignores it as trailing bytes at v12', () => {
    const ed = concat(unhex('2c302a300506032b6570032100'), clientPub);
    const b = concat(unhex('000c20'), testKeyHash, ed);
    assert.deepEqual(decodeClientHello(b), {
      version: 12,
      keyHash: testKeyHash,
      clientKey: undefined,
      proxyServer: false,
      clientService: undefined,
    });
  });

  it('fails at v14 when the backtracked key bytes are not a Bool, as upstream fails with HANDSHAKE PARSE', () => {
    const ed = concat(unhex('2c302a300506032b6570032100'), clientPub, unhex('46'));
    const b = concat(unhex('000e20'), testKeyHash, ed);
    assert.throws(() => decodeClientHello(b), ParseError);
    assert.throws(
      () => readClientHelloBlock(encodeHandshakeBlock(b)),
      (e) => e instanceof HandshakeError && e.code === 'PARSE',
    );
  });

  it('ignores trailing bytes after the last field of its version (getHandshake is a prefix parse)', () => {
    const b = encodeClientHello({
      version: 18,
      keyHash: testKeyHash,
      clientKey: publicKey('x25519', clientPub),
    });
    assert.deepEqual(decodeClientHello(concat(b, unhex('ffee00'))), decodeClientHello(b));
    assert.deepEqual(decodeClientHello(unhex('00060000ff')), {
      version: 6,
      keyHash: new Uint8Array(0),
      clientKey: undefined,
      proxyServer: false,
      clientService: undefined,
    });
  });

  it('rejects a bad Bool, a bad Maybe tag and a bad service role', () => {
    const base = concat(unhex('001220'), testKeyHash);
    assert.throws(() => decodeClientHello(concat(base, unhex('5830'))), ParseError);
    assert.throws(() => decodeClientHello(concat(base, unhex('4632'))), ParseError);
    assert.throws(
      () => decodeClientHello(concat(base, unhex('4631'), Uint8Array.of(0x58), unhex('01000000'))),
      ParseError,
    );
  });

  it('refuses to encode a non-X25519 client key as misuse', () => {
    assert.throws(
      () =>
        encodeClientHello({
          version: 18,
          keyHash: testKeyHash,
          clientKey: publicKey('ed25519', clientPub),
        }),
      RangeError,
    );
  });
});

describe('server hello', () => {
  it('is min || max || sb(sessionId) || count || lb(cert)… || lb(signedKey) (§4.2, §1.8)', () => {
    const h: ServerHello = {
      vr: { min: 8, max: 18 },
      sessionId: new Uint8Array(32).fill(0xaa),
      certChainPubKey: { certChain: [unhex('3000'), unhex('300101')], signedKey: unhex('300109') },
    };
    const chain = '02' + '00023000' + '0003300101' + '0003300109';
    assert.equal(hex(encodeServerHello(h)), '00080012' + '20' + 'aa'.repeat(32) + chain);
    assert.deepEqual(decodeServerHello(encodeServerHello(h)), h);
  });

  it('round-trips at every max version 6..18; the key exists only from v7', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 18 }),
        fc.integer({ min: 0, max: 12 }),
        bytes(0, 255),
        fc.option(chainArb, { nil: undefined }),
        (max, down, sessionId, certChainPubKey) => {
          const vr = { min: Math.max(0, max - down), max };
          const got = decodeServerHello(encodeServerHello({ vr, sessionId, certChainPubKey }));
          assert.deepEqual(got, {
            vr,
            sessionId,
            certChainPubKey: max >= 7 ? certChainPubKey : undefined,
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads an unparsable key as absent (optional) and ignores trailing bytes', () => {
    const head = concat(unhex('00080012'), Uint8Array.of(4), unhex('01020304'));
    assert.equal(
      decodeServerHello(concat(head, unhex('00'))).certChainPubKey,
      undefined,
      'empty chain: NonEmpty fails',
    );
    assert.equal(
      decodeServerHello(concat(head, unhex('0100ff'))).certChainPubKey,
      undefined,
      'short certificate',
    );
    const hello = {
      vr: { min: 6, max: 18 },
      sessionId: Uint8Array.of(1),
      certChainPubKey: { certChain: [derOf(5)], signedKey: derOf(6) },
    };
    const notDer = {
      ...hello,
      certChainPubKey: { certChain: [Uint8Array.of(5)], signedKey: derOf(6) },
    };
    assert.equal(
      decodeServerHello(encodeServerHello(notDer)).certChainPubKey,
      undefined,
      'a certificate that is not DER',
    );
    assert.deepEqual(decodeServerHello(concat(encodeServerHello(hello), unhex('deadbeef'))), hello);
  });

  it('rejects min > max and a truncated session ID', () => {
    assert.throws(() => decodeServerHello(unhex('0009000800')), ParseError);
    assert.throws(() => decodeServerHello(unhex('000800120501')), ParseError);
  });
});

describe('service response (v16 third block)', () => {
  it("is 'R' || sb(serviceId) or 'E' || error text", () => {
    assert.equal(
      hex(encodeServiceResponse({ type: 'R', serviceId: Uint8Array.of(1, 2) })),
      '52020102',
    );
    assert.equal(
      hex(encodeServiceResponse({ type: 'E', error: 'HANDSHAKE BAD_AUTH' })),
      '45' + hex(new TextEncoder().encode('HANDSHAKE BAD_AUTH')),
    );
  });

  it('round-trips every response and ignores trailing bytes', () => {
    const errors: TransportErrorText[] = [
      'BLOCK',
      'VERSION',
      'LARGE_MSG',
      'SESSION',
      'NO_AUTH',
      'HANDSHAKE PARSE',
      'HANDSHAKE IDENTITY',
      'HANDSHAKE BAD_AUTH',
      'HANDSHAKE BAD_SERVICE',
    ];
    for (const error of errors) {
      const r: ServiceResponse = { type: 'E', error };
      assert.deepEqual(decodeServiceResponse(encodeServiceResponse(r)), r);
      assert.deepEqual(
        decodeServiceResponse(concat(encodeServiceResponse(r), unhex('20787878'))),
        r,
      );
    }
    fc.assert(
      fc.property(bytes(0, 255), (serviceId) => {
        const r: ServiceResponse = { type: 'R', serviceId };
        assert.deepEqual(
          readServiceResponseBlock(encodeHandshakeBlock(encodeServiceResponse(r))),
          r,
        );
      }),
    );
  });

  it('names errors as upstream encodes them', () => {
    assert.equal(transportErrorText(new HandshakeError('BAD_SERVICE')), 'HANDSHAKE BAD_SERVICE');
    assert.equal(transportErrorText(new TransportError('VERSION')), 'VERSION');
  });

  it('rejects unknown tags and error words', () => {
    const e = (s: string): Uint8Array => concat(Uint8Array.of(0x45), new TextEncoder().encode(s));
    assert.throws(() => decodeServiceResponse(unhex('58')), ParseError);
    assert.throws(() => decodeServiceResponse(e('BLOCKS')), ParseError);
    assert.throws(() => decodeServiceResponse(e('HANDSHAKE')), ParseError);
    assert.throws(() => decodeServiceResponse(e('HANDSHAKE NOPE')), ParseError);
    assert.throws(
      () => encodeServiceResponse({ type: 'E', error: 'NOPE' as TransportErrorText }),
      RangeError,
    );
    const extra = 'HANDSHAKE BAD_AUTH x' as TransportErrorText;
    assert.throws(() => encodeServiceResponse({ type: 'E', error: extra }), RangeError);
  });
});

describe('handshake blocks', () => {
  it('are pad(message, 16384): no count byte, no encryption (§4.1)', () => {
    const b = encodeHandshakeBlock(Uint8Array.of(7, 8));
    assert.equal(b.length, SMP_BLOCK_SIZE);
    assert.equal(hex(b.subarray(0, 5)), '0002070823');
    assert.deepEqual(decodeHandshakeBlock(b), Uint8Array.of(7, 8));
  });

  it('carry a server hello with a realistic chain through read*Block', () => {
    const h: ServerHello = {
      vr: { min: 8, max: 18 },
      sessionId: new Uint8Array(32).fill(3),
      certChainPubKey: { certChain: [derOf(700), derOf(600)], signedKey: derOf(170) },
    };
    assert.deepEqual(readServerHelloBlock(encodeHandshakeBlock(encodeServerHello(h))), h);
  });

  it('report a bad length word as TransportError LARGE_MSG and a message over 16382 bytes likewise', () => {
    const b = new Uint8Array(SMP_BLOCK_SIZE).fill(0xff);
    assert.throws(
      () => readClientHelloBlock(b),
      (e) => e instanceof TransportError && e.code === 'LARGE_MSG',
    );
    assert.throws(
      () => encodeHandshakeBlock(new Uint8Array(16383)),
      (e) => e instanceof TransportError && e.code === 'LARGE_MSG',
    );
    assert.throws(() => decodeHandshakeBlock(new Uint8Array(10)), RangeError);
  });
});

describe('handshake decoders on random and mutated input', () => {
  const valid = [
    encodeClientHello({
      version: 18,
      keyHash: testKeyHash,
      clientKey: publicKey('x25519', clientPub),
    }),
    encodeClientHello({
      version: 16,
      keyHash: testKeyHash,
      proxyServer: true,
      clientService: {
        role: 'M',
        certChainPubKey: { certChain: [derOf(40)], signedKey: derOf(20) },
      },
    }),
    encodeServerHello({
      vr: { min: 8, max: 18 },
      sessionId: new Uint8Array(32),
      certChainPubKey: { certChain: [derOf(30)], signedKey: derOf(9) },
    }),
    encodeServiceResponse({ type: 'E', error: 'HANDSHAKE BAD_SERVICE' }),
  ];
  const mutated = fc
    .tuple(
      fc.constantFrom(...valid),
      fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.nat(200),
    )
    .map(([v, edits, cut]) => {
      const b = v.slice(0, Math.max(1, v.length - (cut % 8 === 0 ? cut % v.length : 0)));
      for (const [at, x] of edits) b[at % b.length] = x;
      return b;
    });
  const input = fc.oneof(fc.uint8Array({ maxLength: 120 }), mutated);
  const onlyParseError = (f: (b: Uint8Array) => unknown) => (b: Uint8Array) => {
    try {
      f(b);
    } catch (e) {
      assert.ok(e instanceof ParseError, `unexpected ${String(e)}`);
    }
  };

  it('decodeClientHello throws only ParseError (25k inputs)', () => {
    fc.assert(fc.property(input, onlyParseError(decodeClientHello)), { numRuns: 25_000 });
  });
  it('decodeServerHello throws only ParseError (25k inputs)', () => {
    fc.assert(fc.property(input, onlyParseError(decodeServerHello)), { numRuns: 25_000 });
  });
  it('decodeServiceResponse throws only ParseError (15k inputs)', () => {
    fc.assert(fc.property(input, onlyParseError(decodeServiceResponse)), { numRuns: 15_000 });
  });
  it('read*Block throw only HandshakeError PARSE or TransportError LARGE_MSG (1k blocks)', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 0, max: 0xffff }), (msg, len) => {
        const block = new Uint8Array(SMP_BLOCK_SIZE);
        block.set(msg, 2);
        block[0] = len % 3 === 0 ? len >> 8 : 0;
        block[1] = len % 3 === 0 ? len & 0xff : msg.length;
        for (const read of [readClientHelloBlock, readServerHelloBlock, readServiceResponseBlock]) {
          try {
            read(block);
          } catch (e) {
            assert.ok(
              (e instanceof HandshakeError && e.code === 'PARSE') ||
                (e instanceof TransportError && e.code === 'LARGE_MSG'),
              `unexpected ${String(e)}`,
            );
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
