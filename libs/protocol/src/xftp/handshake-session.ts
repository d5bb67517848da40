// Pure decision logic of the XFTP handshake (spec xftp.md §4.1–§4.7). Upstream `Server.hs:
// xftpServerHandshakeV1` (`processHello`, `processClientHandshake`; every failure is `HANDSHAKE`) and
// `Client.hs: xftpClientHandshakeV1.processServerHandshake`; xftp-web's identity check
// (`crypto/identity.ts`) for the web mode. No I/O and no session-state machine (the server owns it).
import { bytesEqual, concatBytes } from '../encoding/writer.ts';
import { CryptoError, HandshakeError, ParseError, TransportError } from '../errors.ts';
import { constantTimeEqual } from '../crypto/bytes.ts';
import type { PrivateKey, PublicKey } from '../crypto/keys.ts';
import { unPad } from '../crypto/padding.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { sign, verify } from '../crypto/sign.ts';
import { decodeSignedKey, signX509Key, verifySignedKey } from '../crypto/signed-key.ts';
import { certFingerprint, chainIdCaCerts, decodeCertificate } from '../crypto/x509.ts';
import {
  compatibleVRange,
  compatibleVRangeUpTo,
  type VersionRange,
} from '../version/version-range.ts';
import { XFTP_BLOCK_SIZE } from './chunks.ts';
import type { XFTPErrorType } from './errors.ts';
import { decodeXFTPClientHandshake, decodeXFTPClientHello } from './handshake.ts';
import type { XFTPClientHandshake, XFTPServerHandshake } from './handshake.ts';

const HANDSHAKE: XFTPErrorType = { type: 'HANDSHAKE' };

/** The message a web identity proof signs: `challenge || sessionId` (§4.4). */
export function webIdentityProofMessage(challenge: Uint8Array, sessionId: Uint8Array): Uint8Array {
  return concatBytes(challenge, sessionId);
}

/** Outcome of a hello request on the server. */
export type XFTPHelloResult =
  | { readonly ok: true; readonly webChallenge?: Uint8Array | undefined }
  | { readonly ok: false; readonly error: XFTPErrorType };

/**
 * Server: the hello body (`processHello`). Empty → plain hello; non-empty only on an SNI (web)
 * connection, where it must unpad and parse as `XFTPClientHello`; anything else → `HANDSHAKE`.
 */
export function processXFTPHello(body: Uint8Array, sniUsed: boolean): XFTPHelloResult {
  if (body.length === 0) return { ok: true };
  if (!sniUsed) return { ok: false, error: HANDSHAKE };
  try {
    return { ok: true, webChallenge: decodeXFTPClientHello(unPad(body)).webChallenge };
  } catch (e) {
    if (e instanceof ParseError || e instanceof CryptoError) return { ok: false, error: HANDSHAKE };
    throw e;
  }
}

/** What the server needs to answer a hello. */
export interface XFTPServerHandshakeInput {
  /** The range it offers (normally `supportedFileServerVRange`). */
  readonly vr: VersionRange;
  readonly sessionId: Uint8Array;
  /** `[online cert DER, identity CA cert DER]`. */
  readonly certChain: readonly Uint8Array[];
  /** Private key of the online (leaf) certificate: signs the session key and the web proof. */
  readonly onlineKey: PrivateKey;
  /** The session's X25519 public key (kept across re-hellos, §4.1). */
  readonly sessionKey: PublicKey;
  readonly webChallenge?: Uint8Array | undefined;
}

/** Server: the hello to send (`processHello`: `signX509` of the session key, proof if challenged). */
export function makeXFTPServerHandshake(
  c: CryptoProvider,
  i: XFTPServerHandshakeInput,
): XFTPServerHandshake {
  if (i.sessionKey.alg !== 'x25519') throw new TypeError('XFTP session key must be X25519');
  const signedKey = signX509Key(c, i.onlineKey, i.sessionKey);
  const webIdentityProof =
    i.webChallenge === undefined
      ? undefined
      : sign(c, i.onlineKey, webIdentityProofMessage(i.webChallenge, i.sessionId));
  return {
    vr: i.vr,
    sessionId: i.sessionId,
    certChainPubKey: { certChain: i.certChain, signedKey },
    webIdentityProof,
  };
}

/** Outcome of a client handshake on the server. */
export type XFTPClientHandshakeResult =
  | { readonly ok: true; readonly version: number; readonly sessionVRange: VersionRange }
  | { readonly ok: false; readonly error: XFTPErrorType };

/**
 * Server: the client handshake body (`processClientHandshake`): it must be a full 16384-byte block,
 * unpad and parse, name this server's key hash and pick a version in the offered range; the session
 * range is `[offered.min, version]` (`compatibleVRange'`). Every failure is `HANDSHAKE`.
 */
