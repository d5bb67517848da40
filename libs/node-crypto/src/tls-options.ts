// Node `tls.createServer` options for an SMP relay, spec smp.md §3.1 and §3.3, matching upstream
// `Transport.hs: defaultSupportedParams` and `Transport/Server.hs: supportedTLSServerParams`.
import { constants } from 'node:crypto';
import type { TlsOptions } from 'node:tls';

/** Server ALPN list in preference order (`alpnSupportedSMPHandshakes` + `httpALPN`). */
export const SMP_SERVER_ALPN: readonly string[] = ['smp/1', 'h2', 'http/1.1'];
/** TLS 1.3 ChaCha20-Poly1305, and ECDHE-ECDSA-ChaCha20-Poly1305 for TLS 1.2 (EdDSA certificates). */
export const SMP_TLS_CIPHERS = 'TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-CHACHA20-POLY1305';
/** Key exchange groups, X448 preferred. */
export const SMP_TLS_GROUPS = 'X448:X25519';
/** Signature schemes: EdDSA only, so the certificate keys must be Ed448 or Ed25519. */
export const SMP_TLS_SIGALGS = 'ed448:ed25519';
/** TLS setup must finish within 60 s (`mkTransportServerConfig: tlsSetupTimeout`). */
export const TLS_HANDSHAKE_TIMEOUT_MS = 60_000;

/** The PEM files the TLS server presents. */
export interface TlsCredentials {
  readonly serverKeyPem: string;
  readonly serverCertPem: string;
  readonly caCertPem: string;
}

/**
 * Options for `tls.createServer`: chain `[server.crt, ca.crt]`, TLS 1.2–1.3, no client certificate
 * request (service certificates, §3.5, are not supported), no session resumption, no renegotiation.
 */
export function tlsServerOptions(creds: TlsCredentials): TlsOptions {
  return {
    key: creds.serverKeyPem,
    // One PEM string, leaf first: Node presents the following certificates as the chain (§3.2).
    cert: `${creds.serverCertPem.trimEnd()}\n${creds.caCertPem}`,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: SMP_TLS_CIPHERS,
    ecdhCurve: SMP_TLS_GROUPS,
    sigalgs: SMP_TLS_SIGALGS,
    honorCipherOrder: true,
    // Selected by server preference among the client's offers; no match is a fatal alert.
    ALPNProtocols: [...SMP_SERVER_ALPN],
    requestCert: false,
    rejectUnauthorized: false,
    // Clients never resume (§3.1): no tickets, and with no session store (Node registers no
    // 'resumeSession' handler here) stateful resumption is impossible too.
    secureOptions: constants.SSL_OP_NO_TICKET | constants.SSL_OP_NO_RENEGOTIATION,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
    // Nagle off: a block written behind an unacknowledged one (MSG after ACK's OK) waited ~40 ms.
    noDelay: true,
  };
}
