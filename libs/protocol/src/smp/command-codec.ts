// Wire codec of client → server commands (spec smp.md §6.6, §7), per negotiated version.
// Upstream `Protocol.hs: encodeProtocol @(Command p)`, `protocolP @Cmd` (incl. `newCmd`),
// `parseProtocol` (tag = bytes before the first space; UNKNOWN vs SYNTAX), `Encoding MsgFlags`.
import { Decoder } from '../encoding/decoder.ts';
import { Writer, bytesAscii } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';
import { AUTH_ALGORITHMS, decodeAuthKey, decodeDhKey, encodePubKey } from '../crypto/keys.ts';
import type { PublicKey } from '../crypto/keys.ts';
import {
  newNtfCredsSMPVersion,
  shortLinksSMPVersion,
  sndAuthKeySMPVersion,
} from '../version/smp-versions.ts';
import { decodeBasicAuth, decodeSmpServer, encodeBasicAuth, encodeSmpServer } from './address.ts';
import type {
  Command,
  CommandTag,
  NewNtfCreds,
  NewQueueReq,
  QueueLinkData,
  QueueReqData,
} from './commands.ts';

/** Outcome of parsing a command: the command, or the `CMD` error upstream answers. */
export type CommandParseResult =
  | { readonly ok: true; readonly command: Command }
  | { readonly ok: false; readonly error: 'UNKNOWN' | 'SYNTAX'; readonly cause?: ParseError };

// ---- shared field codecs -------------------------------------------------------------------------

/** Writes an auth key (Ed25519, Ed448 or X25519); RangeError for other algorithms. */
export function writeAuthKey(w: Writer, k: PublicKey): void {
  if (!(AUTH_ALGORITHMS as readonly string[]).includes(k.alg))
    throw new RangeError(`${k.alg} is not an auth key`);
  encodePubKey(w, k);
}

/** Writes an X25519 DH key; RangeError for other algorithms. */
export function writeDhKey(w: Writer, k: PublicKey): void {
  if (k.alg !== 'x25519') throw new RangeError('DH key must be X25519');
  encodePubKey(w, k);
}

/** Writes `lb(fixedData) || lb(userData)` (upstream `QueueLinkData` = two `EncDataBytes`). */
export function writeLinkData(w: Writer, d: QueueLinkData): void {
  w.large(d.fixedData).large(d.userData);
}

/** Reads `lb(fixedData) || lb(userData)`. */
export function readLinkData(d: Decoder): QueueLinkData {
  const fixedData = d.large();
  return { fixedData, userData: d.large() };
}

function writeQueueReqData(w: Writer, q: QueueReqData): void {
  if (q.mode === 'messaging') {
    w.ascii('M').maybe(q.link, (w2, l) => {
      w2.bytes(l.senderId);
      writeLinkData(w2, l.data);
    });
  } else {
    w.ascii('C').maybe(q.link, (w2, l) => {
      w2.bytes(l.linkId).bytes(l.senderId);
      writeLinkData(w2, l.data);
    });
  }
}

function readQueueReqData(d: Decoder): QueueReqData {
  const m = d.byte();
  if (m === 0x4d) {
    const link = d.maybe((d2) => ({ senderId: d2.bytes(), data: readLinkData(d2) }));
    return link === undefined ? { mode: 'messaging' } : { mode: 'messaging', link };
  }
  if (m === 0x43) {
    const link = d.maybe((d2) => ({
      linkId: d2.bytes(),
      senderId: d2.bytes(),
      data: readLinkData(d2),
    }));
    return link === undefined ? { mode: 'contact' } : { mode: 'contact', link };
  }
  return d.fail('bad QueueReqData');
}

const writeNtfCreds = (w: Writer, c: NewNtfCreds): void => {
  writeAuthKey(w, c.notifierKey);
  writeDhKey(w, c.rcvNtfDhKey);
};

const readNtfCreds = (d: Decoder): NewNtfCreds => {
  const notifierKey = decodeAuthKey(d);
  return { notifierKey, rcvNtfDhKey: decodeDhKey(d) };
};

function readSubMode(d: Decoder): NewQueueReq['subMode'] {
  const b = d.byte();
  if (b === 0x53) return 'subscribe';
  if (b === 0x43) return 'onlyCreate';
  return d.fail('bad SubscriptionMode');
}

// ---- encoding ------------------------------------------------------------------------------------

