// Pure decision logic of the SMP handshake (spec smp.md §4.2 client checks, §4.3 version choice,
// §4.4 server processing). Mirrors upstream `Transport.hs: smpServerHandshake, smpClientHandshake,
// smpTHandleServer/Client, blockEncryption`, minus I/O and signature checks (crypto's job).
import type { PublicKey } from '../crypto/keys.ts';
import { chainIdCaCerts } from '../crypto/x509.ts';
import { bytesEqual } from '../encoding/writer.ts';
import { HandshakeError, TransportError } from '../errors.ts';
import {
  compatibleVRange,
  compatibleVRangeUpTo,
  versionRange,
  type VersionRange,
} from '../version/version-range.ts';
import {
  deletedEventSMPVersion,
  proxyServerHandshakeSMPVersion,
  serviceCertsSMPVersion,
} from '../version/smp-versions.ts';
import { usesBlockEncryption } from './block-cipher.ts';
import type { CertChainPubKey, ClientHello, ClientService, ServerHello } from './handshake.ts';
import { transportParams, type TransportParams } from './params.ts';

/** What the server knows when the client hello arrives. */
export interface ServerSessionInput {
  /** The range sent in the server hello (§3.3). */
  readonly offered: VersionRange;
  /** SHA-256 of the server's idCert (§3.2). */
  readonly ownKeyHash: Uint8Array;
  /** tls-unique of this connection. */
  readonly sessionId: Uint8Array;
  readonly hello: ClientHello;
  /** The TLS client certificate chain (DER, leaf first); empty or absent if the client sent none. */
  readonly peerCertChain?: readonly Uint8Array[] | undefined;
}

/** A service the client asked for, after the pure checks; crypto must still verify `signedKey`. */
export interface PeerServiceRequest extends ClientService {
  /** The certificate whose key must verify `certChainPubKey.signedKey` (§4.4 step 3). */
  readonly leafCert: Uint8Array;
  /** The certificate whose SHA-256 is `serviceCertHash`. */
  readonly idCert: Uint8Array;
}

/** The server's view of the negotiated session (upstream `smpTHandleServer` inputs). */
export interface ServerSession extends TransportParams {
  /** `[offered.min, version]`, kept as `thServerVRange`. */
  readonly sessionVRange: VersionRange;
  /** The client's X25519 session key, if sent: the server computes the session DH secret with it. */
  readonly clientKey?: PublicKey | undefined;
  readonly proxyServer: boolean;
  /** §4.4: v ≥ 11 and a client key and not a proxy (`blockEncryption`). */
  readonly encryptBlocks: boolean;
  /** Present iff the hello carried a service (v ≥ 16): verify it, then answer with a service response. */
  readonly clientService?: PeerServiceRequest | undefined;
}

/**
 * §4.4 in upstream order: wrong key hash → HandshakeError `IDENTITY`; version outside the offered
 * range → TransportError `VERSION` (for both the server just closes). With a service: chain not equal
 * to the TLS client chain, or not 1–4 certificates → HandshakeError `BAD_AUTH`, which the server
 * must report in an `'E'` service response before closing (`getClientService`, `sendErr`).
 */
export function negotiateServerSession(i: ServerSessionInput): ServerSession {
  const { hello } = i;
  // The key hash is the server's public identity, not a secret: plain comparison is fine.
  if (!bytesEqual(hello.keyHash, i.ownKeyHash))
    throw new HandshakeError('IDENTITY', 'client hello is for another server');
  const sessionVRange = compatibleVRangeUpTo(i.offered, hello.version);
  if (sessionVRange === undefined)
    throw new TransportError('VERSION', `client chose version ${hello.version}`);
  const v = hello.version;
  const clientService =
    hello.clientService && checkPeerService(hello.clientService, i.peerCertChain ?? []);
  return {
    ...transportParams(v, i.sessionId),
    sessionVRange,
    clientKey: hello.clientKey,
    proxyServer: hello.proxyServer,
    encryptBlocks: usesBlockEncryption(v, hello.clientKey !== undefined, hello.proxyServer),
    clientService,
  };
}

