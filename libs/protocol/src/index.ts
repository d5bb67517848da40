// Public API of @simplex-relay/protocol: pure TypeScript SMP codecs and crypto over Uint8Array.
// Spec digest: shared/spec/smp.md. Upstream: simplexmq `src/Simplex/Messaging/*`.
export {
  ParseError,
  TransportError,
  TransportErrorCode,
  HandshakeError,
  HandshakeErrorCode,
  CryptoError,
} from './errors.ts';
export * from './encoding/index.ts';
export * from './version/index.ts';
export * from './crypto/index.ts';
export * from './transport/index.ts';
export * from './smp/index.ts';
export * from './xftp/index.ts';
