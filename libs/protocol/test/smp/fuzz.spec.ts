// Fuzzing the smp decoders with random and mutated inputs (mutations of valid encodings reach deep
// into the parsers): each decoder either returns a typed result or throws ParseError, nothing else.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeAll,
  decodeBrokerMsg,
  decodeCertChainPubKey,
  decodeClientTransmission,
  decodeCommand,
  decodeErrorTypeBytes,
  decodeNMsgMeta,
  decodeQueueInfo,
  decodeRcvMsgBody,
  decodeServerTransmission,
  encodeBrokerMsg,
  encodeCommand,
  encodeErrorTypeBytes,
  encodeTransmission,
  formatServerAddress,
  parseBrokerMsg,
  parseCommand,
  parseServerAddress,
  ParseError,
  transmissionParams,
} from '../../src/index.ts';
import { brokerMsg, command, errorType, smpServer, VERSIONS } from './arbitraries.ts';

// xorshift32: deterministic and much cheaper than fast-check for 100k mutations.
let seed = 0x9e3779b9;
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
        out.length = at; // truncate
        break;
      case 4:
        if (out.length)
          out[at % out.length] = [0x20, 0x30, 0x31, 0x00, 0xff, 0x2c][rnd(6)] as number;
        break;
      default:
        out.splice(at, 0, ...[0x20, 0x31, 0x30].slice(0, 1 + rnd(3)));
    }
  }
  return Uint8Array.from(out);
}

const randomBytes = (): Uint8Array => Uint8Array.from({ length: rnd(64) }, () => rnd(256));

/** Runs `f` on `n` inputs drawn from `pool` (mutated) or random; only ParseError may escape. */
function fuzz(pool: Uint8Array[], n: number, f: (b: Uint8Array) => unknown): void {
  for (let i = 0; i < n; i++) {
    const input =
      i % 10 === 0 || pool.length === 0
        ? randomBytes()
        : mutate(pool[rnd(pool.length)] as Uint8Array);
    try {
      f(input);
    } catch (e) {
      if (!(e instanceof ParseError))
        assert.fail(
          `${(e as Error)?.name}: ${(e as Error)?.message} on ${Buffer.from(input).toString('hex')}`,
        );
    }
  }
}

const v = (): number => VERSIONS[rnd(VERSIONS.length)] as number;
const commands = fc.sample(command, { numRuns: 400, seed: 1 }).map((c) => encodeCommand(v(), c));
const msgs = fc.sample(brokerMsg, { numRuns: 400, seed: 2 }).map((m) => encodeBrokerMsg(v(), m));
const errors = fc
  .sample(errorType, { numRuns: 300, seed: 3 })
  .map((e) => encodeErrorTypeBytes(18, e));

describe('decoders under fuzzing (100k inputs in total)', () => {
  it('parseCommand never throws and decodeCommand throws only ParseError (25k)', () => {
    fuzz(commands, 25_000, (b) => {
      const ver = v();
      const r = parseCommand(ver, b);
      assert.ok(typeof r.ok === 'boolean');
      decodeCommand(ver, b);
    });
  });
  it('parseBrokerMsg never throws and decodeBrokerMsg throws only ParseError (25k)', () => {
    fuzz(msgs, 25_000, (b) => {
      const ver = v();
      assert.ok(typeof parseBrokerMsg(ver, b).ok === 'boolean');
      decodeBrokerMsg(ver, b);
    });
  });
  it('error texts throw only ParseError (15k)', () => fuzz(errors, 15_000, decodeErrorTypeBytes));
  it('server and client transmission decoding return values, never throw (20k)', () => {
    const sess = new Uint8Array(32).fill(1);
    const pool = commands.slice(0, 200).map((c, i) => {
      const p = transmissionParams(VERSIONS[i % VERSIONS.length] as number, sess);
      return encodeTransmission(p, {
        auth: i % 3 ? new Uint8Array(64) : undefined,
        corrId: new Uint8Array(24),
        entityId: new Uint8Array(i % 2 ? 24 : 0),
        command: c,
      });
    });
    fuzz(pool, 20_000, (b) => {
      const p = transmissionParams(rnd(2) ? 6 : v(), sess);
      assert.ok(typeof decodeServerTransmission(p, b).ok === 'boolean');
      assert.ok(typeof decodeClientTransmission(p, b).result.ok === 'boolean');
    });
  });
  it('addresses, bodies, metadata, INFO JSON and cert chains throw only ParseError (15k)', () => {
    const addrs = fc
      .sample(smpServer, { numRuns: 100, seed: 4 })
      .map((server) => new TextEncoder().encode(formatServerAddress({ scheme: 'smp', server })));
    fuzz(addrs, 6_000, (b) => parseServerAddress(Buffer.from(b).toString('latin1')));
    const infos = msgs.filter((m) => m[0] === 0x49 && m[1] === 0x4e).map((m) => m.subarray(5));
    fuzz(infos, 3_000, decodeQueueInfo);
    fuzz([Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 0x54, 0x20, 0x41)], 2_000, decodeRcvMsgBody);
    fuzz([Uint8Array.of(2, 1, 2, 0, 0, 0, 0, 0, 0, 0, 5)], 2_000, decodeNMsgMeta);
    fuzz([Uint8Array.of(1, 0, 2, 0x30, 0, 0, 2, 0x30, 0)], 2_000, (b) =>
      decodeAll(b, decodeCertChainPubKey),
    );
  });
});