function writeNew(w: Writer, v: number, r: NewQueueReq): void {
  w.ascii('NEW ');
  writeAuthKey(w, r.rcvAuthKey);
  writeDhKey(w, r.rcvDhKey);
  const subMode = r.subMode === 'subscribe' ? 'S' : 'C';
  if (v >= sndAuthKeySMPVersion) {
    w.maybe(r.basicAuth, encodeBasicAuth).ascii(subMode);
    if (v >= shortLinksSMPVersion) w.maybe(r.queueReqData, writeQueueReqData);
    // v 9–14: only "can the sender secure" survives (upstream `senderCanSecure`).
    else w.bool(r.queueReqData?.mode === 'messaging');
    if (v >= newNtfCredsSMPVersion) w.maybe(r.ntfCreds, writeNtfCreds);
  } else {
    // v 6–8: an optional 'A'-prefixed auth instead of a Maybe.
    if (r.basicAuth !== undefined) encodeBasicAuth(w.ascii('A'), r.basicAuth);
    w.ascii(subMode);
  }
}

/** Encodes a command for version `v`; fields the version cannot carry are dropped, as upstream does. */
export function encodeCommand(v: number, cmd: Command): Uint8Array {
  const w = new Writer(cmd.tag === 'SEND' ? cmd.body.length + 16 : 128);
  switch (cmd.tag) {
    case 'NEW':
      writeNew(w, v, cmd.req);
      break;
    case 'KEY':
    case 'SKEY':
    case 'LKEY':
      writeAuthKey(w.ascii(cmd.tag).ascii(' '), cmd.senderKey);
      break;
    case 'RKEY':
      w.ascii('RKEY ');
      if (cmd.recipientKeys.length === 0) throw new RangeError('RKEY needs at least one key');
      w.list(cmd.recipientKeys, writeAuthKey);
      break;
    case 'LSET':
      writeLinkData(w.ascii('LSET ').bytes(cmd.linkId), cmd.data);
      break;
    case 'NKEY':
      w.ascii('NKEY ');
      writeAuthKey(w, cmd.notifierKey);
      writeDhKey(w, cmd.rcvNtfDhKey);
      break;
    case 'ACK':
      w.ascii('ACK ').bytes(cmd.msgId);
      break;
    case 'SEND':
      w.ascii('SEND ').bool(cmd.flags.notification).ascii(' ').raw(cmd.body);
      break;
    case 'PRXY':
      encodeSmpServer(w.ascii('PRXY '), cmd.server);
      w.maybe(cmd.basicAuth, encodeBasicAuth);
      break;
    case 'PFWD':
      writeDhKey(w.ascii('PFWD ').word16(cmd.fwdVersion), cmd.commandKey);
      w.raw(cmd.encTransmission);
      break;
    case 'RFWD':
      w.ascii('RFWD ').raw(cmd.encFwdTransmission);
      break;
    default:
      w.ascii(cmd.tag);
  }
  return w.finish();
}

// ---- decoding ------------------------------------------------------------------------------------

type ParamsParser = (v: number, d: Decoder) => Command;

// Parameters start with the space after the tag (upstream `_smpP`).
const sp = (d: Decoder): Decoder => {
  d.expectByte(0x20, 'space');
  return d;
};

function parseNew(v: number, d: Decoder): Command {
  const rcvAuthKey = decodeAuthKey(sp(d));
  const rcvDhKey = decodeDhKey(d);
  let basicAuth: Uint8Array | undefined;
  let queueReqData: QueueReqData | undefined;
  let ntfCreds: NewNtfCreds | undefined;
  if (v >= sndAuthKeySMPVersion) basicAuth = d.maybe(decodeBasicAuth);
  else
    basicAuth = d.optional((d2) => {
      d2.expectByte(0x41, "'A'");
      return decodeBasicAuth(d2);
    });
  const subMode = readSubMode(d);
  if (v >= shortLinksSMPVersion) queueReqData = d.maybe(readQueueReqData);
  else if (v >= sndAuthKeySMPVersion) queueReqData = { mode: d.bool() ? 'messaging' : 'contact' };
  if (v >= newNtfCredsSMPVersion) ntfCreds = d.maybe(readNtfCreds);
  const req: NewQueueReq = {
    rcvAuthKey,
    rcvDhKey,
    subMode,
    ...(basicAuth !== undefined && { basicAuth }),
    ...(queueReqData !== undefined && { queueReqData }),
    ...(ntfCreds !== undefined && { ntfCreds }),
  };
  return { tag: 'NEW', req };
}

