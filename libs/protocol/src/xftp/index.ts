// Barrel of src/xftp: XFTP versions, sizes, errors, commands, transmissions, handshake, chunk and file
// ciphers, digests and addresses (spec xftp.md); re-exported by src/index.ts. Upstream
// `src/Simplex/FileTransfer/{Protocol,Transport,Crypto,Types,Chunks}.hs`, `Messaging/Crypto/Lazy.hs`.
export {
  initialXFTPVersion,
  authCmdsXFTPVersion,
  blockedFilesXFTPVersion,
  currentXFTPVersion,
  supportedFileServerVRange,
  xftpALPNv1,
  httpALPN11,
  h2ALPN,
  alpnSupportedXFTPhandshakes,
  xftpServerALPN,
} from './versions.ts';
export type { ChunkSpec } from './chunks.ts';
export {
  XFTP_BLOCK_SIZE,
  XFTP_AUTH_TAG_SIZE,
  XFTP_FILE_SIZE_LEN,
  XFTP_FILE_ID_SIZE,
  DEFAULT_XFTP_PORT,
  chunkSize0,
  chunkSize1,
  chunkSize2,
  chunkSize3,
  serverChunkSizes,
  defFileExpirationHours,
  fileExpirationCheckIntervalSec,
  fileTimeRoundingSec,
  fileTimeoutSec,
  xftpMaxRecipientsPerRequest,
  maxFileSize,
  maxFileSizeHard,
  prepareChunkSizes,
  singleChunkSize,
  prepareChunkSpecs,
} from './chunks.ts';
export type { XFTPErrorType, XFTPSimpleError } from './errors.ts';
export {
  XFTP_SIMPLE_ERRORS,
  xftpCmdError,
  writeXFTPErrorType,
  downgradeXFTPError,
  decodeXFTPErrorType,
  encodeXFTPErrorTypeBytes,
  decodeXFTPErrorTypeBytes,
} from './errors.ts';
export type {
  NonEmptyList,
  FileParty,
  FileInfo,
  FileCommand,
  FileCommandTag,
  FileCommandOf,
  FileResponse,
  FileResponseTag,
} from './commands.ts';
export { FILE_COMMAND_PARTY } from './commands.ts';
export type { FileCommandParseResult } from './command-codec.ts';
export {
  encodeFileInfo,
  decodeFileInfo,
  encodeFileCommand,
  parseFileCommand,
  decodeFileCommand,
  isFileCommandTag,
} from './command-codec.ts';
export type { FileResponseParseResult } from './response-codec.ts';
export {
  encodeFileResponse,
  parseFileResponse,
  decodeFileResponse,
  isFileResponseTag,
  checkFileResponseCredentials,
} from './response-codec.ts';
export type {
  XFTPCommandTransmission,
  XFTPServerTransmission,
  XFTPFailedTransmission,
  XFTPClientTransmission,
} from './transmission.ts';
export {
  xftpTransmissionParams,
  tEncodeBatch1,
  xftpEncodeBatch1,
  xftpAuthorizedBytes,
  xftpEncodeTransmission,
  xftpEncodeResponse,
  xftpEncodeAuthTransmission,
  xftpDecodeTServer,
  checkFileCredentials,
  xftpDecodeTClient,
} from './transmission.ts';
export type { XFTPServerHandshake, XFTPClientHello, XFTPClientHandshake } from './handshake.ts';
export {
  WEB_CHALLENGE_LENGTH,
  encodeXFTPServerHandshake,
  decodeXFTPServerHandshake,
  encodeXFTPClientHello,
  decodeXFTPClientHello,
  encodeXFTPClientHandshake,
  decodeXFTPClientHandshake,
  encodeXFTPHandshakeBlock,
  encodeXFTPServerHandshakeBlock,
  encodeXFTPClientHelloBlock,
  encodeXFTPClientHandshakeBlock,
  readXFTPServerHandshakeBlock,
  encodeXFTPHandshakeErrorBlock,
  decodeXFTPHandshakeErrorBlock,
} from './handshake.ts';
export type {
  XFTPHelloResult,
  XFTPServerHandshakeInput,
  XFTPClientHandshakeResult,
  XFTPServerHandshakeCheck,
  XFTPClientSession,
} from './handshake-session.ts';
export {
  webIdentityProofMessage,
  processXFTPHello,
  makeXFTPServerHandshake,
  processXFTPClientHandshake,
  verifyXFTPServerHandshake,
} from './handshake-session.ts';
export type { SbCore, SbCoreFactory } from './sb-stream.ts';
export {
  SB_TAG_SIZE,
  nobleSbCore,
  SbState,
  sbInit,
  cbInit,
  sbEncryptChunk,
  sbDecryptChunk,
  sbAuth,
  padLazy,
  unPadLazy,
  splitLen,
  sbEncryptTailTag,
  sbDecryptTailTag,
} from './sb-stream.ts';
export type { XFTPReceiveErrorCode, FileChunkEncryption } from './chunk-cipher.ts';
export {
  XFTPReceiveError,
  prepareFileChunkEncryption,
  fileChunkDecryptInit,
  encryptFileChunk,
  EncryptedChunkReceiver,
  PlainChunkReceiver,
} from './chunk-cipher.ts';
export type { IncrementalHash } from './digest.ts';
export {
  CHUNK_DIGEST_LENGTH,
  FILE_DIGEST_LENGTH,
  createChunkDigest,
  chunkDigest,
  createFileDigest,
  fileDigest,
} from './digest.ts';
export type {
  FileHeader,
  EncryptedFileSizes,
  FileEncryptParams,
  FileCryptoErrorCode,
} from './file-crypto.ts';
export {
  FILE_HEADER_WINDOW,
  encodeFileHeader,
  decodeFileHeader,
  parseFileHeader,
  encryptedFileSizes,
  FileEncryptor,
  encryptFile,
  FileCryptoError,
  FileDecryptor,
  decryptFile,
} from './file-crypto.ts';
export type { XFTPServerAddress } from './address.ts';
export { parseXFTPServerAddress, formatXFTPServerAddress, xftpServerPort } from './address.ts';
