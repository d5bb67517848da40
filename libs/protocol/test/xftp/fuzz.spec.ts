// Fuzzing the xftp decoders with random and mutated inputs (mutations of valid encodings reach deep
// into the parsers): codecs either return a value or throw ParseError; the server/client block
// decoders and handshake decisions return values and never throw; the file decryptor throws only
// FileCryptoError.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeFileCommand,
  decodeFileResponse,
  decodeXFTPClientHandshake,
  decodeXFTPClientHello,
  decodeXFTPErrorTypeBytes,
  decodeXFTPHandshakeErrorBlock,
  decodeXFTPServerHandshake,
  encodeFileCommand,
  encodeFileResponse,
  encodeXFTPClientHandshake,
  encodeXFTPClientHello,
  encodeXFTPErrorTypeBytes,
  encodeXFTPServerHandshake,
  nobleProvider as c,
  pad,
  parseFileCommand,
  parseFileHeader,
  parseFileResponse,
  parseXFTPServerAddress,
  processXFTPClientHandshake,
  processXFTPHello,
  supportedFileServerVRange,
  tEncodeBatch1,
  xftpAuthorizedBytes,
  xftpDecodeTClient,
  xftpDecodeTServer,
  xftpTransmissionParams,
  FileCryptoError,
  FileDecryptor,
  ParseError,
} from '../../src/index.ts';
import { range } from '../helpers.ts';
import { pemDer } from '../crypto/fixtures.ts';
import { cat, fileCommand, fileResponse, xftpError } from './arbitraries.ts';

// xorshift32: deterministic and much cheaper than fast-check for many mutations.
let seed = 0x2545f491;
const rnd = (n: number): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};

function mutate(b: Uint8Array): Uint8Array {
  const out = [...b];
  const k = 1 + rnd(3);
  for (let i = 0; i < k; i++) {
    const at = rnd(out.length + 1);
    switch (rnd(6)) {
      case 0:
        if (out.length) out[at % out.length] = rnd(256);
        break;
      case 1:
        out.splice(at, 0, rnd(256));
        break;
      case 2:
        out.splice(at, 1 + rnd(4));
        break;
      case 3:
        out.length = at;
        break;
      case 4:
        if (out.length)
          out[at % out.length] = [0x20, 0x30, 0x31, 0x00, 0xff, 0x01][rnd(6)] as number;
        break;
      default:
        out.splice(at, 0, ...[0x20, 0x31, 0x30].slice(0, 1 + rnd(3)));
    }
  }
  return Uint8Array.from(out);
}

const randomBytes = (): Uint8Array => Uint8Array.from({ length: rnd(64) }, () => rnd(256));
const pick = (pool: Uint8Array[]): Uint8Array =>
  rnd(10) === 0 || pool.length === 0 ? randomBytes() : mutate(pool[rnd(pool.length)] as Uint8Array);

/** Runs `f` on `n` inputs; only exceptions accepted by `allowed` may escape. */
function fuzz(
  pool: Uint8Array[],
  n: number,
  f: (b: Uint8Array) => unknown,
  allowed: (e: unknown) => boolean = (e) => e instanceof ParseError,
): void {
  for (let i = 0; i < n; i++) {
    const input = pick(pool);
    try {
      f(input);
    } catch (e) {
      if (!allowed(e))
        assert.fail(
          `${(e as Error)?.name}: ${(e as Error)?.message} on ${Buffer.from(input).toString('hex')}`,
        );
    }
  }
}

const v = (): number => 1 + rnd(3);
const commands = fc
  .sample(fileCommand, { numRuns: 300, seed: 11 })
  .map((x) => encodeFileCommand(3, x));
const responses = fc
  .sample(fileResponse, { numRuns: 300, seed: 12 })
  .map((x) => encodeFileResponse(3, x));
const errors = fc.sample(xftpError, { numRuns: 200, seed: 13 }).map(encodeXFTPErrorTypeBytes);

