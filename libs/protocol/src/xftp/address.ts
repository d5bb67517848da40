// `xftp://` server addresses (spec xftp.md §3.7): `xftp://keyHash[:basicAuth]@host[,host…][:port]`,
// default port 443. Upstream `Protocol.hs: ProtoServerWithAuth, strEncodeServer, serverStrP` for
// `SPXFTP`; the scheme-generic parser and formatter live in smp/address.ts.
import { ParseError } from '../errors.ts';
import { formatServerAddress, parseServerAddress } from '../smp/address.ts';
import type { ServerAddress, SmpServer } from '../smp/address.ts';
import { DEFAULT_XFTP_PORT } from './chunks.ts';

/** A parsed `xftp://` address (its `scheme` is always `'xftp'`). */
export type XFTPServerAddress = ServerAddress & { readonly scheme: 'xftp' };

/** Parses an `xftp://` address exactly; ParseError for any other scheme or a malformed address. */
export function parseXFTPServerAddress(s: string): XFTPServerAddress {
  const a = parseServerAddress(s);
  if (a.scheme !== 'xftp') throw new ParseError('not an xftp:// address');
  return a as XFTPServerAddress;
}

/** Formats an `xftp://` address (upstream `strEncode`; the port is omitted when the server has none). */
export function formatXFTPServerAddress(a: {
  readonly server: SmpServer;
  readonly basicAuth?: Uint8Array;
}): string {
  return formatServerAddress({ ...a, scheme: 'xftp' });
}

/** The port to connect to: the address's, else 443 (upstream `getXFTPClient`: `usePort`). */
export function xftpServerPort(server: SmpServer): string {
  return server.port === '' ? DEFAULT_XFTP_PORT : server.port;
}
