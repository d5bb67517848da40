// The per-connection XFTP handshake (spec xftp.md §4.1–§4.7), upstream `Server.hs:
// xftpServerHandshakeV1` with `processHello`, `processClientHandshake` and `sendError`. Decisions on
// bodies come from libs/protocol (`processXFTPHello`, `processXFTPClientHandshake`,
// `makeXFTPServerHandshake`); this module owns the state transitions and the responses.
import {
  encodeXFTPHandshakeErrorBlock,
  encodeXFTPServerHandshakeBlock,
  generateKeyPair,
  makeXFTPServerHandshake,
  processXFTPClientHandshake,
  processXFTPHello,
  TransportError,
} from '@simplex-relay/protocol';
import type { KeyPair, XFTPErrorType } from '@simplex-relay/protocol';
import type { XftpConnection } from './connection.ts';
import type { SessionParams, XftpContext } from './context.ts';
import type { Response } from './response.ts';

/** The parts of a request the handshake looks at. */
export interface HandshakeRequest {
  /** `xftp-web-hello` header present (any value). */
  readonly webHelloHeader: boolean;
  /** `xftp-handshake` header present (any value). */
  readonly handshakeHeader: boolean;
  /** Up to 16384 bytes of body. */
  readonly head: Uint8Array;
}

const SESSION: XFTPErrorType = { type: 'SESSION' };
const HANDSHAKE: XFTPErrorType = { type: 'HANDSHAKE' };

/**
 * Runs one request through the handshake state machine. Returns the session parameters when the
 * request is a command on an accepted session; otherwise the response was sent here (server hello,
 * empty 200 for an accepted client handshake, or a padded bare error) and undefined is returned.
 */
export function xftpServerHandshake(
  ctx: XftpContext,
  conn: XftpConnection,
  req: HandshakeRequest,
  res: Response,
): SessionParams | undefined {
  // The headers only count on web (SNI) connections.
  const webHello = conn.sniUsed && req.webHelloHeader;
  const webHandshake = conn.sniUsed && req.handshakeHeader;
  const s = conn.handshake;
  switch (s.kind) {
    case 'none':
      // A web client using a connection this server does not know (e.g. after a restart).
      if (conn.sniUsed && !webHello) return sendError(ctx, res, SESSION);
      return processHello(ctx, conn, req.head, res, undefined);
    case 'sent':
      return webHello
        ? processHello(ctx, conn, req.head, res, s.key)
        : processClientHandshake(ctx, conn, req.head, res, s.key);
    case 'accepted':
      if (webHello) return processHello(ctx, conn, req.head, res, s.key);
      if (webHandshake) return processClientHandshake(ctx, conn, req.head, res, s.key);
      return { version: s.version, sessionKey: s.key.priv };
  }
}

function processHello(
  ctx: XftpContext,
  conn: XftpConnection,
  head: Uint8Array,
  res: Response,
  reuse: KeyPair | undefined,
): undefined {
  const hello = processXFTPHello(head, conn.sniUsed);
  if (!hello.ok) return sendError(ctx, res, hello.error);
  // A pending hello keeps its key; otherwise the accepted session's key (web re-handshake) or a new one.
  const current = conn.handshake;
  const key =
    current.kind === 'sent' ? current.key : (reuse ?? generateKeyPair(ctx.provider, 'x25519'));
  conn.handshake = { kind: 'sent', key };
  let block: Uint8Array;
  try {
    block = encodeXFTPServerHandshakeBlock(
      makeXFTPServerHandshake(ctx.provider, {
        vr: ctx.vr,
        sessionId: conn.sessionId,
        certChain: ctx.certChain,
        onlineKey: ctx.signKey,
        sessionKey: key.pub,
        webChallenge: hello.webChallenge,
      }),
    );
  } catch (e) {
    // Upstream `liftHS`: an encoding failure is answered as HANDSHAKE.
    if (e instanceof TransportError) return sendError(ctx, res, HANDSHAKE);
    throw e;
  }
  res.send(block);
  return undefined;
}

function processClientHandshake(
  ctx: XftpContext,
  conn: XftpConnection,
  head: Uint8Array,
  res: Response,
  key: KeyPair,
): undefined {
  const r = processXFTPClientHandshake(head, { vr: ctx.vr, keyHash: ctx.keyHash });
  // A failure keeps the state, so a corrected client handshake is still accepted (Appendix A2).
  if (!r.ok) return sendError(ctx, res, r.error);
  conn.handshake = { kind: 'accepted', version: r.version, key };
  // Clients require an empty body here.
  res.send();
  return undefined;
}

/** A handshake-phase error: `pad(name, 16384)`, not a transmission (§4.6). */
function sendError(ctx: XftpContext, res: Response, e: XFTPErrorType): undefined {
  ctx.metrics.error(e.type);
  res.send(encodeXFTPHandshakeErrorBlock(e));
  return undefined;
}
