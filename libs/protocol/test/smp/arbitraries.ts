// fast-check arbitraries for SMP commands, broker messages and errors, plus the per-version model
// of which fields survive encoding (the test-side statement of spec smp.md §7.2, §7.7, §7.12).
import fc from 'fast-check';
import type {
  BrokerMsg,
  Command,
  ErrorType,
  PublicKey,
  QueueIdsKeys,
  QueueReqData,
  SmpServer,
  TransportHost,
} from '../../src/index.ts';

export const VERSIONS = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18] as const;

const key = (alg: PublicKey['alg'], n: number): fc.Arbitrary<PublicKey> =>
  fc.uint8Array({ minLength: n, maxLength: n }).map((raw) => ({ alg, raw }));
export const dhKey = key('x25519', 32);
export const authKey = fc.oneof(key('ed25519', 32), key('ed448', 57), key('x25519', 32));
export const id = fc.uint8Array({ maxLength: 32 });
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(a, { nil: undefined });
const basicAuthBytes = [
  ...Array.from({ length: 0x7f - 0x21 }, (_, i) => 0x21 + i).filter(
    (c) => c !== 0x40 && c !== 0x3a && c !== 0x2f,
  ),
  ...Array.from({ length: 0x100 - 0xa1 }, (_, i) => 0xa1 + i).filter((c) => c !== 0xad),
];
export const basicAuth = fc
  .array(fc.constantFrom(...basicAuthBytes), { maxLength: 24 })
  .map((xs) => Uint8Array.from(xs));
const linkData = fc.record({
  fixedData: fc.uint8Array({ maxLength: 300 }),
  userData: fc.uint8Array({ maxLength: 300 }),
});

const queueReqData: fc.Arbitrary<QueueReqData> = fc.oneof(
  opt(fc.record({ senderId: id, data: linkData })).map((link): QueueReqData => ({
    mode: 'messaging',
    link,
  })),
  opt(fc.record({ linkId: id, senderId: id, data: linkData })).map((link): QueueReqData => ({
    mode: 'contact',
    link,
  })),
);

const lower = 'abcdefghijklmnopqrstuvwxyz';
const word = (chars: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((xs) => xs.join(''));
export const transportHost: fc.Arbitrary<TransportHost> = fc.oneof(
  fc
    .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
    .map((o) => ({ kind: 'ipv4' as const, host: o.join('.') })),
  fc
    .tuple(word(lower, 1, 10), fc.option(word(lower + '0123456789-', 1, 8)), word(lower, 2, 5))
    .map(([a, b, c]) => ({
      kind: 'domain' as const,
      host: [a, b, c].filter((x) => x !== null).join('.'),
    })),
  word(lower + '234567', 5, 56).map((h) => ({ kind: 'onion' as const, host: `${h}.onion` })),
  fc
    .constantFrom('::1', '2001:db8::1', 'fe80::a:b:c:d', '1:2:3:4:5:6:7:8', '::')
    .map((h) => ({ kind: 'ipv6' as const, host: h })),
);
export const smpServer: fc.Arbitrary<SmpServer> = fc.record({
  hosts: fc
    .array(transportHost, { minLength: 1, maxLength: 3 })
    .map((hs) => hs as unknown as SmpServer['hosts']),
  port: fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 65535 }).map(String)),
  keyHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
});

export const command: fc.Arbitrary<Command> = fc.oneof(
  fc
    .record({
      rcvAuthKey: authKey,
      rcvDhKey: dhKey,
      basicAuth: opt(basicAuth),
      subMode: fc.constantFrom('subscribe' as const, 'onlyCreate' as const),
      queueReqData: opt(queueReqData),
      ntfCreds: opt(fc.record({ notifierKey: authKey, rcvNtfDhKey: dhKey })),
    })
    .map((req): Command => ({ tag: 'NEW', req })),
  fc.constantFrom<Command>(
    ...(
      [
        'SUB',
        'SUBS',
        'LDEL',
        'NDEL',
        'GET',
        'OFF',
        'DEL',
        'QUE',
        'PING',
        'LGET',
        'NSUB',
        'NSUBS',
      ] as const
    ).map((tag) => ({ tag }) as Command),
  ),
  fc
    .tuple(fc.constantFrom('KEY' as const, 'SKEY' as const, 'LKEY' as const), authKey)
    .map(([tag, senderKey]): Command => ({ tag, senderKey })),
  fc
    .array(authKey, { minLength: 1, maxLength: 4 })
    .map((ks): Command => ({ tag: 'RKEY', recipientKeys: ks as [PublicKey, ...PublicKey[]] })),
  fc.record({ linkId: id, data: linkData }).map((r): Command => ({ tag: 'LSET', ...r })),
  fc
    .record({ notifierKey: authKey, rcvNtfDhKey: dhKey })
    .map((r): Command => ({ tag: 'NKEY', ...r })),
  id.map((msgId): Command => ({ tag: 'ACK', msgId })),
  fc
    .record({ notification: fc.boolean(), body: fc.uint8Array({ maxLength: 400 }) })
    .map(({ notification, body }): Command => ({ tag: 'SEND', flags: { notification }, body })),
  fc
    .record({ server: smpServer, basicAuth: opt(basicAuth) })
    .map((r): Command => ({ tag: 'PRXY', ...r })),
  fc
    .record({
      fwdVersion: fc.integer({ min: 0, max: 0xffff }),
      commandKey: dhKey,
      encTransmission: fc.uint8Array({ maxLength: 400 }),
    })
    .map((r): Command => ({ tag: 'PFWD', ...r })),
  fc
    .uint8Array({ maxLength: 400 })
    .map((encFwdTransmission): Command => ({ tag: 'RFWD', encFwdTransmission })),
);

