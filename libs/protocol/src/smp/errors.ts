// `ERR` error codes (spec smp.md §7.12): the closed union mirroring upstream `Protocol.hs: ErrorType,
// CommandError, ProxyError, BrokerErrorType, BlockingInfo` and `Transport.hs: TransportError,
// HandshakeError`, with their `Encoding` instances (`smpEncode`/`smpP`) and the `encodeProtocol` ERR downgrade.
import { Decoder } from '../encoding/decoder.ts';
import { Writer, asciiBytes, bytesAscii } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';
import type { HandshakeErrorCode, TransportErrorCode } from '../errors.ts';
import { blockedEntitySMPVersion, clientNoticesSMPVersion } from '../version/smp-versions.ts';
import { utf8DecodeLossy, utf8DecodeStrict, utf8Encode } from './utf8.ts';

/** `CMD` sub-codes (upstream `CommandError`). */
export const CommandError = {
  UNKNOWN: 'UNKNOWN',
  SYNTAX: 'SYNTAX',
  PROHIBITED: 'PROHIBITED',
  NO_AUTH: 'NO_AUTH',
  HAS_AUTH: 'HAS_AUTH',
  NO_ENTITY: 'NO_ENTITY',
} as const;
export type CommandError = (typeof CommandError)[keyof typeof CommandError];

/** Transport error as carried inside `PROXY BROKER TRANSPORT` (upstream `TransportError`). */
export type TransportErrorType =
  | { readonly type: TransportErrorCode }
  | { readonly type: 'HANDSHAKE'; readonly handshake: HandshakeErrorCode };

/** Relay-side failure seen by a proxy (upstream `BrokerErrorType`). `NETWORK` carries no detail on the wire. */
export type BrokerErrorType =
  | { readonly type: 'RESPONSE'; readonly text: string }
  | { readonly type: 'UNEXPECTED'; readonly text: string }
  | { readonly type: 'TRANSPORT'; readonly transport: TransportErrorType }
  | { readonly type: 'NETWORK' | 'TIMEOUT' | 'HOST' | 'NO_SERVICE' };

/** `PROXY` sub-errors (upstream `ProxyError`). */
export type ProxyError =
  | { readonly type: 'PROTOCOL'; readonly error: ErrorType }
  | { readonly type: 'BROKER'; readonly broker: BrokerErrorType }
  | { readonly type: 'BASIC_AUTH' | 'NO_SESSION' };

/** Why a queue was blocked (upstream `BlockingReason`). */
export type BlockingReason = 'spam' | 'content';

/** Client notice of a blocked queue (upstream `Protocol/Types.hs: ClientNotice`); `ttl` in seconds, absent = indefinite. */
export interface ClientNotice {
  readonly ttl?: number;
}

/** Upstream `BlockingInfo`. */
export interface BlockingInfo {
  readonly reason: BlockingReason;
  readonly notice?: ClientNotice;
}

/** Every wire error (upstream `ErrorType`; the internal `DUPLICATE_` is never sent and is not modelled). */
export type ErrorType =
  | { readonly type: 'CMD'; readonly cmd: CommandError }
  | { readonly type: 'PROXY'; readonly proxy: ProxyError }
  | { readonly type: 'BLOCKED'; readonly info: BlockingInfo }
  | { readonly type: 'STORE'; readonly text: string }
  | {
      readonly type:
        | 'BLOCK'
        | 'SESSION'
        | 'AUTH'
        | 'SERVICE'
        | 'CRYPTO'
        | 'QUOTA'
        | 'NO_MSG'
        | 'LARGE_MSG'
        | 'EXPIRED'
        | 'INTERNAL';
    };

/** Shorthand for `CMD e`. */
export const cmdError = (cmd: CommandError): ErrorType => ({ type: 'CMD', cmd });

const SIMPLE = new Set([
  'BLOCK',
  'SESSION',
  'AUTH',
  'SERVICE',
  'CRYPTO',
  'QUOTA',
  'NO_MSG',
  'LARGE_MSG',
  'EXPIRED',
  'INTERNAL',
]);
const CMD_CODES = new Set<string>(Object.values(CommandError));
const TRANSPORT_CODES = new Set(['BLOCK', 'VERSION', 'LARGE_MSG', 'SESSION', 'NO_AUTH']);
const HANDSHAKE_CODES = new Set(['PARSE', 'IDENTITY', 'BAD_AUTH', 'BAD_SERVICE']);

