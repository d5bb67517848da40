// Codec and transport failures of the protocol library (house style §6.2). Wire errors are values
// (see smp/errors.ts); these exceptions are the few ways decoding or transport can fail. Callers map
// them to the wire at one boundary: ParseError → `CMD SYNTAX` or `BLOCK`, TransportError → its code.

/** A byte sequence did not decode. `offset` is the decoder position where it failed. */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    message: string,
    readonly offset = -1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Transport-level failure codes, mirroring upstream `Transport.hs: TransportError`. */
export const TransportErrorCode = {
  BLOCK: 'BLOCK',
  VERSION: 'VERSION',
  LARGE_MSG: 'LARGE_MSG',
  SESSION: 'SESSION',
  NO_AUTH: 'NO_AUTH',
} as const;
export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

/** A transport failure (bad block, version mismatch, session mismatch, missing key). */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string = code,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Handshake failure codes, mirroring upstream `Transport.hs: HandshakeError`. */
export const HandshakeErrorCode = {
  PARSE: 'PARSE',
  IDENTITY: 'IDENTITY',
  BAD_AUTH: 'BAD_AUTH',
  BAD_SERVICE: 'BAD_SERVICE',
} as const;
export type HandshakeErrorCode = (typeof HandshakeErrorCode)[keyof typeof HandshakeErrorCode];

/** The SMP handshake failed (wrong identity, bad signature, unparsable hello). */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
  constructor(
    readonly code: HandshakeErrorCode,
    message: string = code,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Decryption or authentication failed (bad tag, wrong key, short input). Maps to `ERR CRYPTO`/`BLOCK`. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(message = 'crypto failure', options?: { cause?: unknown }) {
    super(message, options);
  }
}
