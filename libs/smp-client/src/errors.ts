// The client's failures (house style §6.2): connection setup, wire errors answered by the server, and
// responses the client cannot use. Timeouts and closed connections are smp-transport's classes
// (re-exported here), handshake and transport failures the protocol library's.
import { bytesAscii, currentSMPRelayVersion, encodeErrorTypeBytes } from '@simplex-relay/protocol';
import type { CommandTag, ErrorType } from '@simplex-relay/protocol';

export { TimeoutError, ConnectionClosedError } from '@simplex-relay/smp-transport';

/** TCP or TLS connection setup failed (refused, unreachable, TLS alert, timeout as `cause`). */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The server answered a command with `ERR`; `error` is the wire value (spec §7.12). */
export class SmpError extends Error {
  override readonly name = 'SmpError';
  constructor(
    readonly error: ErrorType,
    /** The command that was answered. */
    readonly command: CommandTag,
    options?: { cause?: unknown },
  ) {
    super(
      `${command}: ERR ${bytesAscii(encodeErrorTypeBytes(currentSMPRelayVersion, error))}`,
      options,
    );
  }
}

/**
 * The server's answer was not one the command allows (wrong tag or entity), or did not parse
 * (`error` then holds the client-side decode result, e.g. `CMD SYNTAX`). Upstream `PCEUnexpectedResponse`.
 */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  constructor(
    message: string,
    readonly command: CommandTag,
    readonly error?: ErrorType,
  ) {
    super(`${command}: ${message}`);
  }
}
