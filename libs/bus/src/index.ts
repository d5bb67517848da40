// Public API of @simplex-relay/bus: the gateway ↔ queue-store contract.
export * from './contract.ts';
export {
  encodeStoreRequest,
  decodeStoreRequest,
  encodeGatewayInbound,
  decodeGatewayInbound,
  encodeStoreHeartbeat,
  decodeStoreHeartbeat,
  encodeGatewayHeartbeat,
  decodeGatewayHeartbeat,
  encodeAnswerParts,
  encodeEventParts,
  MAX_BUS_MESSAGE,
} from './codec.ts';
export {
  encodeOperatorRequest,
  decodeOperatorRequest,
  encodeOperatorAnswer,
  decodeOperatorAnswer,
} from './operator-codec.ts';
export {
  ShardRouter,
  DEFAULT_VSHARD_COUNT,
  SERVER_ID_LENGTH,
  expandRanges,
  parseRanges,
} from './sharding.ts';
export { Subjects } from './subjects.ts';
export type { BusTransport, BusMessage, BusHeaders, BusSubscription } from './transport.ts';
export { InProcessTransport } from './in-process-transport.ts';
export { NatsTransport, type NatsTransportOptions } from './nats-transport.ts';
