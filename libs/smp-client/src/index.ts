// Public API of @simplex-relay/smp-client: an SMP client over TLS for tests, load generators and the
// CLI. Wire codecs are @simplex-relay/protocol's, sockets and handshakes @simplex-relay/smp-transport's.
export { SmpClient } from './smp-client.ts';
export type {
  ReceivedMessage,
  CreateQueueRequest,
  CreatedQueue,
  SubscribeRequest,
  SubscribeResult,
  LinkResponse,
} from './smp-client.ts';
export {
  SmpClientCore,
  openConnection,
  expectResponse,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_COMMAND_TIMEOUT_MS,
} from './client-core.ts';
export type {
  SmpClientOptions,
  SmpEvent,
  CommandRequest,
  CommandResult,
  OpenedConnection,
} from './client-core.ts';
export {
  ConnectError,
  SmpError,
  UnexpectedResponseError,
  TimeoutError,
  ConnectionClosedError,
} from './errors.ts';
export { authorizeCommand } from './authorize.ts';
export { connectProxiedRelay, proxyCommand } from './proxy.ts';
export type { ProxiedRelay, ProxySessionOptions } from './proxy.ts';
export {
  rcvDhSecret,
  rcvNtfDhSecret,
  decryptRcvMessage,
  decryptNMsgMeta,
  senderIdForCorrId,
} from './messages.ts';
export { HandshakeError, TransportError } from '@simplex-relay/protocol';
