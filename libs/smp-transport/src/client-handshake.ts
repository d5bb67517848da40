// The client side of the SMP handshake (spec smp.md §3.2, §3.4, §4.2, §4.3). Mirrors upstream
// `Transport/Client.hs: validateCertificateChain` (done here after TLS instead of inside it) and
// `Transport.hs: smpClientHandshake, smpTHandleClient`. Pure decisions (session ID, version choice)
// are the protocol library's `negotiateClientSession`.
import type { TLSSocket } from 'node:tls';
import {
  HandshakeError,
  ParseError,
  TransportError,
  authCmdsSMPVersion,
  blockCodecFor,
  bytesEqual,
  decodeSignedKey,
  dhSecret,
  encodeClientHello,
  encodeHandshakeBlock,
  generateKeyPair,
  negotiateClientSession,
  nobleProvider,
  readServerHelloBlock,
  supportedClientSMPRelayVRange,
  verifySignedKey,
} from '@simplex-relay/protocol';
import type {
  Certificate,
  CertChainPubKey,
  CryptoProvider,
  PublicKey,
  VersionRange,
} from '@simplex-relay/protocol';
import { BlockSocket } from './block-socket.ts';
import { SmpClientConnection, sessionParams } from './connection.ts';
import { deadline, readHandshakeBlock } from './handshake-io.ts';
import { peerCertificateChain, validateServerChain } from './server-chain.ts';

/** What the client expects and offers. */
export interface ClientHandshakeOptions {
  /** Crypto implementation; default the pure `nobleProvider`. */
  readonly provider?: CryptoProvider;
  /** Server identity from its address (SHA-256 of the identity certificate, §3.2). */
  readonly keyHash: Uint8Array;
  /** Versions offered; default 8..18. Narrow it (8..8, 4..8, …) to test older sessions. */
  readonly clientVRange?: VersionRange;
  /** Declare this client an SMP proxy (v ≥ 14): no block encryption. Default false. */
  readonly proxyServer?: boolean;
  /** Whole-handshake limit; default 30 s. */
  readonly timeoutMs?: number;
  /** Clock for certificate validity; default now. */
  readonly now?: Date;
}

/** Default client handshake limit. */
export const CLIENT_HANDSHAKE_TIMEOUT_MS = 30_000;

/**
 * Runs the client handshake on a TLS socket after 'secureConnect' (or on a BlockSocket wrapping one).
 * Order: the TLS chain is checked against `keyHash` before anything is read or sent (HandshakeError
 * `IDENTITY`); then the server hello: session ID (TransportError `SESSION`), version
 * (TransportError `VERSION`), the hello's chain and signed session key (HandshakeError `BAD_AUTH`);
 * only then the client hello is sent. On any failure the socket is closed.
 */
export async function clientHandshake(
  s: TLSSocket | BlockSocket<TLSSocket>,
  opts: ClientHandshakeOptions,
): Promise<SmpClientConnection> {
  const blocks = s instanceof BlockSocket ? s : new BlockSocket(s);
  const socket = blocks.socket;
  const c = opts.provider ?? nobleProvider;
  const proxyServer = opts.proxyServer ?? false;
  const timeLeft = deadline(opts.timeoutMs ?? CLIENT_HANDSHAKE_TIMEOUT_MS);
  try {
    const tlsChain = peerCertificateChain(socket);
    const leaf = validateServerChain(c, tlsChain, opts.keyHash, opts.now);
    const finished = socket.getFinished();
    if (finished === undefined) throw new TransportError('SESSION', 'tls-unique is not available');
    const sessionId = new Uint8Array(finished);
    const serverHello = readServerHelloBlock(await readHandshakeBlock(blocks, timeLeft()));
    const clientKeyPair = generateKeyPair(c, 'x25519');
    const session = negotiateClientSession({
      serverHello,
      sessionId,
      clientVRange: opts.clientVRange ?? supportedClientSMPRelayVRange,
      keyHash: opts.keyHash,
      clientKey: clientKeyPair.pub,
      proxyServer,
    });
    let serverSessionKey: PublicKey | undefined;
    if (session.serverCertChainPubKey !== undefined) {
      serverSessionKey = verifyServerKey(c, session.serverCertChainPubKey, tlsChain, leaf);
    } else if (serverHello.vr.max >= authCmdsSMPVersion) {
      // Upstream parses the key as optional and carries on without it, which breaks the session
      // right after the handshake (spec Corrections, §1.7); failing here says why.
      throw new HandshakeError('BAD_AUTH', 'server hello has no usable session key');
    }
    await blocks.writeBlock(encodeHandshakeBlock(encodeClientHello(session.hello)));
    const secret =
      serverSessionKey === undefined
        ? undefined
        : dhSecret(c, serverSessionKey, clientKeyPair.priv);
    const codec = blockCodecFor(c, {
      version: session.version,
      sessionId,
      dhSecret: secret,
      proxyServer,
      role: 'client',
    });
    // A proxy keeps the secret for the forwarding layer (§7.11.2); everyone else wipes it.
    const proxyAuth =
      proxyServer && secret !== undefined && session.serverCertChainPubKey !== undefined
        ? { certChainPubKey: session.serverCertChainPubKey, sessionSecret: secret.slice() }
        : undefined;
    secret?.fill(0);
    clientKeyPair.priv.raw.fill(0); // used only for the session secret
    return new SmpClientConnection(
      blocks,
      codec,
      sessionParams(session, codec),
      serverSessionKey,
      serverHello.vr,
      c,
      proxyAuth,
    );
  } catch (e) {
    // Graceful: nothing of ours is pending, and the TLS Finished must still reach the server so it
    // sees an orderly close instead of a broken TLS handshake.
    blocks.close();
    throw e;
  }
}

/**
 * §4.2 client checks on `certChainPubKey`: the chain must be the one TLS presented (so its idCert
 * fingerprint is the key hash already checked), and the signed key must be an X25519 key signed by
 * the TLS leaf certificate's key. Anything else is HandshakeError `BAD_AUTH`.
 */
function verifyServerKey(
  c: CryptoProvider,
  ck: CertChainPubKey,
  tlsChain: readonly Uint8Array[],
  leaf: Certificate,
): PublicKey {
  const same =
    ck.certChain.length === tlsChain.length &&
    ck.certChain.every((cert, i) => bytesEqual(cert, tlsChain[i] as Uint8Array));
  if (!same) throw new HandshakeError('BAD_AUTH', 'server hello chain differs from the TLS chain');
  let signed;
  try {
    signed = decodeSignedKey(ck.signedKey);
  } catch (e) {
    if (e instanceof ParseError)
      throw new HandshakeError('BAD_AUTH', 'server session key does not parse', { cause: e });
    throw e;
  }
  if (!verifySignedKey(c, leaf.publicKey, signed))
    throw new HandshakeError('BAD_AUTH', 'server session key is not signed by the TLS certificate');
  if (signed.key.alg !== 'x25519')
    throw new HandshakeError('BAD_AUTH', 'server session key is not X25519');
  return signed.key;
}