describe('xftp decoders under fuzzing (≈60k inputs in total)', () => {
  it('commands and responses: parse never throws, decode throws only ParseError (20k)', () => {
    fuzz(commands, 10_000, (b) => {
      const ver = v();
      assert.equal(typeof parseFileCommand(ver, b).ok, 'boolean');
      decodeFileCommand(ver, b);
    });
    fuzz(responses, 10_000, (b) => {
      const ver = v();
      assert.equal(typeof parseFileResponse(ver, b).ok, 'boolean');
      decodeFileResponse(ver, b);
    });
  });
  it('error texts, file headers and addresses throw only ParseError (10k)', () => {
    fuzz(errors, 5_000, decodeXFTPErrorTypeBytes);
    fuzz([cat([8], 'test.txt', '0'), cat([4], 'a.db', '1', [2], 'v2')], 3_000, parseFileHeader);
    const addr = cat(
      'xftp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=:pw@localhost,a.onion:8000',
    );
    fuzz([addr], 2_000, (b) => parseXFTPServerAddress(Buffer.from(b).toString('latin1')));
  });
  it('handshake messages throw only ParseError; the server decisions never throw (12k)', () => {
    const S = range(1, 32);
    const hello = encodeXFTPServerHandshake({
      vr: supportedFileServerVRange,
      sessionId: S,
      certChainPubKey: {
        certChain: [pemDer('server.crt'), pemDer('ca.crt')],
        signedKey: cat([0x30, 3, 2, 1, 0]),
      },
      webIdentityProof: range(1, 64),
    });
    fuzz([hello], 4_000, decodeXFTPServerHandshake);
    fuzz(
      [encodeXFTPClientHello({ webChallenge: S }), encodeXFTPClientHello({})],
      2_000,
      decodeXFTPClientHello,
    );
    fuzz([encodeXFTPClientHandshake({ version: 3, keyHash: S })], 2_000, decodeXFTPClientHandshake);
    const pool = [
      encodeXFTPClientHello({ webChallenge: S }),
      encodeXFTPClientHandshake({ version: 3, keyHash: S }),
      cat('HANDSHAKE'),
    ];
    fuzz(
      pool,
      4_000,
      (b) => {
        const block = b.length <= 16382 && rnd(4) > 0 ? pad(b, 16384) : b;
        assert.equal(typeof processXFTPHello(block, rnd(2) === 0).ok, 'boolean');
        assert.equal(
          typeof processXFTPClientHandshake(block, { vr: supportedFileServerVRange, keyHash: S })
            .ok,
          'boolean',
        );
        decodeXFTPHandshakeErrorBlock(block);
      },
      () => false,
    );
  });
  it('server and client block decoding return values and never throw (12k)', () => {
    const S = range(0x80, 0x9f);
    const p = xftpTransmissionParams(3, S);
    const ts = [
      ...commands
        .slice(0, 100)
        .map((x, i) =>
          cat(
            [i % 3 ? 64 : 0],
            new Uint8Array(i % 3 ? 64 : 0),
            xftpAuthorizedBytes(p, cat('c'), range(1, i % 2 ? 16 : 0), x),
          ),
        ),
      ...responses
        .slice(0, 100)
        .map((x) => cat([0], xftpAuthorizedBytes(p, cat(), range(1, 16), x))),
    ];
    fuzz(
      ts,
      12_000,
      (t) => {
        const body = rnd(5) === 0 ? t : tEncodeBatch1(t.subarray(0, 16000));
        const block = body.length <= 16382 ? pad(body, 16384) : body;
        const ver = xftpTransmissionParams(v(), S);
        assert.equal(typeof xftpDecodeTServer(ver, block).ok, 'boolean');
        assert.equal(typeof xftpDecodeTClient(ver, block).result.ok, 'boolean');
      },
      () => false,
    );
  });
  it('the file decryptor throws only FileCryptoError on arbitrary ciphertext (2k)', () => {
    const key = range(1, 32);
    const nonce = range(1, 24);
    fuzz(
      [new Uint8Array(80), new Uint8Array(300)],
      2_000,
      (b) => {
        const d = new FileDecryptor(c, { key, nonce, encSize: Math.max(24, b.length) });
        d.update(b);
        d.finish();
      },
      (e) => e instanceof FileCryptoError,
    );
  });
});
