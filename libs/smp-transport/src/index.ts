// Public API of @simplex-relay/smp-transport: SMP over Node TLS sockets, both sides. Byte-level
// codecs are the protocol library's; this library owns sockets, deadlines and certificate checks.
export { TimeoutError, ConnectionClosedError } from './errors.ts';
export { BlockSocket } from './block-socket.ts';
export type { BlockSocketOptions } from './block-socket.ts';
export {
  SMP_TLS_CIPHERS,
  SMP_TLS_SIGALGS,
  SMP_TLS_CURVES,
  SMP_ALPN,
  SMP_SERVER_ALPN,
  SMP_DEFAULT_PORT,
  SMP_KEEPALIVE_IDLE_MS,
  tlsClientOptions,
} from './tls-options.ts';
export type { TlsClientTarget } from './tls-options.ts';
export { peerCertificateChain, validateServerChain } from './server-chain.ts';
export {
  SmpConnection,
  SmpServerConnection,
  SmpClientConnection,
  sessionParams,
} from './connection.ts';
export type {
  SmpSessionParams,
  SendReport,
  ReceivedBlock,
  ServerTransmission,
} from './connection.ts';
export { serverHandshake, SERVER_HANDSHAKE_TIMEOUT_MS } from './server-handshake.ts';
export type { ServerHandshakeOptions } from './server-handshake.ts';
export { clientHandshake, CLIENT_HANDSHAKE_TIMEOUT_MS } from './client-handshake.ts';
export type { ClientHandshakeOptions } from './client-handshake.ts';
