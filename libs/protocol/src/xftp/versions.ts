// XFTP protocol versions and ALPN names (spec xftp.md §3.4, §12). Upstream
// `FileTransfer/Transport.hs: initialXFTPVersion, authCmdsXFTPVersion, blockedFilesXFTPVersion,
// currentXFTPVersion, supportedFileServerVRange, xftpALPNv1, alpnSupportedXFTPhandshakes`.
// The constant names keep the Haskell names so a grep finds the same gate in both codebases.
import { versionRange, type VersionRange } from '../version/version-range.ts';

/** The first XFTP version (no session key). */
export const initialXFTPVersion = 1;
/** The handshake's session key enables X25519 command authenticators (nothing else is gated, §12). */
export const authCmdsXFTPVersion = 2;
/** `ERR BLOCKED <info>`; lower versions get `ERR AUTH` instead (`encodeProtocol @FileResponse`). */
export const blockedFilesXFTPVersion = 3;
/** Highest version this implementation speaks. */
export const currentXFTPVersion = 3;

/** The range servers advertise and clients offer: 1..3 (both sides use this one range upstream). */
export const supportedFileServerVRange: VersionRange = versionRange(
  initialXFTPVersion,
  currentXFTPVersion,
);

/** ALPN of the XFTP handshake (upstream `xftpALPNv1`). */
export const xftpALPNv1 = 'xftp/1';
/** ALPN native clients use in "web port" mode; the connection still speaks HTTP/2 (§3.4). */
export const httpALPN11 = 'http/1.1';
/** ALPN offered by browsers and Node's HTTP/2 client. */
export const h2ALPN = 'h2';
/** ALPNs native clients offer (upstream `alpnSupportedXFTPhandshakes`). */
export const alpnSupportedXFTPhandshakes: readonly string[] = [xftpALPNv1];
/** The server's ALPN list, in preference order (upstream `Server/Main.hs`, §3.4). */
export const xftpServerALPN: readonly string[] = [xftpALPNv1, h2ALPN, httpALPN11];
