// XFTP handshake messages (spec xftp.md §4.2–§4.6). Upstream `FileTransfer/Transport.hs: Encoding
// XFTPServerHandshake, XFTPClientHello, XFTPClientHandshake`; blocks are `pad(message, 16384)` as in
// `Server.hs: xftpServerHandshakeV1.encodeXftp` and `Client.hs: xftpClientHandshakeV1`.
// The chain codec is shared with SMP (smp/cert-chain.ts). Decision logic is in handshake-session.ts.
import { Decoder } from '../encoding/decoder.ts';
import { Writer } from '../encoding/writer.ts';
import { CryptoError, HandshakeError, ParseError, TransportError } from '../errors.ts';
import { SIGNATURE_LENGTH } from '../crypto/keys.ts';
import { pad, unPad } from '../crypto/padding.ts';
import { decodeCertChainPubKey, encodeCertChainPubKey } from '../smp/cert-chain.ts';
import type { CertChainPubKey } from '../smp/cert-chain.ts';
import {
  decodeVersionRange,
  encodeVersionRange,
  type VersionRange,
} from '../version/version-range.ts';
import { XFTP_BLOCK_SIZE } from './chunks.ts';
import { decodeXFTPErrorTypeBytes, encodeXFTPErrorTypeBytes } from './errors.ts';
import type { XFTPErrorType } from './errors.ts';

/** Length of a web client's identity challenge (upstream `XFTPClientHello` check). */
export const WEB_CHALLENGE_LENGTH = 32;

/** Server hello (upstream `XFTPServerHandshake`). */
export interface XFTPServerHandshake {
  readonly vr: VersionRange;
  /** tls-unique of the connection (§3.6). */
  readonly sessionId: Uint8Array;
  /** `[online cert, identity CA cert]` (DER) and the session X25519 key signed by the online key. */
  readonly certChainPubKey: CertChainPubKey;
  /** Raw signature of `challenge || sessionId` (64 or 114 bytes), only in answer to a web challenge. */
  readonly webIdentityProof?: Uint8Array | undefined;
}

/** Client hello body (upstream `XFTPClientHello`); native clients send an empty body instead. */
export interface XFTPClientHello {
  /** Exactly 32 bytes when present. */
  readonly webChallenge?: Uint8Array | undefined;
}

/** Client handshake (upstream `XFTPClientHandshake`): the chosen version and the server key hash. */
export interface XFTPClientHandshake {
  readonly version: number;
  readonly keyHash: Uint8Array;
}

const isSigLength = (n: number): boolean =>
  n === SIGNATURE_LENGTH.ed25519 || n === SIGNATURE_LENGTH.ed448;

/** `min || max || sb(sessionId) || certChainPubKey || sb(proof or empty)` (the proof is always written). */
export function encodeXFTPServerHandshake(h: XFTPServerHandshake): Uint8Array {
  const proof = h.webIdentityProof ?? new Uint8Array(0);
  if (proof.length !== 0 && !isSigLength(proof.length))
    throw new RangeError('web identity proof must be a 64- or 114-byte signature');
  const w = new Writer(2048);
  encodeVersionRange(w, h.vr);
  w.bytes(h.sessionId);
  encodeCertChainPubKey(w, h.certChainPubKey);
  return w.bytes(proof).finish();
}

/**
 * Parses a server hello; the proof is optional (absent, empty or not a signature length reads as
 * none, upstream `optional (decodeSignature <$?> smpP)`) and trailing bytes are ignored (`Tail`).
 */
export function decodeXFTPServerHandshake(bytes: Uint8Array): XFTPServerHandshake {
  const d = new Decoder(bytes);
  const vr = decodeVersionRange(d);
  const sessionId = d.bytes();
  const certChainPubKey = decodeCertChainPubKey(d);
  const webIdentityProof = d.optional((x) => {
    const s = x.bytes();
    if (!isSigLength(s.length)) x.fail('not a signature');
    return s;
  });
  return { vr, sessionId, certChainPubKey, webIdentityProof };
}

