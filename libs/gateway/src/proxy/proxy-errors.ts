// What a proxy tells its client when the destination relay fails (spec smp.md §7.11.4, §7.12).
// Mirrors upstream `Client.hs: smpProxyError` over the failures our SMP client raises, each mapped
// from the upstream `ProtocolClientError` it stands for, and `temporaryClientError` for metrics.
import {
  CryptoError,
  HandshakeError,
  ParseError,
  TransportError,
  bytesAscii,
  currentSMPRelayVersion,
  encodeErrorTypeBytes,
} from '@simplex-relay/protocol';
import type { BrokerErrorType, ErrorType } from '@simplex-relay/protocol';
import {
  ConnectError,
  ConnectionClosedError,
  SmpError,
  TimeoutError,
  UnexpectedResponseError,
} from '@simplex-relay/smp-client';

/** The relay has no host this proxy can dial: only onion hosts and no SOCKS proxy (`PCEIncompatibleHost`). */
export class IncompatibleHostError extends Error {
  override readonly name = 'IncompatibleHostError';
}

const broker = (b: BrokerErrorType): ErrorType => ({
  type: 'PROXY',
  proxy: { type: 'BROKER', broker: b },
});
const NETWORK = broker({ type: 'NETWORK' });
const TIMEOUT = broker({ type: 'TIMEOUT' });
const INTERNAL: ErrorType = { type: 'INTERNAL' };

/** `PROXY BROKER TRANSPORT <code>`. */
export const transportErr = (e: TransportError): ErrorType =>
  broker({ type: 'TRANSPORT', transport: { type: e.code } });

/** Errors that come from reaching the relay rather than from what it said (`temporaryClientError`). */
export function isTemporary(e: ErrorType): boolean {
  if (e.type === 'INTERNAL') return true;
  return (
    e.type === 'PROXY' &&
    e.proxy.type === 'BROKER' &&
    (e.proxy.broker.type === 'NETWORK' || e.proxy.broker.type === 'TIMEOUT')
  );
}

/**
 * A failed connect (TLS + SMP handshake) to the relay. Upstream checks the certificate chain inside
 * TLS and runs the handshake under the connect timeout, so a wrong identity, an unreachable host, a
 * silent one or a peer closing early are all `PCENetworkError` → `PROXY BROKER NETWORK`; handshake
 * and version failures after TLS are `PCETransportError` → `PROXY BROKER TRANSPORT …`.
 */
export function connectFailure(e: unknown): ErrorType {
  if (e instanceof IncompatibleHostError) return broker({ type: 'HOST' });
  if (
    e instanceof ConnectError ||
    e instanceof TimeoutError ||
    e instanceof ConnectionClosedError ||
    (e instanceof HandshakeError && e.code === 'IDENTITY')
  )
    return NETWORK;
  if (e instanceof HandshakeError)
    return broker({ type: 'TRANSPORT', transport: { type: 'HANDSHAKE', handshake: e.code } });
  if (e instanceof TransportError) return transportErr(e);
  if (e instanceof ParseError)
    return broker({ type: 'TRANSPORT', transport: { type: 'HANDSHAKE', handshake: 'PARSE' } });
  return INTERNAL;
}

/**
 * A failed `RFWD` (upstream `forwardSMPTransmission` errors through `smpProxyError`): the relay's
 * `ERR e` → `PROXY PROTOCOL e`; an unparsable answer → `BROKER RESPONSE`; another answer →
 * `BROKER UNEXPECTED`; no answer → `BROKER TIMEOUT` (also when the relay connection drops: upstream's
 * request then waits out its timeout); a box that does not open → `CRYPTO`.
 */
export function forwardFailure(e: unknown): ErrorType {
  if (e instanceof SmpError) return { type: 'PROXY', proxy: { type: 'PROTOCOL', error: e.error } };
  if (e instanceof UnexpectedResponseError)
    return e.error !== undefined
      ? broker({ type: 'RESPONSE', text: errorText(e.error) })
      : broker({ type: 'UNEXPECTED', text: e.message.replace(/^\w+: /, '').slice(0, 32) });
  if (e instanceof TimeoutError || e instanceof ConnectionClosedError) return TIMEOUT;
  if (e instanceof TransportError) return transportErr(e);
  if (e instanceof CryptoError) return { type: 'CRYPTO' };
  return INTERNAL;
}

/** Upstream `strEncode` of an ErrorType (the same text as on the wire). */
const errorText = (e: ErrorType): string =>
  bytesAscii(encodeErrorTypeBytes(currentSMPRelayVersion, e));
