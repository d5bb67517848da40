// The gateway suite over a real nats-server (NATS_URL or 127.0.0.1:4222), with a subject prefix
// unique to each test so runs sharing the server never see each other's traffic.
import { NatsTransport } from '@simplex-relay/bus';
import { testSubjectPrefix } from '@simplex-relay/testing';
import { gatewaySuite } from './support/gateway-suite.ts';

const url = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

gatewaySuite(
  'NATS',
  () => NatsTransport.connect({ url, name: 'gateway-tests' }),
  () => testSubjectPrefix('gw'),
);
