// The server side of the SMP handshake (spec smp.md §3.3, §3.4, §4.2, §4.4). Mirrors upstream
// `Transport.hs: smpServerHandshake` (+ `Server.hs: runClient`, which makes one X25519 key per
// connection) and `smpTHandleServer`. The pure decisions are the protocol library's
// `negotiateServerSession`; this module adds the socket, the keys and the deadline.
import type { TLSSocket } from 'node:tls';
import {
  HandshakeError,
  TransportError,
  blockCodecFor,
  dhSecret,
  encodeHandshakeBlock,
  encodeServerHello,
  encodeServiceResponse,
  generateKeyPair,
  negotiateServerSession,
  nobleProvider,
  readClientHelloBlock,
  signX509Key,
  supportedServerSMPRelayVRange,
  transportErrorText,
} from '@simplex-relay/protocol';
import type { CryptoProvider, PrivateKey, VersionRange } from '@simplex-relay/protocol';
import { BlockSocket } from './block-socket.ts';
import { SmpServerConnection, sessionParams } from './connection.ts';
import { readHandshakeBlock, deadline } from './handshake-io.ts';

/** Server identity and policy for one handshake. */
export interface ServerHandshakeOptions {
  /** Crypto implementation; default the pure `nobleProvider`. */
  readonly provider?: CryptoProvider;
  /** Range offered in the server hello; default 8..18 (§9.3). */
  readonly offered?: VersionRange;
  /** SHA-256 of the identity (CA) certificate DER: the `keyHash` of the server address (§3.2). */
  readonly keyHash: Uint8Array;
  /** The TLS chain, DER, leaf first ([online cert, CA cert]); repeated in the server hello. */
  readonly certChain: readonly Uint8Array[];
  /** Private key of the online (leaf) certificate, Ed25519 or Ed448: signs the session key. */
  readonly signKey: PrivateKey;
  /** Whole-handshake limit; default 120 s (upstream `smpHandshakeTimeout`). */
  readonly timeoutMs?: number;
}

/** Default handshake limit (§3.6). */
export const SERVER_HANDSHAKE_TIMEOUT_MS = 120_000;

/**
 * Runs the server handshake on a TLS socket that finished its TLS handshake (or on a BlockSocket
 * wrapping one). Without a negotiated ALPN the connection is closed at once: upstream would offer
 * the legacy range 6..6, which this server does not speak (spec §9.3, a deliberate deviation).
 * A wrong key hash (HandshakeError `IDENTITY`) or version (TransportError `VERSION`) closes the
 * socket with nothing sent; so does a client hello asking for a service, after an `'E'` response
 * (this server requests no client certificates, so such a hello cannot be verified).
 */
export async function serverHandshake(
  s: TLSSocket | BlockSocket<TLSSocket>,
  opts: ServerHandshakeOptions,
): Promise<SmpServerConnection> {
  const blocks = s instanceof BlockSocket ? s : new BlockSocket(s);
  const socket = blocks.socket;
  const c = opts.provider ?? nobleProvider;
  const offered = opts.offered ?? supportedServerSMPRelayVRange;
  const timeLeft = deadline(opts.timeoutMs ?? SERVER_HANDSHAKE_TIMEOUT_MS);
  let answered = false;
  try {
    const alpn = socket.alpnProtocol;
    if (typeof alpn !== 'string' || alpn === '')
      throw new TransportError('VERSION', 'no ALPN negotiated (legacy clients are not served)');
    // tls-unique = the client's Finished (§3.4): the peer's Finished on this side.
    const finished = socket.getPeerFinished();
    if (finished === undefined) throw new TransportError('SESSION', 'tls-unique is not available');
    const sessionId = new Uint8Array(finished);
    const sessionKeyPair = generateKeyPair(c, 'x25519');
    const hello = encodeServerHello({
      vr: offered,
      sessionId,
      certChainPubKey: {
        certChain: opts.certChain,
        signedKey: signX509Key(c, opts.signKey, sessionKeyPair.pub),
      },
    });
    await blocks.writeBlock(encodeHandshakeBlock(hello));
    const clientHello = readClientHelloBlock(await readHandshakeBlock(blocks, timeLeft()));
    let session;
    try {
      session = negotiateServerSession({
        offered,
        ownKeyHash: opts.keyHash,
        sessionId,
        hello: clientHello,
      });
    } catch (e) {
      // Only a service hello gets an answer before the close (`getClientService`, `sendErr`).
      if (e instanceof HandshakeError && e.code === 'BAD_AUTH' && clientHello.clientService) {
        const error = transportErrorText(e);
        await blocks.writeBlock(encodeHandshakeBlock(encodeServiceResponse({ type: 'E', error })));
        answered = true;
        blocks.close(); // graceful: the 'E' block must reach the client
      }
      throw e;
    }
    const secret =
      session.clientKey === undefined
        ? undefined
        : dhSecret(c, session.clientKey, sessionKeyPair.priv);
    const codec = blockCodecFor(c, {
      version: session.version,
      sessionId,
      dhSecret: secret,
      proxyServer: session.proxyServer,
      role: 'server',
    });
    // The secret lives on in the codec's chain keys only.
    secret?.fill(0);
    return new SmpServerConnection(
      blocks,
      codec,
      sessionParams(session, codec),
      sessionKeyPair,
      session.clientKey,
      alpn,
      c,
    );
  } catch (e) {
    if (!answered) blocks.destroy();
    throw e;
  }
}
