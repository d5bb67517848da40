// Public API of @simplex-relay/xftp-client (file layer): file descriptions (upstream YAML, app and
// web links), file encryption and chunk planning. Spec: shared/spec/xftp.md §13, Appendix A6.
// Upstream: simplexmq `src/Simplex/FileTransfer/{Description,Crypto,Chunks,Client/Main}.hs`.
// The cipher, header codec, size and chunk plans, digests and FileCryptoError are
// @simplex-relay/protocol's, re-exported here (some under this package's older names).
export { FileDescriptionError, FileCryptoError, FileCryptoErrorCode } from './errors.ts';
export {
  kb,
  mb,
  gb,
  CHUNK_SIZE_0,
  CHUNK_SIZE_1,
  CHUNK_SIZE_2,
  CHUNK_SIZE_3,
  SERVER_CHUNK_SIZES,
  prepareChunkSizes,
  singleChunkSize,
  prepareChunkSpecs,
  chunkDigest,
  EncryptedFileDigester,
} from './chunks.ts';
export type { ChunkSpec, EncryptedFileDigests } from './chunks.ts';
export { encodeFileSize, parseFileSize } from './file-size.ts';
export {
  parseXftpServer,
  formatXftpServer,
  compareXftpServers,
  sameXftpServer,
} from './xftp-server.ts';
export type { XftpServer } from './xftp-server.ts';
export {
  MAX_FILE_SIZE,
  MAX_FILE_SIZE_HARD,
  QR_SIZE_LIMIT,
  FD_SEPARATOR,
  encodeFileDescription,
  decodeFileDescription,
  decodeValidFileDescription,
  validateFileDescription,
  fileDescriptionError,
  checkParty,
  decodeReplicaKey,
  redirectFileInfo,
  decodeRedirectTarget,
} from './file-description.ts';
export type {
  FileParty,
  FileDescription,
  FileChunk,
  FileChunkReplica,
  RedirectFileInfo,
} from './file-description.ts';
export {
  MAX_WEB_LINK_YAML,
  fileDescriptionUri,
  formatFileDescriptionUri,
  parseFileDescriptionUri,
  encodeWebUri,
  decodeWebUri,
  fileWebLink,
  parseWebLink,
} from './description-uri.ts';
export type { ServiceScheme, FileDescriptionUri } from './description-uri.ts';
export { AUTH_TAG_SIZE, SbStream } from './secretbox-stream.ts';
export {
  FILE_SIZE_LEN,
  MAX_HEADER_WINDOW,
  randomFileKeys,
  encodeFileHeader,
  decodeFileHeader,
  planEncryption,
  encryptStream,
  FileDecryptor,
} from './file-crypto.ts';
export type { FileHeader, FileKeys, EncryptionPlan } from './file-crypto.ts';
export {
  encryptFile,
  encryptBytes,
  decryptBytes,
  decryptChunkFiles,
  sha512OfFiles,
} from './encrypted-file.ts';
export type { EncryptedChunk, EncryptedFile, EncryptOptions } from './encrypted-file.ts';
// XFTP client over node:http2 (spec xftp.md §3–§7, Appendix A1–A4) and the file-level transfers.
export * from './client/index.ts';
