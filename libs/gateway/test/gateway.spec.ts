// The gateway suite over the in-process bus (the one-process relay's transport).
import { InProcessTransport } from '@simplex-relay/bus';
import { testSubjectPrefix } from '@simplex-relay/testing';
import { gatewaySuite } from './support/gateway-suite.ts';

gatewaySuite(
  'in-process',
  async () => new InProcessTransport(),
  () => testSubjectPrefix('gw'),
);
