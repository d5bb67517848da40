// Units of the proxy role: the upstream `smpProxyError` mapping over our client's failures (the
// table the report lists) and the per-connection concurrency limiter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CryptoError,
  HandshakeError,
  ParseError,
  TransportError,
  bytesAscii,
  encodeErrorTypeBytes,
} from '@simplex-relay/protocol';
import type { ErrorType } from '@simplex-relay/protocol';
import {
  ConnectError,
  ConnectionClosedError,
  SmpError,
  TimeoutError,
  UnexpectedResponseError,
} from '@simplex-relay/smp-client';
import {
  IncompatibleHostError,
  connectFailure,
  forwardFailure,
  isTemporary,
} from '../src/proxy/proxy-errors.ts';
import { ProxyLimiter } from '../src/proxy/proxy-limiter.ts';
import { proxyOptions } from '../src/proxy/proxy-options.ts';

const text = (e: ErrorType): string => bytesAscii(encodeErrorTypeBytes(18, e));

describe('proxy error mapping (upstream smpProxyError)', () => {
  it('maps connection failures: network-level → NETWORK, handshake → TRANSPORT, onion-only → HOST', () => {
    const cases: [unknown, string][] = [
      [new ConnectError('refused'), 'PROXY BROKER NETWORK'],
      [new TimeoutError('connect'), 'PROXY BROKER NETWORK'],
      [new ConnectionClosedError('peer closed'), 'PROXY BROKER NETWORK'],
      // Upstream checks the chain inside TLS: a wrong identity is a TLS (network) failure there.
      [new HandshakeError('IDENTITY'), 'PROXY BROKER NETWORK'],
      [new HandshakeError('BAD_AUTH'), 'PROXY BROKER TRANSPORT HANDSHAKE BAD_AUTH'],
      [new HandshakeError('PARSE'), 'PROXY BROKER TRANSPORT HANDSHAKE PARSE'],
      [new ParseError('hello'), 'PROXY BROKER TRANSPORT HANDSHAKE PARSE'],
      [new TransportError('VERSION'), 'PROXY BROKER TRANSPORT VERSION'],
      [new TransportError('SESSION'), 'PROXY BROKER TRANSPORT SESSION'],
      [new IncompatibleHostError('onion'), 'PROXY BROKER HOST'],
      [new Error('anything else'), 'INTERNAL'],
    ];
    for (const [e, expected] of cases)
      assert.equal(text(connectFailure(e)), expected, (e as Error).name);
  });

  it('maps RFWD failures: relay ERR → PROTOCOL, bad answer → RESPONSE/UNEXPECTED, silence → TIMEOUT, box → CRYPTO', () => {
    const cases: [unknown, ErrorType][] = [
      [
        new SmpError({ type: 'AUTH' }, 'RFWD'),
        { type: 'PROXY', proxy: { type: 'PROTOCOL', error: { type: 'AUTH' } } },
      ],
      [
        new UnexpectedResponseError('RRES does not parse', 'RFWD', { type: 'BLOCK' }),
        { type: 'PROXY', proxy: { type: 'BROKER', broker: { type: 'RESPONSE', text: 'BLOCK' } } },
      ],
      [
        new UnexpectedResponseError('response does not parse', 'RFWD', {
          type: 'CMD',
          cmd: 'SYNTAX',
        }),
        {
          type: 'PROXY',
          proxy: { type: 'BROKER', broker: { type: 'RESPONSE', text: 'CMD SYNTAX' } },
        },
      ],
      [
        new UnexpectedResponseError('PONG', 'RFWD'),
        { type: 'PROXY', proxy: { type: 'BROKER', broker: { type: 'UNEXPECTED', text: 'PONG' } } },
      ],
      [
        new TimeoutError('no response'),
        { type: 'PROXY', proxy: { type: 'BROKER', broker: { type: 'TIMEOUT' } } },
      ],
      [
        new ConnectionClosedError('relay closed'),
        { type: 'PROXY', proxy: { type: 'BROKER', broker: { type: 'TIMEOUT' } } },
      ],
      [
        new TransportError('LARGE_MSG'),
        {
          type: 'PROXY',
          proxy: {
            type: 'BROKER',
            broker: { type: 'TRANSPORT', transport: { type: 'LARGE_MSG' } },
          },
        },
      ],
      [new CryptoError('tag'), { type: 'CRYPTO' }],
      [new RangeError('bug'), { type: 'INTERNAL' }],
    ];
    for (const [e, expected] of cases)
      assert.deepEqual(forwardFailure(e), expected, (e as Error).message);
  });

  it('counts NETWORK, TIMEOUT and INTERNAL as connection errors (temporaryClientError)', () => {
    assert.ok(isTemporary(connectFailure(new ConnectError('x'))));
    assert.ok(isTemporary(forwardFailure(new TimeoutError('x'))));
    assert.ok(isTemporary({ type: 'INTERNAL' }));
    assert.ok(!isTemporary(connectFailure(new TransportError('VERSION'))));
    assert.ok(!isTemporary(connectFailure(new IncompatibleHostError('x'))));
  });
});

describe('proxy options', () => {
  it('defaults to upstream values and refuses unusable ones', () => {
    const d = proxyOptions();
    assert.deepEqual(
      [d.allowSmpProxy, d.clientConcurrency, d.connectTimeoutMs, d.persistErrorMs],
      [true, 32, 45_000, 30_000],
    );
    assert.throws(() => proxyOptions({ clientConcurrency: 0 }), RangeError);
    assert.throws(() => proxyOptions({ connectTimeoutMs: 0 }), RangeError);
    assert.throws(() => proxyOptions({ persistErrorMs: -1 }), RangeError);
  });
});

describe(ProxyLimiter.name, () => {
  it('runs at most `limit` tasks, starts the rest in arrival order, and reports saturation', async () => {
    const order: number[] = [];
    const gates: (() => void)[] = [];
    let done = 0;
    const sut = new ProxyLimiter(2, () => done++);
    const task = (n: number) => () =>
      new Promise<void>((resolve) => {
        order.push(n);
        gates[n] = resolve;
      });
    assert.equal(sut.saturated, false);
    sut.run(task(0));
    sut.run(task(1));
    assert.equal(sut.saturated, true, 'both slots taken');
    sut.run(task(2));
    sut.run(task(3));
    assert.deepEqual(order, [0, 1], 'only two started');
    assert.equal(sut.running, 2);
    gates[1]?.();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [0, 1, 2], 'the oldest waiting task took the freed slot');
    assert.equal(done, 1);
    sut.clear();
    gates[0]?.();
    gates[2]?.();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [0, 1, 2], 'cleared tasks never start');
    assert.equal(sut.running, 0);
    assert.equal(sut.saturated, false);
  });

  it('frees the slot of a task that rejects', async () => {
    let done = 0;
    const sut = new ProxyLimiter(1, () => done++);
    sut.run(() => Promise.reject(new Error('boom')));
    await new Promise((r) => setImmediate(r));
    assert.equal(done, 1);
    assert.equal(sut.running, 0);
  });
});
