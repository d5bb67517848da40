// Builds the gateway's TLS options and handshake identity from checked server credentials
// (node-crypto `loadServerCredentials`/`checkServerCredentials`, spec smp.md §3.1–§3.3, §4.2).
import type { TlsOptions } from 'node:tls';
import { tlsServerOptions } from '@simplex-relay/node-crypto';
import type { CheckedCredentials } from '@simplex-relay/node-crypto';
import { certFingerprint, nobleProvider } from '@simplex-relay/protocol';
import type { GatewayIdentity } from './options.ts';

/** `tls` and `identity` for GatewayOptions from one credential set. */
export function gatewayTlsFromCredentials(creds: CheckedCredentials): {
  tls: TlsOptions;
  identity: GatewayIdentity;
} {
  const [leaf, ca] = creds.chainDer;
  return {
    tls: tlsServerOptions(creds),
    identity: {
      keyHash: certFingerprint(nobleProvider, ca),
      certChain: [leaf, ca],
      signKey: creds.serverSignKey,
    },
  };
}
