// SMP handshake messages (spec smp.md §4.1–§4.3, §1.8). Mirrors upstream `Transport.hs: Encoding
// SMPServerHandshake, SMPClientHandshake, SMPClientHandshakeService, SMPServiceRole,
// SMPServerHandshakeResponse, CertChainPubKey, encodeAuthEncryptCmds, authEncryptCmdsP, ifHasProxy,
// ifHasService, sendHandshake, getHandshake`. The §1.8 chain codec is smp/cert-chain.ts; signatures and
// X.509 contents are crypto's concern.
import { Decoder } from '../encoding/decoder.ts';
import { Writer, asciiBytes, bytesAscii } from '../encoding/writer.ts';
import { pad, unPad } from '../crypto/padding.ts';
import { decodePubKeyOf, encodePubKey, type PublicKey } from '../crypto/keys.ts';
import {
  HandshakeError,
  HandshakeErrorCode,
  ParseError,
  TransportError,
  TransportErrorCode,
} from '../errors.ts';
import {
  decodeVersionRange,
  encodeVersionRange,
  type VersionRange,
} from '../version/version-range.ts';
import {
  authCmdsSMPVersion,
  proxyServerHandshakeSMPVersion,
  serviceCertsSMPVersion,
} from '../version/smp-versions.ts';
import {
  decodeCertChainPubKey,
  encodeCertChainPubKey,
  type CertChainPubKey,
} from '../smp/cert-chain.ts';
import { PLAIN_BLOCK_CONTENT_MAX, SMP_BLOCK_SIZE } from './block.ts';

export type { CertChainPubKey };

/** S→C hello (§4.2): offered range, tls-unique, and from v7 the signed per-connection DH key. */
export interface ServerHello {
  readonly vr: VersionRange;
  readonly sessionId: Uint8Array;
  readonly certChainPubKey?: CertChainPubKey | undefined;
}

/** Service roles of the v16 client hello (upstream `SMPServiceRole`). */
export const ServiceRole = { messaging: 'M', notifier: 'N', proxy: 'P' } as const;
export type ServiceRole = (typeof ServiceRole)[keyof typeof ServiceRole];
const SERVICE_ROLES: readonly number[] = [0x4d, 0x4e, 0x50]; // 'M' 'N' 'P'

/** The v16 service credentials in the client hello (upstream `SMPClientHandshakeService`). */
export interface ClientService {
  readonly role: ServiceRole;
  readonly certChainPubKey: CertChainPubKey;
}

/** C→S hello (§4.3). Decoded `proxyServer` is false below v14; `clientService` absent below v16. */
export interface ClientHello {
  readonly version: number;
  readonly keyHash: Uint8Array;
  readonly clientKey?: PublicKey | undefined;
  readonly proxyServer: boolean;
  readonly clientService?: ClientService | undefined;
}

/** Input of `encodeClientHello`; `proxyServer` defaults to false. */
export type ClientHelloInput = Omit<ClientHello, 'proxyServer'> & {
  readonly proxyServer?: boolean | undefined;
};

/**
 * `min || max || sb(sessionId) || [certChainPubKey]`; the key is written only if `vr.max ≥ 7`, as
 * upstream `encodeAuthEncryptCmds (maxVersion vr)` (it is silently dropped below).
 */
export function encodeServerHello(h: ServerHello): Uint8Array {
  const w = new Writer(1024);
  encodeVersionRange(w, h.vr);
  w.bytes(h.sessionId);
  if (h.vr.max >= authCmdsSMPVersion && h.certChainPubKey !== undefined)
    encodeCertChainPubKey(w, h.certChainPubKey);
  return w.finish();
}

/**
 * Parses a prefix of the server hello; trailing bytes are ignored (upstream `getHandshake` uses a
 * non-exhaustive parse). From v7 the key is optional: a malformed one parses as absent (`optional`).
 */
