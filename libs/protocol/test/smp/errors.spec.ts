// ERR codes (spec smp.md §7.12): round trips, the per-version BLOCKED downgrade, the exact text of
// each nested form (upstream `Encoding ErrorType/ProxyError/BrokerErrorType/TransportError`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeErrorTypeBytes,
  encodeBrokerMsg,
  encodeErrorTypeBytes,
  ParseError,
} from '../../src/index.ts';
import type { ErrorType } from '../../src/index.ts';
import { hex } from '../helpers.ts';
import { errorType, expectedError, VERSIONS } from './arbitraries.ts';

const te = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (e: ErrorType, v = 18): string =>
  Buffer.from(encodeErrorTypeBytes(v, e)).toString('latin1');

describe('ErrorType round trips', () => {
  it('decodes every error encoded at any version to its downgraded form', () => {
    fc.assert(
      fc.property(errorType, fc.constantFrom(...VERSIONS), (e, v) => {
        assert.deepStrictEqual(
          decodeErrorTypeBytes(encodeErrorTypeBytes(v, e)),
          expectedError(v, e),
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('BLOCKED downgrade (encodeProtocol ERR)', () => {
  const blocked: ErrorType = { type: 'BLOCKED', info: { reason: 'spam', notice: { ttl: 3600 } } };
  it('is AUTH at v11', () =>
    assert.equal(hex(encodeBrokerMsg(11, { tag: 'ERR', error: blocked })), hex(te('ERR AUTH'))));
  it('drops the notice at v12', () =>
    assert.equal(
      hex(encodeBrokerMsg(12, { tag: 'ERR', error: blocked })),
      hex(te('ERR BLOCKED reason=spam')),
    ));
  it('drops the notice at v17', () => assert.equal(text(blocked, 17), 'BLOCKED reason=spam'));
  it('carries notice={"ttl":n} at v18 (aeson ClientNotice)', () => {
    assert.equal(
      hex(encodeBrokerMsg(18, { tag: 'ERR', error: blocked })),
      hex(te('ERR BLOCKED reason=spam,notice={"ttl":3600}')),
    );
  });
  it('writes an indefinite notice as {}', () => {
    assert.equal(
      text({ type: 'BLOCKED', info: { reason: 'content', notice: {} } }),
      'BLOCKED reason=content,notice={}',
    );
  });
  it('does not downgrade an error nested in PROXY PROTOCOL (upstream only rewrites the top level)', () => {
    assert.equal(
      text({ type: 'PROXY', proxy: { type: 'PROTOCOL', error: blocked } }, 11),
      'PROXY PROTOCOL BLOCKED reason=spam,notice={"ttl":3600}',
    );
  });
  it('accepts JSON with spaces, null ttl and unknown fields, as aeson does', () => {
    assert.deepEqual(
      decodeErrorTypeBytes(te('BLOCKED reason=spam,notice= {"ttl" : null, "x": 1} ')),
      {
        type: 'BLOCKED',
        info: { reason: 'spam', notice: {} },
      },
    );
  });
  it('rejects a fractional ttl, bad JSON and an unknown reason', () => {
    for (const s of [
      'BLOCKED reason=spam,notice={"ttl":1.5}',
      'BLOCKED reason=spam,notice={',
      'BLOCKED reason=other',
      'BLOCKED reason=spam,',
    ]) {
      assert.throws(() => decodeErrorTypeBytes(te(s)), ParseError, s);
    }
  });
});

describe('error texts', () => {
  it('CMD codes, and legacy NO_QUEUE read as NO_ENTITY', () => {
    assert.equal(text({ type: 'CMD', cmd: 'NO_ENTITY' }), 'CMD NO_ENTITY');
    assert.deepEqual(decodeErrorTypeBytes(te('CMD NO_QUEUE')), { type: 'CMD', cmd: 'NO_ENTITY' });
  });
  it('RESPONSE/UNEXPECTED texts are short strings (length byte), truncated to 255 bytes', () => {
    const e = (t: string): ErrorType => ({
      type: 'PROXY',
      proxy: { type: 'BROKER', broker: { type: 'RESPONSE', text: t } },
    });
    assert.equal(hex(encodeErrorTypeBytes(18, e('bad'))), hex(te('PROXY BROKER RESPONSE \x03bad')));
    assert.equal(
      encodeErrorTypeBytes(18, e('x'.repeat(300))).length,
      'PROXY BROKER RESPONSE '.length + 1 + 255,
    );
  });
  it('NETWORK is written bare but read with an optional detail', () => {
    const e: ErrorType = { type: 'PROXY', proxy: { type: 'BROKER', broker: { type: 'NETWORK' } } };
    assert.equal(text(e), 'PROXY BROKER NETWORK');
    assert.deepEqual(decodeErrorTypeBytes(te('PROXY BROKER NETWORK CONNECT \x02ab')), e);
    assert.deepEqual(decodeErrorTypeBytes(te('PROXY BROKER NETWORK FAILED')), e);
    assert.throws(() => decodeErrorTypeBytes(te('PROXY BROKER NETWORK X')), ParseError);
  });
  it('TRANSPORT HANDSHAKE subcodes', () => {
    const e: ErrorType = {
      type: 'PROXY',
      proxy: {
        type: 'BROKER',
        broker: { type: 'TRANSPORT', transport: { type: 'HANDSHAKE', handshake: 'IDENTITY' } },
      },
    };
    assert.equal(text(e), 'PROXY BROKER TRANSPORT HANDSHAKE IDENTITY');
    assert.deepEqual(decodeErrorTypeBytes(te('PROXY BROKER TRANSPORT VERSION')), {
      type: 'PROXY',
      proxy: { type: 'BROKER', broker: { type: 'TRANSPORT', transport: { type: 'VERSION' } } },
    });
  });
  it('STORE text is UTF-8 to the end; invalid bytes read as ?', () => {
    assert.equal(
      hex(encodeErrorTypeBytes(18, { type: 'STORE', text: 'é x' })),
      hex(te('STORE é x')),
    );
    assert.deepEqual(decodeErrorTypeBytes(Uint8Array.from([...te('STORE a'), 0xff, 0x62])), {
      type: 'STORE',
      text: 'a?b',
    });
    assert.deepEqual(decodeErrorTypeBytes(te('STORE ')), { type: 'STORE', text: '' });
  });
  it('rejects trailing bytes, unknown codes and the internal DUPLICATE_', () => {
    for (const s of ['AUTH ', 'AUTH x', 'CMD', 'CMD FOO', 'DUPLICATE_', 'STORE', 'PROXY', '']) {
      assert.throws(() => decodeErrorTypeBytes(te(s)), ParseError, s);
    }
  });
});
