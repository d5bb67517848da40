// Server → client messages (spec smp.md §7): round trips at every version 8..18 with the
// version-dependent IDS/SOK/DELD/ERR forms, and hand-assembled IDS bytes per version.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkBrokerMsgCredentials,
  decodeBrokerMsg,
  encodeBrokerMsg,
  parseBrokerMsg,
} from '../../src/index.ts';
import type { BrokerMsg } from '../../src/index.ts';
import { hex, unhex } from '../helpers.ts';
import { brokerMsg, expectedBrokerMsg, VERSIONS } from './arbitraries.ts';
import { SAMPLE_DH_PUB_KEY_DER, sampleDhPubKey } from './fixtures.ts';

const A = (s: string): string => hex(new TextEncoder().encode(s));
const DH = '2c' + hex(SAMPLE_DH_PUB_KEY_DER);
const te = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('broker message round trips', () => {
  for (const v of VERSIONS) {
    it(`decodes every message encoded at v${v} to what that version carries`, () => {
      fc.assert(
        fc.property(brokerMsg, (m) => {
          assert.deepStrictEqual(
            decodeBrokerMsg(v, encodeBrokerMsg(v, m)),
            expectedBrokerMsg(v, m),
          );
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('IDS per version (spec §7.2)', () => {
  const ids = {
    rcvId: te('rcv'),
    sndId: te('snd'),
    rcvPublicDhKey: sampleDhPubKey,
    queueMode: 'messaging' as const,
    linkId: te('lnk'),
    serverNtfCreds: { notifierId: te('nid'), srvNtfDhKey: sampleDhPubKey },
  };
  const IDS: BrokerMsg = { tag: 'IDS', ids };
  const base = A('IDS ') + '03' + A('rcv') + '03' + A('snd') + DH;
  it('v8: ids and server DH key only', () => assert.equal(hex(encodeBrokerMsg(8, IDS)), base));
  it("v9: sndSecure 'T' for a messaging queue", () =>
    assert.equal(hex(encodeBrokerMsg(9, IDS)), base + A('T')));
  it('v14: sndSecure still the only extra field', () =>
    assert.equal(hex(encodeBrokerMsg(14, IDS)), base + A('T')));
  it('v15: Maybe queueMode and Maybe linkId', () =>
    assert.equal(hex(encodeBrokerMsg(15, IDS)), base + A('1M1') + '03' + A('lnk')));
  it('v16: plus Maybe serviceId', () =>
    assert.equal(hex(encodeBrokerMsg(16, IDS)), base + A('1M1') + '03' + A('lnk') + A('0')));
  it('v17: plus Maybe serverNtfCreds', () => {
    assert.equal(
      hex(encodeBrokerMsg(17, IDS)),
      base + A('1M1') + '03' + A('lnk') + A('01') + '03' + A('nid') + DH,
    );
  });
  it("v9–14 decode 'F' as a contact queue", () => {
    const m = decodeBrokerMsg(12, unhex(base + A('F')));
    assert.equal(m.tag === 'IDS' && m.ids.queueMode, 'contact');
  });
});

describe('version downgrades of events', () => {
  it('DELD is sent as END at v9 and as DELD at v10 (deletedEventSMPVersion)', () => {
    assert.equal(hex(encodeBrokerMsg(9, { tag: 'DELD' })), A('END'));
    assert.equal(hex(encodeBrokerMsg(10, { tag: 'DELD' })), A('DELD'));
  });
  it("SOK is 'SOK 0' at v16 and OK below (serviceCertsSMPVersion)", () => {
    assert.equal(hex(encodeBrokerMsg(16, { tag: 'SOK' })), A('SOK 0'));
    assert.equal(hex(encodeBrokerMsg(15, { tag: 'SOK' })), A('OK'));
    assert.equal(
      hex(encodeBrokerMsg(18, { tag: 'SOK', serviceId: te('s') })),
      A('SOK 1') + '01' + A('s'),
    );
  });
  it('ENDS and SOKS carry an Int64 count', () => {
    assert.equal(
      hex(encodeBrokerMsg(18, { tag: 'ENDS', count: 2n })),
      A('ENDS ') + '0000000000000002',
    );
  });
  it('NMSG is a raw 24-byte nonce then a short string', () => {
    const nonce = new Uint8Array(24).fill(7);
    assert.equal(
      hex(encodeBrokerMsg(18, { tag: 'NMSG', nonce, encMeta: Uint8Array.of(1) })),
      A('NMSG ') + '07'.repeat(24) + '0101',
    );
  });
  it('INFO carries upstream QueueInfo JSON field names', () => {
    const b = encodeBrokerMsg(18, {
      tag: 'INFO',
      info: {
        hasSender: true,
        hasNotifier: false,
        sub: { subThread: 'subThread', delivered: Uint8Array.of(0xfb, 0xff) },
        size: 1,
        msg: { msgId: Uint8Array.of(0xfb, 0xff), ts: 1700000000n, type: 'message' },
      },
    });
    assert.equal(
      new TextDecoder().decode(b),
      'INFO {"qiSnd":true,"qiNtf":false,"qiSub":{"qSubThread":"subThread","qDelivered":"+/8="},"qiSize":1,' +
        '"qiMsg":{"msgId":"+/8=","msgTs":"2023-11-14T22:13:20Z","msgType":"message"}}',
    );
    assert.equal(
      new TextDecoder().decode(
        encodeBrokerMsg(18, {
          tag: 'INFO',
          info: { hasSender: false, hasNotifier: false, size: 0 },
        }),
      ),
      'INFO {"qiSnd":false,"qiNtf":false,"qiSize":0}',
    );
  });
  it('an unknown broker tag is UNKNOWN and bad parameters SYNTAX', () => {
    const u = parseBrokerMsg(18, te('NEW x'));
    const s = parseBrokerMsg(18, te('OK '));
    assert.deepEqual([u.ok || u.error, s.ok || s.error], ['UNKNOWN', 'SYNTAX']);
  });
});

describe('client-side entity check (upstream checkCredentials @BrokerMsg)', () => {
  it('PONG, PKEY and RRES must have no entity; IDS and ERR may have any; others need one', () => {
    const e = new Uint8Array(0);
    const q = Uint8Array.of(1);
    assert.equal(checkBrokerMsgCredentials({ tag: 'PONG' }, e), undefined);
    assert.deepEqual(checkBrokerMsgCredentials({ tag: 'PONG' }, q), {
      type: 'CMD',
      cmd: 'HAS_AUTH',
    });
    assert.equal(checkBrokerMsgCredentials({ tag: 'ERR', error: { type: 'AUTH' } }, e), undefined);
    assert.deepEqual(checkBrokerMsgCredentials({ tag: 'OK' }, e), {
      type: 'CMD',
      cmd: 'NO_ENTITY',
    });
    assert.equal(checkBrokerMsgCredentials({ tag: 'OK' }, q), undefined);
  });
});
