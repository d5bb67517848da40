// TLS parameters of SMP (spec smp.md §3.1, §3.3): both sides use upstream `Transport.hs:
// defaultSupportedParams`; clients send no SNI (`Client.hs: defaultSMPClientConfig`, `useSNI = False`)
// and check the server chain themselves after the TLS handshake (`Transport/Client.hs:
// validateCertificateChain`, here done by `validateServerChain`).
import type { ConnectionOptions } from 'node:tls';
import { SMP_TLS_CIPHERS, SMP_TLS_GROUPS, SMP_TLS_SIGALGS } from '@simplex-relay/node-crypto';

// The cipher, group and signature lists are the server's (node-crypto), so both sides agree.
export { SMP_SERVER_ALPN, SMP_TLS_CIPHERS, SMP_TLS_SIGALGS } from '@simplex-relay/node-crypto';
/** Key-exchange groups, X448 first as upstream clients list them. */
export const SMP_TLS_CURVES = SMP_TLS_GROUPS;
/** The ALPN value SMP clients offer (upstream `alpnSupportedSMPHandshakes`). */
export const SMP_ALPN = 'smp/1';
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