function checkPeerService(s: ClientService, peerChain: readonly Uint8Array[]): PeerServiceRequest {
  const chain = s.certChainPubKey.certChain;
  // The handshake must present the very chain the TLS layer authenticated (`getPeerCertChain c == cc`).
  const same =
    chain.length === peerChain.length &&
    chain.every((cert, k) => bytesEqual(cert, peerChain[k] as Uint8Array));
  if (!same)
    throw new HandshakeError('BAD_AUTH', 'service chain differs from the TLS client chain');
  const cc = chainIdCaCerts(chain);
  if (cc.type === 'self') return { ...s, leafCert: cc.cert, idCert: cc.cert };
  if (cc.type === 'valid') return { ...s, leafCert: cc.leafCert, idCert: cc.idCert };
  throw new HandshakeError('BAD_AUTH', 'bad service certificate chain');
}

/** The client's version choice: the max of the intersection, and the session range. */
export interface ClientVersionChoice {
  readonly version: number;
  readonly sessionVRange: VersionRange;
}

/**
 * Upstream `smpClientHandshake` version logic. A proxy talking to a relay whose max is below 14 first
 * caps its own max to `max(ownMin, 10)` (v10: no block encryption, which the relay could not disable
 * for a proxy before v14). No overlap → TransportError `VERSION`.
 */
export function chooseClientVersion(
  serverVR: VersionRange,
  clientVR: VersionRange,
  opts: { readonly isProxy: boolean },
): ClientVersionChoice {
  const own =
    opts.isProxy && serverVR.max < proxyServerHandshakeSMPVersion
      ? versionRange(clientVR.min, Math.max(clientVR.min, deletedEventSMPVersion))
      : clientVR;
  const vr = compatibleVRange(serverVR, own);
  if (vr === undefined) throw new TransportError('VERSION', 'no common SMP version');
  return { version: vr.max, sessionVRange: vr };
}

/** What the client knows when the server hello arrives. */
export interface ClientSessionInput {
  readonly serverHello: ServerHello;
  /** The client's own tls-unique. */
  readonly sessionId: Uint8Array;
  readonly clientVRange: VersionRange;
  /** The server identity from its address. */
  readonly keyHash: Uint8Array;
  readonly clientKey?: PublicKey | undefined;
  /** True if this client is an SMP server acting as proxy. */
  readonly proxyServer: boolean;
  /** Service credentials, offered only at v ≥ 16 and if TLS sent a client certificate. */
  readonly clientService?: ClientService | undefined;
  readonly certificateSent?: boolean | undefined;
}

/** The client's side of the session and the hello to send. */
export interface ClientSession extends TransportParams {
  readonly hello: ClientHello;
  readonly sessionVRange: VersionRange;
  /** The server's signed key: crypto must check the idCert fingerprint and the signature (§4.2). */
  readonly serverCertChainPubKey?: CertChainPubKey | undefined;
  readonly proxyServer: boolean;
  /** v ≥ 11, both keys present, not a proxy (`blockEncryption` on the client side). */
  readonly encryptBlocks: boolean;
  /** True if a service response block follows the client hello. */
  readonly expectServiceResponse: boolean;
}

/**
 * Upstream `smpClientHandshake` minus I/O and signature checks: session ID mismatch → TransportError
 * `SESSION`; then the version choice; the key hash and the signed key are checked by the caller.
 */
export function negotiateClientSession(i: ClientSessionInput): ClientSession {
  const sh = i.serverHello;
  if (!bytesEqual(sh.sessionId, i.sessionId))
    throw new TransportError('SESSION', 'server hello session ID differs');
  const { version: v, sessionVRange } = chooseClientVersion(sh.vr, i.clientVRange, {
    isProxy: i.proxyServer,
  });
  const clientService =
    v >= serviceCertsSMPVersion && i.certificateSent === true ? i.clientService : undefined;
  const hello: ClientHello = {
    version: v,
    keyHash: i.keyHash,
    clientKey: i.clientKey,
    proxyServer: i.proxyServer,
    clientService,
  };
  const hasSecret = sh.certChainPubKey !== undefined && i.clientKey !== undefined;
  return {
    ...transportParams(v, i.sessionId),
    hello,
    sessionVRange,
    serverCertChainPubKey: sh.certChainPubKey,
    proxyServer: i.proxyServer,
    encryptBlocks: usesBlockEncryption(v, hasSecret, i.proxyServer),
    expectServiceResponse: clientService !== undefined,
  };
}
