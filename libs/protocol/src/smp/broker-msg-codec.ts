// Server → client messages of SMP (spec smp.md §7.1–§7.12) and their per-version wire codec.
// Upstream `Protocol.hs: BrokerMsg, QueueIdsKeys, ServerNtfCreds`, `encodeProtocol @BrokerMsg`,
// `protocolP @BrokerMsg`, `checkCredentials @BrokerMsg`.
import { Decoder } from '../encoding/decoder.ts';
import { Writer, bytesAscii } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';
import { decodeDhKey } from '../crypto/keys.ts';
import type { PublicKey } from '../crypto/keys.ts';
import {
  deletedEventSMPVersion,
  newNtfCredsSMPVersion,
  serviceCertsSMPVersion,
  shortLinksSMPVersion,
  sndAuthKeySMPVersion,
} from '../version/smp-versions.ts';
import { decodeVersionRange, encodeVersionRange } from '../version/version-range.ts';
import type { VersionRange } from '../version/version-range.ts';
import { decodeCertChainPubKey, encodeCertChainPubKey } from './cert-chain.ts';
import type { CertChainPubKey } from './cert-chain.ts';
import { readLinkData, tagLength, writeDhKey, writeLinkData } from './command-codec.ts';
import type { EntityId, QueueLinkData, QueueMode } from './commands.ts';
import { cmdError, decodeErrorType, encodeErrorType } from './errors.ts';
import type { ErrorType } from './errors.ts';
import { decodeQueueInfo, encodeQueueInfo } from './queue-info.ts';
import type { QueueInfo } from './queue-info.ts';

/** Notifier created together with the queue (v ≥ 17, upstream `ServerNtfCreds`). */
export interface ServerNtfCreds {
  readonly notifierId: EntityId;
  readonly srvNtfDhKey: PublicKey;
}

/** `IDS` payload (upstream `QueueIdsKeys`); optional fields exist only from the versions noted. */
export interface QueueIdsKeys {
  readonly rcvId: EntityId;
  readonly sndId: EntityId;
  /** Server X25519 key for body encryption. */
  readonly rcvPublicDhKey: PublicKey;
  /** v ≥ 15; v 9–14 carry it as `sndSecure` (messaging ⇔ 'T'). */
  readonly queueMode?: QueueMode;
  /** v ≥ 15. */
  readonly linkId?: EntityId;
  /** v ≥ 16. */
  readonly serviceId?: EntityId;
  /** v ≥ 17. */
  readonly serverNtfCreds?: ServerNtfCreds;
}

/** Every server → client message; `tag` is the wire tag. */
export type BrokerMsg =
  | { readonly tag: 'IDS'; readonly ids: QueueIdsKeys }
  | { readonly tag: 'LNK'; readonly senderId: EntityId; readonly data: QueueLinkData }
  | { readonly tag: 'SOK'; readonly serviceId?: EntityId }
  | { readonly tag: 'SOKS'; readonly count: bigint }
  | { readonly tag: 'MSG'; readonly msgId: Uint8Array; readonly encBody: Uint8Array }
  | { readonly tag: 'NID'; readonly notifierId: EntityId; readonly srvNtfDhKey: PublicKey }
  | { readonly tag: 'NMSG'; readonly nonce: Uint8Array; readonly encMeta: Uint8Array }
  | {
      readonly tag: 'PKEY';
      readonly sessionId: Uint8Array;
      readonly versionRange: VersionRange;
      readonly certKey: CertChainPubKey;
    }
  | { readonly tag: 'RRES'; readonly encFwdResponse: Uint8Array }
  | { readonly tag: 'PRES'; readonly encResponse: Uint8Array }
  | { readonly tag: 'END' }
  | { readonly tag: 'ENDS'; readonly count: bigint }
  | { readonly tag: 'DELD' }
  | { readonly tag: 'INFO'; readonly info: QueueInfo }
  | { readonly tag: 'OK' }
  | { readonly tag: 'ERR'; readonly error: ErrorType }
  | { readonly tag: 'PONG' };

/** Broker message tags. */
export type BrokerMsgTag = BrokerMsg['tag'];

/** Outcome of parsing a broker message (same UNKNOWN/SYNTAX split as commands). */
export type BrokerMsgParseResult =
  | { readonly ok: true; readonly msg: BrokerMsg }
  | { readonly ok: false; readonly error: 'UNKNOWN' | 'SYNTAX'; readonly cause?: ParseError };

/** Size of the `NMSG` nonce (upstream `CbNonce`, raw 24 bytes). */
export const NMSG_NONCE_LENGTH = 24;

