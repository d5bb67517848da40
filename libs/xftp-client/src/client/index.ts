// Barrel of src/client: the XFTP client over node:http2 (spec xftp.md §3–§7, Appendix A1–A4) and
// the file-level send / receive / delete (upstream `FileTransfer/Client.hs`, `Client/Main.hs`).
export {
  XftpError,
  XftpTransferError,
  isTemporaryXftpError,
  describeXftpClientError,
  xftpErrorText,
  xftpClientErrorOf,
} from './errors.ts';
export type { XftpClientError, XftpTransferErrorCode } from './errors.ts';
export { DEFAULT_XFTP_TIMEOUTS, chunkTimeoutMs, commandTimeoutMs } from './timeouts.ts';
export type { XftpTimeouts } from './timeouts.ts';
export type { XftpConnectOptions, XftpSession, FileRange } from './connection.ts';
export { XftpClient } from './xftp-client.ts';
export type { ChunkDownload, TransferOptions, CreatedChunk } from './xftp-client.ts';
export { XftpClientPool, DEFAULT_RETRY_COUNT, DEFAULT_RETRY_DELAY_MS } from './agent.ts';
export type { RetryOptions } from './agent.ts';
export type { FileTransferOptions } from './transfer-common.ts';
export { sendFile, writeFileDescriptions } from './send.ts';
export type { SendFileOptions, SentFile, WrittenDescriptions } from './send.ts';
export { receiveFile } from './receive.ts';
export type { ReceiveFileOptions, ReceivedFile } from './receive.ts';
export { deleteFile } from './delete.ts';
export type { DeleteFileOptions } from './delete.ts';