export function decodeServerHello(bytes: Uint8Array): ServerHello {
  const d = new Decoder(bytes);
  const vr = decodeVersionRange(d);
  const sessionId = d.bytes();
  const certChainPubKey =
    vr.max >= authCmdsSMPVersion ? d.optional(decodeCertChainPubKey) : undefined;
  return { vr, sessionId, certChainPubKey };
}

/**
 * `version || sb(keyHash) || [sb(spki(clientKey))] (v≥7) || [proxyServer] (v≥14) || [mb(service)]
 * (v≥16)`. Fields the version cannot carry are dropped, as upstream's encoder does.
 */
export function encodeClientHello(h: ClientHelloInput): Uint8Array {
  const v = h.version;
  const w = new Writer(128);
  w.word16(v).bytes(h.keyHash);
  if (v >= authCmdsSMPVersion && h.clientKey !== undefined) {
    if (h.clientKey.alg !== 'x25519') throw new RangeError('client hello key must be X25519');
    encodePubKey(w, h.clientKey);
  }
  if (v >= proxyServerHandshakeSMPVersion) w.bool(h.proxyServer ?? false);
  if (v >= serviceCertsSMPVersion) {
    w.maybe(h.clientService, (x, s) => {
      if (!SERVICE_ROLES.includes(s.role.charCodeAt(0)) || s.role.length !== 1)
        throw new RangeError('bad service role');
      x.ascii(s.role);
      encodeCertChainPubKey(x, s.certChainPubKey);
    });
  }
  return w.finish();
}

const decodeServiceRole = (d: Decoder): ServiceRole => {
  const b = d.byte();
  if (!SERVICE_ROLES.includes(b)) d.fail('bad service role');
  return String.fromCharCode(b) as ServiceRole;
};

/**
 * Parses a prefix of the client hello (trailing bytes ignored, `getHandshake`). The v≥7 key is tried
 * as `sb(X25519 SPKI)` and backtracked on failure (upstream `authEncryptCmdsP` = `optional smpP`),
 * so a malformed key field reads as "no key" and its bytes are parsed as the following fields.
 */
export function decodeClientHello(bytes: Uint8Array): ClientHello {
  const d = new Decoder(bytes);
  const version = d.word16();
  const keyHash = d.bytes();
  const clientKey =
    version >= authCmdsSMPVersion
      ? d.optional((x) => decodePubKeyOf(x, ['x25519'] as const))
      : undefined;
  const proxyServer = version >= proxyServerHandshakeSMPVersion ? d.bool() : false;
  const clientService =
    version >= serviceCertsSMPVersion
      ? d.maybe((x) => ({ role: decodeServiceRole(x), certChainPubKey: decodeCertChainPubKey(x) }))
      : undefined;
  return { version, keyHash, clientKey, proxyServer, clientService };
}

/** Text of a transport error as upstream `Encoding TransportError` writes it ("HANDSHAKE BAD_AUTH"). */
export type TransportErrorText = TransportErrorCode | `HANDSHAKE ${HandshakeErrorCode}`;

/** The v16 third handshake block, S→C (upstream `SMPServerHandshakeResponse`). */
export type ServiceResponse =
  | { readonly type: 'R'; readonly serviceId: Uint8Array }
  | { readonly type: 'E'; readonly error: TransportErrorText };

/** The wire text of a TransportError or HandshakeError, for the `'E'` service response. */
export function transportErrorText(e: TransportError | HandshakeError): TransportErrorText {
  return e instanceof HandshakeError ? `HANDSHAKE ${e.code}` : e.code;
}

const TRANSPORT_CODES = Object.values(TransportErrorCode) as readonly string[];
const HANDSHAKE_CODES = Object.values(HandshakeErrorCode) as readonly string[];