const latin1 = fc
  .array(fc.integer({ min: 0, max: 255 }), { maxLength: 255 })
  .map((xs) => String.fromCharCode(...xs));
const transportErr = fc.oneof(
  fc
    .constantFrom(...(['BLOCK', 'VERSION', 'LARGE_MSG', 'SESSION', 'NO_AUTH'] as const))
    .map((type) => ({ type })),
  fc
    .constantFrom(...(['PARSE', 'IDENTITY', 'BAD_AUTH', 'BAD_SERVICE'] as const))
    .map((handshake) => ({ type: 'HANDSHAKE' as const, handshake })),
);
const simpleErrors = [
  'BLOCK',
  'SESSION',
  'AUTH',
  'SERVICE',
  'CRYPTO',
  'QUOTA',
  'NO_MSG',
  'LARGE_MSG',
  'EXPIRED',
  'INTERNAL',
] as const;
export const errorType: fc.Arbitrary<ErrorType> = fc.letrec<{ e: ErrorType }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...simpleErrors).map((type): ErrorType => ({ type })),
    fc
      .constantFrom(
        ...(['UNKNOWN', 'SYNTAX', 'PROHIBITED', 'NO_AUTH', 'HAS_AUTH', 'NO_ENTITY'] as const),
      )
      .map((cmd): ErrorType => ({ type: 'CMD', cmd })),
    fc
      .record({
        reason: fc.constantFrom('spam' as const, 'content' as const),
        notice: opt(fc.record({ ttl: opt(fc.integer({ min: -1e12, max: 1e12 })) })),
      })
      .map((info): ErrorType => ({ type: 'BLOCKED', info })),
    fc
      .string({ unit: 'grapheme', maxLength: 40 })
      .map((text): ErrorType => ({ type: 'STORE', text })),
    fc.oneof(
      tie('e').map((error): ErrorType => ({ type: 'PROXY', proxy: { type: 'PROTOCOL', error } })),
      fc
        .constantFrom('BASIC_AUTH' as const, 'NO_SESSION' as const)
        .map((type): ErrorType => ({ type: 'PROXY', proxy: { type } })),
      fc
        .oneof(
          fc
            .tuple(fc.constantFrom('RESPONSE' as const, 'UNEXPECTED' as const), latin1)
            .map(([type, text]) => ({ type, text })),
          transportErr.map((transport) => ({ type: 'TRANSPORT' as const, transport })),
          fc
            .constantFrom(...(['NETWORK', 'TIMEOUT', 'HOST', 'NO_SERVICE'] as const))
            .map((type) => ({ type })),
        )
        .map((broker): ErrorType => ({ type: 'PROXY', proxy: { type: 'BROKER', broker } })),
    ),
  ),
})).e;

const der = fc.uint8Array({ maxLength: 300 }).map((body) => {
  const len =
    body.length < 0x80
      ? [body.length]
      : body.length < 0x100
        ? [0x81, body.length]
        : [0x82, body.length >> 8, body.length & 0xff];
  return Uint8Array.from([0x30, ...len, ...body]);
});

const queueIds: fc.Arbitrary<QueueIdsKeys> = fc.record({
  rcvId: id,
  sndId: id,
  rcvPublicDhKey: dhKey,
  queueMode: opt(fc.constantFrom('messaging' as const, 'contact' as const)),
  linkId: opt(id),
  serviceId: opt(id),
  serverNtfCreds: opt(fc.record({ notifierId: id, srvNtfDhKey: dhKey })),
});

