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

/**
 * XFTP server ALPN list in preference order (spec xftp.md §3.4, upstream `xftpALPNv1` + `httpALPN`).
 * Whatever is agreed, the connection speaks HTTP/2.
 */
export const XFTP_SERVER_ALPN: readonly string[] = ['xftp/1', 'h2', 'http/1.1'];
/**
 * The parameter set of a server with a web certificate (upstream `defaultSupportedParamsHTTPS`,
 * spec xftp.md §3.1): AES-GCM and ChaCha20 suites for browsers; it applies to every connection,
 * native ones too, as upstream does. P-256/P-384 are added to upstream's groups for browsers
 * (more permissive than upstream, which §3.1 allows).
 */
export const HTTPS_TLS_CIPHERS = [
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');
/** Key exchange groups with a web certificate. */
export const HTTPS_TLS_GROUPS = 'X25519:X448:P-256:P-384:P-521:ffdhe4096:ffdhe6144:ffdhe8192';
/**
 * Signature schemes with a web certificate. Node's SNI switch adds the web certificate to the
 * connection beside the XFTP one (one slot per key type) and OpenSSL picks the first scheme of
 * this list (server preference) it has a certificate for: so ECDSA/RSA come first, and SNI clients
 * get the web certificate while clients without SNI, which only have the EdDSA one, get that.
 */
export const HTTPS_TLS_SIGALGS = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha384',
  'rsa_pss_pss_sha512',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
  'ed448',
  'ed25519',
].join(':');

/**
 * Options for the XFTP server's `tls.createServer`: the SMP parameter set and chain
 * (`defaultSupportedParams`), or with `https` the browser-capable set of
 * `defaultSupportedParamsHTTPS` (upstream switches the whole server when `[WEB] cert` is set).
 * The caller adds `SNICallback` for the web certificate.
 */
export function xftpTlsServerOptions(creds: TlsCredentials, https: boolean): TlsOptions {
  const base = tlsServerOptions(creds);
  return {
    ...base,
    ALPNProtocols: [...XFTP_SERVER_ALPN],
    ...(https && {
      ciphers: HTTPS_TLS_CIPHERS,
      ecdhCurve: HTTPS_TLS_GROUPS,
      sigalgs: HTTPS_TLS_SIGALGS,
    }),
  };
}
