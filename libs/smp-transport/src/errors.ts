// Failures of the socket layer that the protocol library has no class for (house style §6.2): a
// read or handshake that ran out of time, and I/O on a connection that is already gone. Codec,
// transport and handshake failures use the protocol library's ParseError/TransportError/HandshakeError.

/** An operation did not complete within its time limit (handshake, block read, command). */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(message = 'timed out', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The connection was closed (by either side, or by a socket error given as `cause`). */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  constructor(message = 'connection closed', options?: { cause?: unknown }) {
    super(message, options);
  }
}