function parseSend(_v: number, d: Decoder): Command {
  const notification = sp(d).bool();
  // Further non-space flag bytes are reserved and ignored (upstream `MsgFlags` `A.takeTill (== ' ')`).
  while (d.remaining > 0 && d.peek() !== 0x20) d.byte();
  const body = sp(d).rest();
  return { tag: 'SEND', flags: { notification }, body };
}

const noParams =
  (tag: CommandTag): ParamsParser =>
  () =>
    ({ tag }) as Command;

/** Tag → parameter parser (upstream `decodeTag @CmdTag` + `protocolP`). */
const COMMAND_PARSERS: ReadonlyMap<string, ParamsParser> = new Map<string, ParamsParser>([
  ['NEW', parseNew],
  ['SUB', noParams('SUB')],
  ['SUBS', noParams('SUBS')],
  ['KEY', (_v, d) => ({ tag: 'KEY', senderKey: decodeAuthKey(sp(d)) })],
  ['RKEY', (_v, d) => ({ tag: 'RKEY', recipientKeys: sp(d).nonEmpty(decodeAuthKey) })],
  ['LSET', (_v, d) => ({ tag: 'LSET', linkId: sp(d).bytes(), data: readLinkData(d) })],
  ['LDEL', noParams('LDEL')],
  [
    'NKEY',
    (_v, d) => {
      const notifierKey = decodeAuthKey(sp(d));
      return { tag: 'NKEY', notifierKey, rcvNtfDhKey: decodeDhKey(d) };
    },
  ],
  ['NDEL', noParams('NDEL')],
  ['GET', noParams('GET')],
  ['ACK', (_v, d) => ({ tag: 'ACK', msgId: sp(d).bytes() })],
  ['OFF', noParams('OFF')],
  ['DEL', noParams('DEL')],
  ['QUE', noParams('QUE')],
  ['SKEY', (_v, d) => ({ tag: 'SKEY', senderKey: decodeAuthKey(sp(d)) })],
  ['SEND', parseSend],
  ['PING', noParams('PING')],
  ['LKEY', (_v, d) => ({ tag: 'LKEY', senderKey: decodeAuthKey(sp(d)) })],
  ['LGET', noParams('LGET')],
  ['NSUB', noParams('NSUB')],
  ['NSUBS', noParams('NSUBS')],
  [
    'PRXY',
    (_v, d) => {
      const server = decodeSmpServer(sp(d));
      const basicAuth = d.maybe(decodeBasicAuth);
      return basicAuth === undefined ? { tag: 'PRXY', server } : { tag: 'PRXY', server, basicAuth };
    },
  ],
  [
    'PFWD',
    (_v, d) => {
      const fwdVersion = sp(d).word16();
      const commandKey = decodeDhKey(d);
      return { tag: 'PFWD', fwdVersion, commandKey, encTransmission: d.rest() };
    },
  ],
  ['RFWD', (_v, d) => ({ tag: 'RFWD', encFwdTransmission: sp(d).rest() })],
]);

/** Length of the tag: the bytes before the first space, or all of them (upstream `B.break (== ' ')`). */
export function tagLength(b: Uint8Array): number {
  const i = b.indexOf(0x20);
  return i < 0 ? b.length : i;
}

/**
 * Parses a command at version `v` the way upstream `parseProtocol` does: an unknown tag is
 * `UNKNOWN`; a known tag whose parameters do not parse exactly to the end is `SYNTAX`.
 */
export function parseCommand(v: number, bytes: Uint8Array): CommandParseResult {
  const n = tagLength(bytes);
  const parser = COMMAND_PARSERS.get(bytesAscii(bytes.subarray(0, n)));
  if (parser === undefined) return { ok: false, error: 'UNKNOWN' };
  const d = new Decoder(bytes);
  d.take(n);
  try {
    const command = parser(v, d);
    d.assertEnd();
    return { ok: true, command };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: 'SYNTAX', cause: e };
    throw e;
  }
}

/** Decodes a command at version `v`, throwing ParseError (see parseCommand for the UNKNOWN/SYNTAX split). */
export function decodeCommand(v: number, bytes: Uint8Array): Command {
  const r = parseCommand(v, bytes);
  if (r.ok) return r.command;
  throw r.cause ?? new ParseError('unknown command tag', 0);
}

/** True if `tag` is a known command tag. */
export function isCommandTag(tag: string): tag is CommandTag {
  return COMMAND_PARSERS.has(tag);
}