const writeQueueMode = (w: Writer, m: QueueMode): void =>
  void w.ascii(m === 'messaging' ? 'M' : 'C');

const readQueueMode = (d: Decoder): QueueMode => {
  const b = d.byte();
  if (b === 0x4d) return 'messaging';
  if (b === 0x43) return 'contact';
  return d.fail('bad QueueMode');
};

function writeIds(w: Writer, v: number, q: QueueIdsKeys): void {
  w.ascii('IDS ').bytes(q.rcvId).bytes(q.sndId);
  writeDhKey(w, q.rcvPublicDhKey);
  if (v >= shortLinksSMPVersion) {
    w.maybe(q.queueMode, writeQueueMode).maybe(q.linkId, (w2, l) => w2.bytes(l));
    if (v >= serviceCertsSMPVersion) w.maybe(q.serviceId, (w2, s) => w2.bytes(s));
    if (v >= newNtfCredsSMPVersion) {
      w.maybe(q.serverNtfCreds, (w2, c) => {
        w2.bytes(c.notifierId);
        writeDhKey(w2, c.srvNtfDhKey);
      });
    }
  } else if (v >= sndAuthKeySMPVersion) w.bool(q.queueMode === 'messaging'); // upstream `senderCanSecure`
}

/**
 * Encodes a broker message for version `v`. Downgrades as upstream: `SOK` → `OK` below v16,
 * `DELD` → `END` below v10, `ERR BLOCKED` per errors.ts; `IDS` drops fields the version lacks.
 */
export function encodeBrokerMsg(v: number, msg: BrokerMsg): Uint8Array {
  const w = new Writer(
    msg.tag === 'MSG' || msg.tag === 'PRES' || msg.tag === 'RRES' ? 16_400 : 256,
  );
  switch (msg.tag) {
    case 'IDS':
      writeIds(w, v, msg.ids);
      break;
    case 'LNK':
      writeLinkData(w.ascii('LNK ').bytes(msg.senderId), msg.data);
      break;
    case 'SOK':
      if (v >= serviceCertsSMPVersion) w.ascii('SOK ').maybe(msg.serviceId, (w2, s) => w2.bytes(s));
      else w.ascii('OK');
      break;
    case 'SOKS':
    case 'ENDS':
      w.ascii(msg.tag).ascii(' ').int64(msg.count);
      break;
    case 'MSG':
      w.ascii('MSG ').bytes(msg.msgId).raw(msg.encBody);
      break;
    case 'NID':
      writeDhKey(w.ascii('NID ').bytes(msg.notifierId), msg.srvNtfDhKey);
      break;
    case 'NMSG':
      if (msg.nonce.length !== NMSG_NONCE_LENGTH)
        throw new RangeError('NMSG nonce must be 24 bytes');
      w.ascii('NMSG ').raw(msg.nonce).bytes(msg.encMeta);
      break;
    case 'PKEY':
      encodeVersionRange(w.ascii('PKEY ').bytes(msg.sessionId), msg.versionRange);
      encodeCertChainPubKey(w, msg.certKey);
      break;
    case 'RRES':
      w.ascii('RRES ').raw(msg.encFwdResponse);
      break;
    case 'PRES':
      w.ascii('PRES ').raw(msg.encResponse);
      break;
    case 'DELD':
      w.ascii(v >= deletedEventSMPVersion ? 'DELD' : 'END');
      break;
    case 'INFO':
      w.ascii('INFO ').raw(encodeQueueInfo(msg.info));
      break;
    case 'ERR':
      encodeErrorType(w.ascii('ERR '), v, msg.error);
      break;
    default:
      w.ascii(msg.tag);
  }
  return w.finish();
}

type MsgParser = (v: number, d: Decoder) => BrokerMsg;

const sp = (d: Decoder): Decoder => {
  d.expectByte(0x20, 'space');
  return d;
};

function parseIds(v: number, d: Decoder): BrokerMsg {
  const rcvId = sp(d).bytes();
  const sndId = d.bytes();
  const rcvPublicDhKey = decodeDhKey(d);
  let queueMode: QueueMode | undefined;
  let linkId: EntityId | undefined;
  let serviceId: EntityId | undefined;
  let serverNtfCreds: ServerNtfCreds | undefined;
  if (v >= shortLinksSMPVersion) {
    queueMode = d.maybe(readQueueMode);
    linkId = d.maybe((d2) => d2.bytes());
    if (v >= serviceCertsSMPVersion) serviceId = d.maybe((d2) => d2.bytes());
    if (v >= newNtfCredsSMPVersion) {
      serverNtfCreds = d.maybe((d2) => {
        const notifierId = d2.bytes();
        return { notifierId, srvNtfDhKey: decodeDhKey(d2) };
      });
    }
  } else if (v >= sndAuthKeySMPVersion) queueMode = d.bool() ? 'messaging' : 'contact';
  const ids: QueueIdsKeys = {
    rcvId,
    sndId,
    rcvPublicDhKey,
    ...(queueMode !== undefined && { queueMode }),
    ...(linkId !== undefined && { linkId }),
    ...(serviceId !== undefined && { serviceId }),
    ...(serverNtfCreds !== undefined && { serverNtfCreds }),
  };
  return { tag: 'IDS', ids };
}

