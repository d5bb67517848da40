// Failures of the XFTP client (spec xftp.md §9, Appendix A1–A4) as one closed union, mirroring
// upstream `Messaging/Client.hs: ProtocolClientError XFTPErrorType` as `FileTransfer/Client.hs` uses
// it (`PCEProtocolError`, `PCEResponseError`, `PCEUnexpectedResponse`, `PCEResponseTimeout`,
// `PCENetworkError`, `PCETransportError`, `PCEIOError`), and the retry rule of
// `Client/Agent.hs: temporaryClientError` plus the agent's `ERR TIMEOUT` (spec §9).
import { encodeXFTPErrorTypeBytes } from '@simplex-relay/protocol';
import type {
  HandshakeErrorCode,
  TransportErrorCode,
  XFTPErrorType,
} from '@simplex-relay/protocol';

/** Everything an XFTP client operation can fail with. */
export type XftpClientError =
  /** The server answered `ERR` (`PCEProtocolError`). */
  | { readonly type: 'PROTOCOL'; readonly error: XFTPErrorType }
  /**
   * The response could not be used (`PCEResponseError`): a head that is not one block (`BLOCK`),
   * another session (`SESSION`), an unparsable response (`CMD UNKNOWN`/`SYNTAX`), a wrong entity
   * (`CMD HAS_AUTH`/`NO_ENTITY`, A1), or an FGET body that is too long or short (`SIZE`), fails its tag
   * (`CRYPTO`) or has another digest (`DIGEST`).
   */
  | { readonly type: 'RESPONSE'; readonly error: XFTPErrorType }
  /** A well-formed response the command does not allow (`PCEUnexpectedResponse`). */
  | { readonly type: 'UNEXPECTED'; readonly response: string }
  /** No response head, or no complete FGET body, within the time limit (`PCEResponseTimeout`, A4). */
  | { readonly type: 'TIMEOUT' }
  /** Connecting failed or the connection or stream broke (`PCENetworkError`). */
  | { readonly type: 'NETWORK'; readonly reason: string }
  /** A transport check failed (`PCETransportError`: `TEVersion`, `TEBadSession`, `TEBadBlock`, …). */
  | {
      readonly type: 'TRANSPORT';
      readonly code: TransportErrorCode;
      /** The server's padded bare error (§4.6), when that is what came instead of a handshake reply. */
      readonly serverError?: XFTPErrorType;
    }
  /** The server's identity or hello did not check out (`PCETransportError (TEHandshake …)`). */
  | {
      readonly type: 'HANDSHAKE';
      readonly code: HandshakeErrorCode;
      readonly serverError?: XFTPErrorType;
    }
  /** A local file could not be read or written (`PCEIOError`). */
  | { readonly type: 'IO'; readonly reason: string };

/** Text of a wire error, e.g. `CMD SYNTAX` or `AUTH`. */
export function xftpErrorText(e: XFTPErrorType): string {
  return new TextDecoder().decode(encodeXFTPErrorTypeBytes(e));
}

/** One-line description of a client error (no IDs, keys or addresses). */
export function describeXftpClientError(e: XftpClientError): string {
  switch (e.type) {
    case 'PROTOCOL':
      return `server error ${xftpErrorText(e.error)}`;
    case 'RESPONSE':
      return `bad response: ${xftpErrorText(e.error)}`;
    case 'UNEXPECTED':
      return `unexpected response ${e.response}`;
    case 'TIMEOUT':
      return 'response timeout';
    case 'NETWORK':
      return `network error: ${e.reason}`;
    case 'TRANSPORT':
    case 'HANDSHAKE': {
      const srv = e.serverError === undefined ? '' : ` (server: ${xftpErrorText(e.serverError)})`;
      return `${e.type.toLowerCase()} error ${e.code}${srv}`;
    }
    case 'IO':
      return `file error: ${e.reason}`;
  }
}

/** A failed client operation; `error` is the value, `command` the XFTP command if any. */
export class XftpError extends Error {
  override readonly name = 'XftpError';
  constructor(
    readonly error: XftpClientError,
    readonly command?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${command === undefined ? '' : `${command}: `}${describeXftpClientError(error)}`,
      options,
    );
  }
}

/**
 * True for failures worth retrying on a new connection: network errors, timeouts (upstream
 * `temporaryClientError`) and the server's `ERR TIMEOUT` for an upload it did not receive in time
 * (the agent's rule, spec §9). Everything else (e.g. `AUTH`) fails the same way again.
 */
export function isTemporaryXftpError(e: XftpClientError): boolean {
  switch (e.type) {
    case 'NETWORK':
    case 'TIMEOUT':
      return true;
    case 'PROTOCOL':
      return e.error.type === 'TIMEOUT';
    default:
      return false;
  }
}

/** The XftpClientError of an exception, if it is an XftpError. */
export function xftpClientErrorOf(e: unknown): XftpClientError | undefined {
  return e instanceof XftpError ? e.error : undefined;
}

/** Why a file-level transfer failed beyond one command (upstream `CLIError` texts). */
export type XftpTransferErrorCode =
  /** No servers, or only unusable ones, were given. */
  | 'NO_SERVERS'
  /** The file is larger than the client accepts (upstream `maxFileSize`). */
  | 'FILE_SIZE'
  /** The source changed while it was encrypted, or a local file could not be read or written. */
  | 'FILE_IO'
  /** The downloaded file does not have the description's size or SHA-512 ("File digest mismatch"). */
  | 'DIGEST'
  /** The file did not decrypt (bad header, length or tag; upstream `FTCryptoError`). */
  | 'CRYPTO'
  /** The description is not usable (wrong party, no replicas, a bad redirect). */
  | 'DESCRIPTION'
  /** Some chunks could not be deleted. */
  | 'PARTIAL';

/** A file transfer failed; `cause` holds the XftpError or I/O error behind it, if any. */
export class XftpTransferError extends Error {
  override readonly name = 'XftpTransferError';
  constructor(
    readonly code: XftpTransferErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