export function processXFTPClientHandshake(
  body: Uint8Array,
  server: { readonly vr: VersionRange; readonly keyHash: Uint8Array },
): XFTPClientHandshakeResult {
  if (body.length !== XFTP_BLOCK_SIZE) return { ok: false, error: HANDSHAKE };
  let hs: XFTPClientHandshake;
  try {
    hs = decodeXFTPClientHandshake(unPad(body));
  } catch (e) {
    if (e instanceof ParseError || e instanceof CryptoError) return { ok: false, error: HANDSHAKE };
    throw e;
  }
  // The key hash is the server's public identity: a plain comparison is fine.
  if (!bytesEqual(hs.keyHash, server.keyHash)) return { ok: false, error: HANDSHAKE };
  const sessionVRange = compatibleVRangeUpTo(server.vr, hs.version);
  if (sessionVRange === undefined) return { ok: false, error: HANDSHAKE };
  return { ok: true, version: hs.version, sessionVRange };
}

/** What the client checks a server hello against. */
export interface XFTPServerHandshakeCheck {
  readonly hello: XFTPServerHandshake;
  /** The client's range (normally `supportedFileServerVRange`). */
  readonly clientVRange: VersionRange;
  /** The identity key hash from the server address. */
  readonly keyHash: Uint8Array;
  /**
   * Native mode: the client's own tls-unique and the public key of the TLS leaf certificate. The
   * chain must then be exactly `[leaf, ca]` and the session key must verify under the TLS key.
   * Web mode (both absent): chain of 2–4 by `chainIdCaCerts`, key verified under the chain's leaf.
   */
  readonly tls?: { readonly sessionId: Uint8Array; readonly serverKey: PublicKey } | undefined;
  /** The challenge sent in a web hello: the proof must then verify under the chain's leaf key. */
  readonly webChallenge?: Uint8Array | undefined;
}

/** The client's side of the negotiated session. */
export interface XFTPClientSession {
  /** The version to send in the client handshake: the max of the intersection. */
  readonly version: number;
  readonly sessionVRange: VersionRange;
  /** The server's session key (X25519): the peer key of X25519 command authenticators. */
  readonly serverSessionKey: PublicKey;
}

const badAuth = (why: string): HandshakeError => new HandshakeError('BAD_AUTH', why);

/**
 * Client: upstream `processServerHandshake` (native) or xftp-web's identity check (web). Native
 * session ID mismatch → TransportError `SESSION`; no common version → TransportError `VERSION`; any
 * identity, chain, signature or key-type failure → HandshakeError `BAD_AUTH`.
 */
export function verifyXFTPServerHandshake(
  c: CryptoProvider,
  i: XFTPServerHandshakeCheck,
): XFTPClientSession {
  const h = i.hello;
  if (i.tls !== undefined && !bytesEqual(h.sessionId, i.tls.sessionId))
    throw new TransportError('SESSION', 'server hello session ID differs');
  const vr = compatibleVRange(h.vr, i.clientVRange);
  if (vr === undefined) throw new TransportError('VERSION', 'no common XFTP version');
  const chain = h.certChainPubKey.certChain;
  let signer: PublicKey;
  let idCert: Uint8Array;
  if (i.tls !== undefined) {
    if (chain.length !== 2) throw badAuth('bad certificate');
    idCert = chain[1] as Uint8Array;
    signer = i.tls.serverKey;
  } else {
    const cc = chainIdCaCerts(chain);
    if (cc.type !== 'valid') throw badAuth('bad certificate chain');
    idCert = cc.idCert;
    signer = leafKey(cc.leafCert);
  }
  if (!constantTimeEqual(certFingerprint(c, idCert), i.keyHash)) throw badAuth('bad certificate');
  let serverSessionKey: PublicKey;
  try {
    const signed = decodeSignedKey(h.certChainPubKey.signedKey);
    if (!verifySignedKey(c, signer, signed)) throw badAuth('bad session key signature');
    serverSessionKey = signed.key;
  } catch (e) {
    if (e instanceof ParseError) throw badAuth('bad session key');
    throw e;
  }
  if (serverSessionKey.alg !== 'x25519') throw badAuth('bad server key type');
  if (i.webChallenge !== undefined) {
    const proof = h.webIdentityProof;
    const msg = webIdentityProofMessage(i.webChallenge, h.sessionId);
    if (proof === undefined || !verify(c, leafKey(chain[0] as Uint8Array), proof, msg))
      throw badAuth('bad web identity proof');
  }
  return { version: vr.max, sessionVRange: vr, serverSessionKey };
}

function leafKey(der: Uint8Array): PublicKey {
  try {
    return decodeCertificate(der).publicKey;
  } catch (e) {
    if (e instanceof ParseError) throw badAuth('bad leaf certificate');
    throw e;
  }
}