/** `Maybe sb(challenge)`: `'0'`, or `'1' || 0x20 || challenge`. */
export function encodeXFTPClientHello(h: XFTPClientHello): Uint8Array {
  if (h.webChallenge !== undefined && h.webChallenge.length !== WEB_CHALLENGE_LENGTH)
    throw new RangeError('web challenge must be 32 bytes');
  return new Writer(40).maybe(h.webChallenge, (w, c) => w.bytes(c)).finish();
}

/** Parses a client hello; a challenge must be 32 bytes; trailing bytes are ignored (`Tail`). */
export function decodeXFTPClientHello(bytes: Uint8Array): XFTPClientHello {
  const d = new Decoder(bytes);
  const webChallenge = d.maybe((x) => {
    const c = x.bytes();
    if (c.length !== WEB_CHALLENGE_LENGTH) x.fail('bad XFTPClientHello webChallenge');
    return c;
  });
  return { webChallenge };
}

/** `Word16 version || sb(keyHash)`. */
export function encodeXFTPClientHandshake(h: XFTPClientHandshake): Uint8Array {
  return new Writer(40).word16(h.version).bytes(h.keyHash).finish();
}

/** Parses a client handshake; trailing bytes are ignored (`Tail`). */
export function decodeXFTPClientHandshake(bytes: Uint8Array): XFTPClientHandshake {
  const d = new Decoder(bytes);
  const version = d.word16();
  return { version, keyHash: d.bytes() };
}

/** `pad(message, 16384)`: every handshake body; TransportError `LARGE_MSG` if it does not fit. */
export function encodeXFTPHandshakeBlock(message: Uint8Array): Uint8Array {
  try {
    return pad(message, XFTP_BLOCK_SIZE);
  } catch (e) {
    throw new TransportError('LARGE_MSG', 'handshake message does not fit a block', { cause: e });
  }
}

/** Server hello as a padded block. */
export const encodeXFTPServerHandshakeBlock = (h: XFTPServerHandshake): Uint8Array =>
  encodeXFTPHandshakeBlock(encodeXFTPServerHandshake(h));

/** Client hello (web) as a padded block. */
export const encodeXFTPClientHelloBlock = (h: XFTPClientHello): Uint8Array =>
  encodeXFTPHandshakeBlock(encodeXFTPClientHello(h));

/** Client handshake as a padded block. */
export const encodeXFTPClientHandshakeBlock = (h: XFTPClientHandshake): Uint8Array =>
  encodeXFTPHandshakeBlock(encodeXFTPClientHandshake(h));

/**
 * Client side: the server hello from a response body. Bad padding → TransportError `BLOCK`
 * (`TEBadBlock`), unparsable → HandshakeError `PARSE`, as upstream `getServerHandshake`. A padded
 * bare error (§4.6) fails here with `PARSE`; `decodeXFTPHandshakeErrorBlock` tells which error it was.
 */
export function readXFTPServerHandshakeBlock(body: Uint8Array): XFTPServerHandshake {
  let msg: Uint8Array;
  try {
    msg = unPad(body);
  } catch (e) {
    throw new TransportError('BLOCK', 'bad server handshake padding', { cause: e });
  }
  try {
    return decodeXFTPServerHandshake(msg);
  } catch (e) {
    if (e instanceof ParseError)
      throw new HandshakeError('PARSE', `server handshake does not parse: ${e.message}`, {
        cause: e,
      });
    throw e;
  }
}

/** A handshake-phase error body: `pad(error name, 16384)`, not a transmission (§4.6, `sendError`). */
export function encodeXFTPHandshakeErrorBlock(e: XFTPErrorType): Uint8Array {
  return encodeXFTPHandshakeBlock(encodeXFTPErrorTypeBytes(e));
}

/** The error of a padded bare error body, or undefined if the body is not one. */
export function decodeXFTPHandshakeErrorBlock(body: Uint8Array): XFTPErrorType | undefined {
  try {
    return decodeXFTPErrorTypeBytes(unPad(body));
  } catch (e) {
    if (e instanceof ParseError || e instanceof CryptoError) return undefined;
    throw e;
  }
}