const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
export const brokerMsg: fc.Arbitrary<BrokerMsg> = fc.oneof(
  queueIds.map((ids): BrokerMsg => ({ tag: 'IDS', ids })),
  fc.record({ senderId: id, data: linkData }).map((r): BrokerMsg => ({ tag: 'LNK', ...r })),
  opt(id).map((serviceId): BrokerMsg => ({ tag: 'SOK', serviceId })),
  fc
    .tuple(fc.constantFrom('SOKS' as const, 'ENDS' as const), int64)
    .map(([tag, count]): BrokerMsg => ({ tag, count })),
  fc
    .record({ msgId: id, encBody: fc.uint8Array({ maxLength: 400 }) })
    .map((r): BrokerMsg => ({ tag: 'MSG', ...r })),
  fc.record({ notifierId: id, srvNtfDhKey: dhKey }).map((r): BrokerMsg => ({ tag: 'NID', ...r })),
  fc
    .record({
      nonce: fc.uint8Array({ minLength: 24, maxLength: 24 }),
      encMeta: fc.uint8Array({ maxLength: 200 }),
    })
    .map((r): BrokerMsg => ({ tag: 'NMSG', ...r })),
  fc
    .record({
      sessionId: id,
      vr: fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })),
      certChain: fc.array(der, { minLength: 1, maxLength: 3 }),
      signedKey: der,
    })
    .map(({ sessionId, vr, certChain, signedKey }): BrokerMsg => ({
      tag: 'PKEY',
      sessionId,
      versionRange: { min: Math.min(...vr), max: Math.max(...vr) },
      certKey: { certChain, signedKey },
    })),
  fc
    .uint8Array({ maxLength: 400 })
    .map((encFwdResponse): BrokerMsg => ({ tag: 'RRES', encFwdResponse })),
  fc.uint8Array({ maxLength: 400 }).map((encResponse): BrokerMsg => ({ tag: 'PRES', encResponse })),
  fc.constantFrom<BrokerMsg>({ tag: 'END' }, { tag: 'DELD' }, { tag: 'OK' }, { tag: 'PONG' }),
  fc
    .record({
      hasSender: fc.boolean(),
      hasNotifier: fc.boolean(),
      sub: opt(
        fc.record({
          subThread: fc.constantFrom(
            'noSub' as const,
            'subPending' as const,
            'subThread' as const,
            'prohibitSub' as const,
          ),
          delivered: opt(fc.uint8Array({ minLength: 1, maxLength: 24 })),
        }),
      ),
      size: fc.nat(100000),
      msg: opt(
        fc.record({
          msgId: fc.uint8Array({ minLength: 1, maxLength: 24 }),
          ts: fc.bigInt({ min: 0n, max: 253402300799n }),
          type: fc.constantFrom('message' as const, 'quota' as const),
        }),
      ),
    })
    .map((info): BrokerMsg => ({ tag: 'INFO', info })),
  errorType.map((error): BrokerMsg => ({ tag: 'ERR', error })),
);

/** Deep copy without undefined-valued keys, so optional fields compare equal to absent ones. */
export function strip<T>(x: T): T {
  if (x instanceof Uint8Array || typeof x !== 'object' || x === null) return x;
  if (Array.isArray(x)) return x.map(strip) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) if (v !== undefined) out[k] = strip(v);
  return out as T;
}

/** What a command looks like after an encode/decode round trip at version `v` (§7.2). */
export function expectedCommand(v: number, c: Command): Command {
  if (c.tag !== 'NEW') return strip(c);
  const r = c.req;
  if (v < 9)
    return strip({ tag: 'NEW', req: { ...r, queueReqData: undefined, ntfCreds: undefined } });
  if (v < 15) {
    const queueReqData: QueueReqData = {
      mode: r.queueReqData?.mode === 'messaging' ? 'messaging' : 'contact',
    };
    return strip({ tag: 'NEW', req: { ...r, queueReqData, ntfCreds: undefined } });
  }
  if (v < 17) return strip({ tag: 'NEW', req: { ...r, ntfCreds: undefined } });
  return strip(c);
}

/** The error a client at version `v` receives (§7.12 BLOCKED downgrade; nested errors untouched). */
export function expectedError(v: number, e: ErrorType): ErrorType {
  if (e.type === 'BLOCKED') {
    if (v < 12) return { type: 'AUTH' };
    if (v < 18) return strip({ type: 'BLOCKED', info: { reason: e.info.reason } });
  }
  return strip(e);
}

/** What a broker message looks like after a round trip at version `v`. */
export function expectedBrokerMsg(v: number, m: BrokerMsg): BrokerMsg {
  switch (m.tag) {
    case 'IDS': {
      const i = m.ids;
      if (v < 9)
        return strip({
          tag: 'IDS',
          ids: { rcvId: i.rcvId, sndId: i.sndId, rcvPublicDhKey: i.rcvPublicDhKey },
        });
      if (v < 15)
        return strip({
          tag: 'IDS',
          ids: {
            rcvId: i.rcvId,
            sndId: i.sndId,
            rcvPublicDhKey: i.rcvPublicDhKey,
            queueMode: i.queueMode === 'messaging' ? 'messaging' : 'contact',
          },
        });
      if (v < 16)
        return strip({
          tag: 'IDS',
          ids: { ...i, serviceId: undefined, serverNtfCreds: undefined },
        });
      if (v < 17) return strip({ tag: 'IDS', ids: { ...i, serverNtfCreds: undefined } });
      return strip(m);
    }
    case 'SOK':
      return v < 16 ? { tag: 'OK' } : strip(m);
    case 'DELD':
      return v < 10 ? { tag: 'END' } : m;
    case 'ERR':
      return { tag: 'ERR', error: expectedError(v, m.error) };
    default:
      return strip(m);
  }
}
