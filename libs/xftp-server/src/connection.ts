// Per-connection state of the XFTP server: what TLS negotiated (tls-unique session ID, ALPN, whether
// the web certificate was chosen by SNI) and the handshake state machine of spec xftp.md §4.1
// (upstream `Server.hs: Handshake` kept in a map by session ID and removed when the connection
// closes; here it lives on the connection object, which has the same lifetime). Nothing here is
// shared between gateways: a connection is served by one process.
import type { Http2Session } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { KeyPair } from '@simplex-relay/protocol';

/** `None` → `HelloSent(key)` → `Accepted(version, key)` (upstream `HandshakeSent`, `HandshakeAccepted`). */
export type HandshakeState =
  | { readonly kind: 'none' }
  | { readonly kind: 'sent'; readonly key: KeyPair }
  | { readonly kind: 'accepted'; readonly version: number; readonly key: KeyPair };

/** One TLS connection. */
export class XftpConnection {
  handshake: HandshakeState = { kind: 'none' };
  /** Time of the last request (upstream `activeAt`), ms since epoch. */
  lastActive = Date.now();
  /** The HTTP/2 session on this connection, once set up. */
  session: Http2Session | undefined;

  constructor(
    readonly socket: TLSSocket,
    /** tls-unique: the client's TLS Finished (§3.6). */
    readonly sessionId: Uint8Array,
    /** Negotiated ALPN, `false` when the client offered none (legacy path, §4.8). */
    readonly alpn: string | false,
    /** The web certificate was presented because the client sent SNI (upstream `sniUsed`). */
    readonly sniUsed: boolean,
  ) {}
}
