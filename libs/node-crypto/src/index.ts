// Public API of @simplex-relay/node-crypto: the native CryptoProvider (node:crypto + libsodium),
// server TLS credentials (offline CA + online certificate, like upstream `smp-server init`) and the
// TLS server options of spec smp.md §3.
export { nodeProvider, createNodeProvider } from './node-provider.ts';
export type { NodeProviderOptions } from './node-provider.ts';
export { sodiumSbCore } from './sb-core.ts';
export {
  createCertificates,
  createServerCertificate,
  checkServerCredentials,
  fingerprintOf,
  base64UrlPadded,
  CredentialsError,
  CA_SUBJECT,
  DEFAULT_CERT_ALGORITHM,
  DEFAULT_COMMON_NAME,
  DEFAULT_VALIDITY_DAYS,
} from './certs.ts';
export type { CertificateOptions, ServerCredentials, CheckedCredentials } from './certs.ts';
export {
  writeServerCredentials,
  loadServerCredentials,
  CredentialFile,
} from './credential-files.ts';
export type { WrittenCredentials } from './credential-files.ts';
export {
  tlsServerOptions,
  SMP_SERVER_ALPN,
  SMP_TLS_CIPHERS,
  SMP_TLS_GROUPS,
  SMP_TLS_SIGALGS,
  TLS_HANDSHAKE_TIMEOUT_MS,
  xftpTlsServerOptions,
  XFTP_SERVER_ALPN,
  HTTPS_TLS_CIPHERS,
  HTTPS_TLS_GROUPS,
  HTTPS_TLS_SIGALGS,
} from './tls-options.ts';
export type { TlsCredentials } from './tls-options.ts';
export { encodePem, decodePem, decodePemAll } from './pem.ts';
export {
  createWebCertificate,
  checkWebCredentials,
  loadWebCredentials,
  loadOrCreateWebCredentials,
  WebCredentialFile,
} from './web-cert.ts';
export type { WebCredentials, WebCertificateOptions } from './web-cert.ts';
