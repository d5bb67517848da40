// TLS parameters of SMP (spec smp.md §3.1, §3.3): both sides use upstream `Transport.hs:
// defaultSupportedParams`; clients send no SNI (`Client.hs: defaultSMPClientConfig`, `useSNI = False`)
// and check the server chain themselves after the TLS handshake (`Transport/Client.hs:
// validateCertificateChain`, here done by `validateServerChain`).
import type { ConnectionOptions } from 'node:tls';

/** TLS 1.3 CHACHA20-POLY1305 and its TLS 1.2 ECDSA(EdDSA) counterpart, nothing else. */
export const SMP_TLS_CIPHERS = 'TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-CHACHA20-POLY1305';
/** Certificate signature schemes: Ed448 and Ed25519 only. */
export const SMP_TLS_SIGALGS = 'ed448:ed25519';
/** Key-exchange groups, X448 first as upstream clients list them. */
export const SMP_TLS_CURVES = 'X448:X25519';
/** The ALPN value SMP clients offer (upstream `alpnSupportedSMPHandshakes`). */
export const SMP_ALPN = 'smp/1';
/** Server ALPN list in preference order (§3.3): SMP first, then the HTTP values of web-port clients. */
export const SMP_SERVER_ALPN: readonly string[] = [SMP_ALPN, 'h2', 'http/1.1'];
/** TCP keep-alive idle time of clients (§3.6, upstream `defaultKeepAliveOpts`); set with `setKeepAlive`. */
export const SMP_KEEPALIVE_IDLE_MS = 30_000;
/** Default SMP port. */
export const SMP_DEFAULT_PORT = 5223;

/** Where to connect. */
export interface TlsClientTarget {
  readonly host: string;
  readonly port: number;
  /** ALPN list to offer; default `['smp/1']`. An empty list offers none (for tests of §9.3). */
  readonly alpn?: readonly string[];
}

/**
 * Options for `tls.connect`. No `servername`: Node then sends no SNI at all, for domain names and
 * IP addresses alike. Certificate checks are off here because the SMP chain is not a WebPKI chain:
 * `clientHandshake` validates it against the address key hash (§3.2) before any block is exchanged.
 */
export function tlsClientOptions(t: TlsClientTarget): ConnectionOptions {
  const alpn = t.alpn ?? [SMP_ALPN];
  return {
    host: t.host,
    port: t.port,
    ...(alpn.length > 0 && { ALPNProtocols: [...alpn] }),
    ciphers: SMP_TLS_CIPHERS,
    sigalgs: SMP_TLS_SIGALGS,
    ecdhCurve: SMP_TLS_CURVES,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    rejectUnauthorized: false,
    // Hostname checks are disabled upstream too (`x509validate`: checkFQHN = False).
    checkServerIdentity: () => undefined,
  };
}