const bare =
  (tag: 'END' | 'DELD' | 'OK' | 'PONG'): MsgParser =>
  () => ({ tag });

/** Tag → parameter parser (upstream `decodeTag @BrokerMsgTag` + `protocolP`). */
const BROKER_PARSERS: ReadonlyMap<string, MsgParser> = new Map<string, MsgParser>([
  ['IDS', parseIds],
  ['LNK', (_v, d) => ({ tag: 'LNK', senderId: sp(d).bytes(), data: readLinkData(d) })],
  [
    'SOK',
    (_v, d) => {
      const serviceId = sp(d).maybe((d2) => d2.bytes());
      return serviceId === undefined ? { tag: 'SOK' } : { tag: 'SOK', serviceId };
    },
  ],
  ['SOKS', (_v, d) => ({ tag: 'SOKS', count: sp(d).int64() })],
  ['MSG', (_v, d) => ({ tag: 'MSG', msgId: sp(d).bytes(), encBody: d.rest() })],
  ['NID', (_v, d) => ({ tag: 'NID', notifierId: sp(d).bytes(), srvNtfDhKey: decodeDhKey(d) })],
  ['NMSG', (_v, d) => ({ tag: 'NMSG', nonce: sp(d).take(NMSG_NONCE_LENGTH), encMeta: d.bytes() })],
  [
    'PKEY',
    (_v, d) => {
      const sessionId = sp(d).bytes();
      const versionRange = decodeVersionRange(d);
      return { tag: 'PKEY', sessionId, versionRange, certKey: decodeCertChainPubKey(d) };
    },
  ],
  ['RRES', (_v, d) => ({ tag: 'RRES', encFwdResponse: sp(d).rest() })],
  ['PRES', (_v, d) => ({ tag: 'PRES', encResponse: sp(d).rest() })],
  ['END', bare('END')],
  ['ENDS', (_v, d) => ({ tag: 'ENDS', count: sp(d).int64() })],
  ['DELD', bare('DELD')],
  ['INFO', (_v, d) => ({ tag: 'INFO', info: decodeQueueInfo(sp(d).rest()) })],
  ['OK', bare('OK')],
  ['ERR', (_v, d) => ({ tag: 'ERR', error: decodeErrorType(sp(d)) })],
  ['PONG', bare('PONG')],
]);

/** Parses a broker message at version `v` (upstream `parseProtocol @BrokerMsg`). */
export function parseBrokerMsg(v: number, bytes: Uint8Array): BrokerMsgParseResult {
  const n = tagLength(bytes);
  const parser = BROKER_PARSERS.get(bytesAscii(bytes.subarray(0, n)));
  if (parser === undefined) return { ok: false, error: 'UNKNOWN' };
  const d = new Decoder(bytes);
  d.take(n);
  try {
    const msg = parser(v, d);
    d.assertEnd();
    return { ok: true, msg };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: 'SYNTAX', cause: e };
    throw e;
  }
}

/** Decodes a broker message at version `v`, throwing ParseError. */
export function decodeBrokerMsg(v: number, bytes: Uint8Array): BrokerMsg {
  const r = parseBrokerMsg(v, bytes);
  if (r.ok) return r.msg;
  throw r.cause ?? new ParseError('unknown broker message tag', 0);
}

/**
 * Client-side entity check (upstream `checkCredentials @BrokerMsg`): `IDS`/`ERR` any entity;
 * `PONG`/`PKEY`/`RRES` none (`CMD HAS_AUTH`); everything else needs one (`CMD NO_ENTITY`).
 */
export function checkBrokerMsgCredentials(
  msg: BrokerMsg,
  entityId: EntityId,
): ErrorType | undefined {
  switch (msg.tag) {
    case 'IDS':
    case 'ERR':
      return undefined;
    case 'PONG':
    case 'PKEY':
    case 'RRES':
      return entityId.length === 0 ? undefined : cmdError('HAS_AUTH');
    default:
      return entityId.length === 0 ? cmdError('NO_ENTITY') : undefined;
  }
}