// Upstream encodes RESPONSE/UNEXPECTED texts as `String` = `B.pack` (low 8 bits of each char) in a
// short string, and wraps the length byte past 255; we truncate to 255 bytes instead.
const latin1Short = (s: string): Uint8Array => {
  const n = Math.min(s.length, 255);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
};

/**
 * Writes the error text of `ERR` at version `v`, applying the `encodeProtocol` downgrade of
 * `BLOCKED`: `AUTH` for v < 12, no notice for v 12–17, full for v ≥ 18.
 */
export function encodeErrorType(w: Writer, v: number, e: ErrorType): void {
  if (e.type === 'BLOCKED') {
    if (v < blockedEntitySMPVersion) return void w.ascii('AUTH');
    if (v < clientNoticesSMPVersion)
      return writeError(w, { type: 'BLOCKED', info: { reason: e.info.reason } });
  }
  writeError(w, e);
}

// Upstream `Encoding ErrorType`: nested errors (PROXY PROTOCOL e) are not downgraded.
function writeError(w: Writer, e: ErrorType): void {
  switch (e.type) {
    case 'CMD':
      w.ascii('CMD ').ascii(e.cmd);
      return;
    case 'PROXY':
      w.ascii('PROXY ');
      writeProxyError(w, e.proxy);
      return;
    case 'BLOCKED':
      w.ascii('BLOCKED ').raw(encodeBlockingInfo(e.info));
      return;
    case 'STORE':
      w.ascii('STORE ').raw(utf8Encode(e.text));
      return;
    default:
      w.ascii(e.type);
  }
}

function writeProxyError(w: Writer, p: ProxyError): void {
  switch (p.type) {
    case 'PROTOCOL':
      w.ascii('PROTOCOL ');
      writeError(w, p.error);
      return;
    case 'BROKER':
      w.ascii('BROKER ');
      writeBrokerError(w, p.broker);
      return;
    default:
      w.ascii(p.type);
  }
}

function writeBrokerError(w: Writer, b: BrokerErrorType): void {
  switch (b.type) {
    case 'RESPONSE':
    case 'UNEXPECTED':
      w.ascii(b.type).ascii(' ').bytes(latin1Short(b.text));
      return;
    case 'TRANSPORT':
      w.ascii('TRANSPORT ');
      if (b.transport.type === 'HANDSHAKE') w.ascii('HANDSHAKE ').ascii(b.transport.handshake);
      else w.ascii(b.transport.type);
      return;
    default:
      w.ascii(b.type);
  }
}

/** `reason=<r>[,notice=<json>]` (upstream `StrEncoding BlockingInfo`; JSON as aeson writes `ClientNotice`). */
export function encodeBlockingInfo(info: BlockingInfo): Uint8Array {
  let s = `reason=${info.reason}`;
  if (info.notice !== undefined) {
    const ttl = info.notice.ttl;
    if (ttl !== undefined && !Number.isSafeInteger(ttl))
      throw new RangeError('notice ttl must be an integer');
    s += ttl === undefined ? ',notice={}' : `,notice={"ttl":${ttl}}`;
  }
  return asciiBytes(s);
}

/** Parses `reason=…[,notice=…]`, the whole buffer. */
export function decodeBlockingInfo(b: Uint8Array): BlockingInfo {
  const s = bytesAscii(b);
  let reason: BlockingReason;
  let rest: string;
  if (s.startsWith('reason=spam')) [reason, rest] = ['spam', s.slice(11)];
  else if (s.startsWith('reason=content')) [reason, rest] = ['content', s.slice(14)];
  else throw new ParseError('bad BlockingInfo reason');
  if (rest === '') return { reason };
  if (!rest.startsWith(',notice=')) throw new ParseError('bad BlockingInfo');
  return { reason, notice: decodeClientNotice(b.subarray(b.length - rest.length + 8)) };
}

// aeson `FromJSON ClientNotice` (defaultJSON): an object; `ttl` absent or null = Nothing, otherwise an
// integral Int64; unknown fields are ignored.
function decodeClientNotice(json: Uint8Array): ClientNotice {
  const text = utf8DecodeStrict(json);
  if (text === undefined) throw new ParseError('notice: invalid UTF-8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ParseError('notice: bad JSON', -1, { cause: e });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ParseError('notice: not an object');
  const ttl = (v as Record<string, unknown>)['ttl'];
  if (ttl === undefined || ttl === null) return {};
  if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl))
    throw new ParseError('notice: bad ttl');
  return { ttl };
}