/** `'R' || sb(serviceId)` or `'E' || errorText` (tail, no length). */
export function encodeServiceResponse(r: ServiceResponse): Uint8Array {
  const w = new Writer(64);
  if (r.type === 'R') return w.ascii('R').bytes(r.serviceId).finish();
  const e: string = r.error;
  const ok =
    TRANSPORT_CODES.includes(e) ||
    (e.startsWith('HANDSHAKE ') && HANDSHAKE_CODES.includes(e.slice('HANDSHAKE '.length)));
  if (!ok) throw new RangeError(`not a transport error text: ${r.error}`);
  return w.ascii('E').raw(asciiBytes(r.error)).finish();
}

const isWordEnd = (b: number): boolean => b === 0x20 || b === 0x0a; // upstream `wordEnd`: ' ' or '\n'
const isHsSpace = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d); // attoparsec `space`

/** Reads the bytes up to (not including) the first byte satisfying `stop`, or to the end. */
const takeTill = (d: Decoder, stop: (b: number) => boolean): string => {
  let n = 0;
  while (n < d.remaining && !stop(d.buf[d.offset + n] as number)) n++;
  return bytesAscii(d.take(n));
};

/**
 * Parses a prefix of the service response (trailing bytes ignored). The error word is read like
 * upstream `smpP @TransportError`: a word up to ' ', and after "HANDSHAKE" one space and a code word.
 */
export function decodeServiceResponse(bytes: Uint8Array): ServiceResponse {
  const d = new Decoder(bytes);
  const tag = d.byte();
  if (tag === 0x52) return { type: 'R', serviceId: d.bytes() };
  if (tag !== 0x45) d.fail('bad service response tag');
  const at = d.offset;
  const word = takeTill(d, (b) => b === 0x20);
  if (word === 'HANDSHAKE') {
    if (!isHsSpace(d.byte())) d.fail('expected space');
    const code = takeTill(d, isWordEnd);
    if (!HANDSHAKE_CODES.includes(code)) throw new ParseError('bad handshake error', at);
    return { type: 'E', error: `HANDSHAKE ${code as HandshakeErrorCode}` };
  }
  if (!TRANSPORT_CODES.includes(word)) throw new ParseError('bad transport error', at);
  return { type: 'E', error: word as TransportErrorCode };
}

/** Every handshake message is sent as `pad(message, 16384)`: no count byte, no encryption (§4.1). */
export function encodeHandshakeBlock(message: Uint8Array): Uint8Array {
  if (message.length > PLAIN_BLOCK_CONTENT_MAX)
    throw new TransportError('LARGE_MSG', 'handshake message too large');
  return pad(message, SMP_BLOCK_SIZE);
}

/**
 * Unpads a handshake block (a RangeError if not 16384 bytes). A bad length word is TransportError
 * `LARGE_MSG`, the code upstream `tGetBlock` returns for it (`getHandshake` passes it through).
 */
export function decodeHandshakeBlock(block: Uint8Array): Uint8Array {
  if (block.length !== SMP_BLOCK_SIZE)
    throw new RangeError(`block must be ${SMP_BLOCK_SIZE} bytes, got ${block.length}`);
  try {
    return unPad(block);
  } catch (e) {
    throw new TransportError('LARGE_MSG', 'bad handshake block padding', { cause: e });
  }
}

/** Upstream `getHandshake`: unpad, then prefix-parse; a parse failure is HandshakeError `PARSE`. */
function getHandshake<T>(block: Uint8Array, parse: (b: Uint8Array) => T): T {
  const msg = decodeHandshakeBlock(block);
  try {
    return parse(msg);
  } catch (e) {
    if (e instanceof ParseError)
      throw new HandshakeError('PARSE', `handshake does not parse: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Server hello from its 16384-byte block (client side). */
export function readServerHelloBlock(block: Uint8Array): ServerHello {
  return getHandshake(block, decodeServerHello);
}

/** Client hello from its 16384-byte block (server side). */
export function readClientHelloBlock(block: Uint8Array): ClientHello {
  return getHandshake(block, decodeClientHello);
}

/** Service response from its 16384-byte block (service client side). */
export function readServiceResponseBlock(block: Uint8Array): ServiceResponse {
  return getHandshake(block, decodeServiceResponse);
}
