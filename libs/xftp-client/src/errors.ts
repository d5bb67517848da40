// Failures of the file layer (house style §6.2): a file description that does not parse or validate,
// and file encryption/decryption errors (upstream `Crypto/File.hs: FTCryptoError`), which are the
// protocol library's `FileCryptoError`, so one `instanceof` check covers both libraries.
// Transfer errors answered by a server belong to the client part (src/client/).
import type { FileCryptoErrorCode as Code } from '@simplex-relay/protocol';

export { FileCryptoError } from '@simplex-relay/protocol';

/** A file description (YAML, link or URI) did not parse or is not valid (upstream `Left String`). */
export class FileDescriptionError extends Error {
  override readonly name = 'FileDescriptionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The codes of `FileCryptoError` as values; the mapped type keeps the list complete. */
export const FileCryptoErrorCode: { readonly [K in Code]: K } = {
  CRYPTO: 'CRYPTO',
  INVALID_HEADER: 'INVALID_HEADER',
  INVALID_AUTH_TAG: 'INVALID_AUTH_TAG',
  INVALID_FILE_SIZE: 'INVALID_FILE_SIZE',
  FILE_IO: 'FILE_IO',
};
export type FileCryptoErrorCode = Code;