/** The word up to the next space (upstream `A.takeTill (== ' ')`). */
function word(d: Decoder): string {
  const start = d.offset;
  const rest = d.buf.subarray(start);
  const sp = rest.indexOf(0x20);
  return bytesAscii(d.take(sp < 0 ? rest.length : sp));
}

/** Reads an error text (upstream `smpP @ErrorType`); the caller checks the end of input. */
export function decodeErrorType(d: Decoder): ErrorType {
  const at = d.offset;
  const tag = word(d);
  if (SIMPLE.has(tag)) return { type: tag } as ErrorType;
  switch (tag) {
    case 'CMD': {
      d.expectByte(0x20, 'space');
      const c = word(d);
      if (c === 'NO_QUEUE') return cmdError('NO_ENTITY'); // legacy spelling, upstream "for backward compatibility"
      if (!CMD_CODES.has(c)) throw new ParseError('bad CommandError', at);
      return cmdError(c as CommandError);
    }
    case 'PROXY':
      d.expectByte(0x20, 'space');
      return { type: 'PROXY', proxy: decodeProxyError(d) };
    case 'BLOCKED':
      d.expectByte(0x20, 'space');
      return { type: 'BLOCKED', info: decodeBlockingInfo(d.rest()) };
    case 'STORE':
      d.expectByte(0x20, 'space');
      return { type: 'STORE', text: utf8DecodeLossy(d.rest()) };
    default:
      throw new ParseError('bad ErrorType', at);
  }
}

function decodeProxyError(d: Decoder): ProxyError {
  const at = d.offset;
  const tag = word(d);
  switch (tag) {
    case 'PROTOCOL':
      d.expectByte(0x20, 'space');
      return { type: 'PROTOCOL', error: decodeErrorType(d) };
    case 'BROKER':
      d.expectByte(0x20, 'space');
      return { type: 'BROKER', broker: decodeBrokerError(d) };
    case 'BASIC_AUTH':
    case 'NO_SESSION':
      return { type: tag };
    default:
      throw new ParseError('bad ProxyError', at);
  }
}

function decodeBrokerError(d: Decoder): BrokerErrorType {
  const at = d.offset;
  const tag = word(d);
  switch (tag) {
    case 'RESPONSE':
    case 'UNEXPECTED':
      d.expectByte(0x20, 'space');
      return { type: tag, text: bytesAscii(d.bytes()) };
    case 'TRANSPORT':
      d.expectByte(0x20, 'space');
      return { type: 'TRANSPORT', transport: decodeTransportError(d) };
    case 'NETWORK':
      // Upstream sends plain "NETWORK" but parses an optional " <NetworkError>" detail, which we skip.
      if (d.remaining > 0) d.optional(skipNetworkDetail);
      return { type: 'NETWORK' };
    case 'TIMEOUT':
    case 'HOST':
    case 'NO_SERVICE':
      return { type: tag };
    default:
      throw new ParseError('bad BrokerErrorType', at);
  }
}

// Upstream `Encoding NetworkError`: CONNECT/TLS/SUBSCRIBE carry a short string.
function skipNetworkDetail(d: Decoder): void {
  d.expectByte(0x20, 'space');
  const tag = word(d);
  if (tag === 'CONNECT' || tag === 'TLS' || tag === 'SUBSCRIBE') {
    d.expectByte(0x20, 'space');
    d.bytes();
  } else if (tag !== 'UNKNOWNCA' && tag !== 'FAILED' && tag !== 'TIMEOUT')
    d.fail('bad NetworkError');
}

function decodeTransportError(d: Decoder): TransportErrorType {
  const at = d.offset;
  const tag = word(d);
  if (TRANSPORT_CODES.has(tag)) return { type: tag as TransportErrorCode };
  if (tag === 'HANDSHAKE') {
    d.expectByte(0x20, 'space');
    const h = word(d);
    if (HANDSHAKE_CODES.has(h)) return { type: 'HANDSHAKE', handshake: h as HandshakeErrorCode };
  }
  throw new ParseError('bad TransportError', at);
}

/** Error text as a whole buffer at version `v` (the bytes after `"ERR "`). */
export function encodeErrorTypeBytes(v: number, e: ErrorType): Uint8Array {
  const w = new Writer(64);
  encodeErrorType(w, v, e);
  return w.finish();
}

/** Parses a whole buffer as an error text. */
export function decodeErrorTypeBytes(b: Uint8Array): ErrorType {
  const d = new Decoder(b);
  const e = decodeErrorType(d);
  d.assertEnd();
  return e;
}
