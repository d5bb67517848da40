// Binary codecs of the bus messages in contract.ts (not JSON: bodies are 16 KB of random bytes).
// Every message starts with BUS_VERSION and a kind byte; decoders consume exactly and throw the
// protocol library's ParseError on anything else, so a bad message can be dropped and counted.
import type { Decoder } from '@simplex-relay/protocol';
import { Writer, asciiBytes, bytesAscii, decodeAll } from '@simplex-relay/protocol';
import {
  BUS_VERSION,
  type GatewayHeartbeat,
  type ConnEvent,
  type GatewayInbound,
  type OpResult,
  type StoreHeartbeat,
  type StoreOp,
  type StoreRequest,
  type SubKind,
} from './contract.ts';

const K_REQUEST = 0x51; // 'Q'
const K_ANSWER = 0x41; // 'A'
const K_EVENTS = 0x45; // 'E'
const K_STORE_HB = 0x53; // 'S'
const K_GW_HB = 0x47; // 'G'

const OP_COMMAND = 0x43; // 'C'
const OP_RELEASE = 0x52; // 'R'
const OP_RESUB = 0x53; // 'S'

const R_TRANSMISSIONS = 0x54; // 'T'
const R_REDIRECT = 0x46; // 'F'

/** Writes BUS_VERSION and the kind byte (shared with operator-codec.ts). */
export const header = (w: Writer, kind: number): Writer => w.byte(BUS_VERSION).byte(kind);

/** Reads and checks BUS_VERSION and the kind byte. */
export const readHeader = (d: Decoder, kinds: readonly number[]): number => {
  const v = d.byte();
  if (v !== BUS_VERSION) d.fail(`unsupported bus version ${v}`);
  const k = d.byte();
  if (!kinds.includes(k)) d.fail(`unexpected bus message kind ${k}`);
  return k;
};

/** A bus ID or other ASCII text as a short string. */
export const writeText = (w: Writer, s: string): Writer => w.bytes(asciiBytes(s));
export const readText = (d: Decoder): string => bytesAscii(d.bytes());

const writeIds = (w: Writer, ids: readonly { kind: SubKind; id: Uint8Array }[]): void => {
  w.word16(ids.length);
  for (const { kind, id } of ids) w.byte(kind === 'rcv' ? 0x52 : 0x4e).bytes(id);
};

const readIds = (d: Decoder): { kind: SubKind; id: Uint8Array }[] => {
  const n = d.word16();
  const out: { kind: SubKind; id: Uint8Array }[] = [];
  for (let i = 0; i < n; i++) {
    const k = d.byte();
    if (k !== 0x52 && k !== 0x4e) d.fail('bad subscription kind');
    out.push({ kind: k === 0x52 ? 'rcv' : 'ntf', id: d.bytes() });
  }
  return out;
};

/** Encodes a gateway → store request. */
export function encodeStoreRequest(r: StoreRequest): Uint8Array {
  const w = header(new Writer(1024), K_REQUEST);
  writeText(w, r.gatewayId).word32(r.batchId).word16(r.ops.length);
  for (const op of r.ops) encodeOp(w, op);
  return w.finish();
}

function encodeOp(w: Writer, op: StoreOp): void {
  switch (op.type) {
    case 'command':
      w.byte(OP_COMMAND).word32(op.connId).word16(op.smpVersion);
      w.bytes(op.sessionId).bytes(op.corrId).bytes(op.entityId).bytes(op.auth);
      w.maybe(op.sessionKey, (x, k) => x.bytes(k));
      w.large(op.command);
      w.maybe(op.newSenderId, (x, id) => x.bytes(id));
      return;
    case 'release':
      w.byte(OP_RELEASE).word32(op.connId);
      writeIds(w, op.ids);
      return;
    case 'resubscribe':
      w.byte(OP_RESUB).word32(op.connId).word16(op.smpVersion);
      writeIds(w, op.ids);
      return;
  }
}

/** Decodes a gateway → store request. */
export function decodeStoreRequest(b: Uint8Array): StoreRequest {
  return decodeAll(b, (d) => {
    readHeader(d, [K_REQUEST]);
    const gatewayId = readText(d);
    const batchId = d.word32();
    const n = d.word16();
    const ops: StoreOp[] = [];
    for (let i = 0; i < n; i++) ops.push(decodeOp(d));
    return { gatewayId, batchId, ops };
  });
}

function decodeOp(d: Decoder): StoreOp {
  const t = d.byte();
  if (t === OP_COMMAND) {
    const connId = d.word32();
    const smpVersion = d.word16();
    const sessionId = d.bytes();
    const corrId = d.bytes();
    const entityId = d.bytes();
    const auth = d.bytes();
    const sessionKey = d.maybe((x) => x.bytes());
    const command = d.large();
    const newSenderId = d.maybe((x) => x.bytes());
    return {
      type: 'command',
      connId,
      smpVersion,
      sessionId,
      corrId,
      entityId,
      auth,
      command,
      ...(sessionKey !== undefined && { sessionKey }),
      ...(newSenderId !== undefined && { newSenderId }),
    };
  }
  if (t === OP_RELEASE) return { type: 'release', connId: d.word32(), ids: readIds(d) };
  if (t === OP_RESUB) {
    const connId = d.word32();
    const smpVersion = d.word16();
    return { type: 'resubscribe', connId, smpVersion, ids: readIds(d) };
  }
  return d.fail(`unknown op type ${t}`);
}

/** Encodes a store → gateway message (answer part or events). */
export function encodeGatewayInbound(m: GatewayInbound): Uint8Array {
  if (m.type === 'events') {
    const w = header(new Writer(16 * 1024 + 64), K_EVENTS);
    writeText(w, m.storeId).word16(m.events.length);
    for (const e of m.events) w.word32(e.connId).bytes(e.entityId).large(e.msg);
    return w.finish();
  }
  const w = header(new Writer(1024), K_ANSWER);
  writeText(w, m.storeId).word32(m.batchId).word16(m.first).word16(m.results.length);
  for (const r of m.results) encodeResult(w, r);
  return w.finish();
}

function encodeResult(w: Writer, r: OpResult): void {
  if (r.type === 'redirect') {
    w.byte(R_REDIRECT).word16(r.vshard);
    return;
  }
  w.byte(R_TRANSMISSIONS).byte(r.items.length);
  for (const t of r.items) w.bool(t.useCorrId).bytes(t.entityId).large(t.msg);
}

/** Decodes a store → gateway message. */
export function decodeGatewayInbound(b: Uint8Array): GatewayInbound {
  return decodeAll(b, (d) => {
    const k = readHeader(d, [K_ANSWER, K_EVENTS]);
    const storeId = readText(d);
    if (k === K_EVENTS) {
      const n = d.word16();
      const events = [];
      for (let i = 0; i < n; i++)
        events.push({ connId: d.word32(), entityId: d.bytes(), msg: d.large() });
      return { type: 'events', storeId, events };
    }
    const batchId = d.word32();
    const first = d.word16();
    const n = d.word16();
    const results: OpResult[] = [];
    for (let i = 0; i < n; i++) results.push(decodeResult(d));
    return { type: 'answer', storeId, batchId, first, results };
  });
}

function decodeResult(d: Decoder): OpResult {
  const t = d.byte();
  if (t === R_REDIRECT) return { type: 'redirect', vshard: d.word16() };
  if (t !== R_TRANSMISSIONS) d.fail(`unknown result type ${t}`);
  const n = d.byte();
  const items = [];
  for (let i = 0; i < n; i++)
    items.push({ useCorrId: d.bool(), entityId: d.bytes(), msg: d.large() });
  return { type: 'transmissions', items };
}

/** Encodes a store heartbeat. */
export function encodeStoreHeartbeat(h: StoreHeartbeat): Uint8Array {
  const w = header(new Writer(64 + 4 * h.vshards.length), K_STORE_HB);
  writeText(w, h.storeId).int64(h.epoch).word16(h.vshards.length);
  for (const r of h.vshards) w.word16(r.from).word16(r.to);
  return w.finish();
}

/** Decodes a store heartbeat. */
export function decodeStoreHeartbeat(b: Uint8Array): StoreHeartbeat {
  return decodeAll(b, (d) => {
    readHeader(d, [K_STORE_HB]);
    const storeId = readText(d);
    const epoch = d.int64();
    const n = d.word16();
    const vshards = [];
    for (let i = 0; i < n; i++) {
      const from = d.word16();
      const to = d.word16();
      if (from > to) d.fail('bad vshard range');
      vshards.push({ from, to });
    }
    return { storeId, epoch, vshards };
  });
}

/** Encodes a gateway heartbeat. */
export function encodeGatewayHeartbeat(h: GatewayHeartbeat): Uint8Array {
  return writeText(header(new Writer(64), K_GW_HB), h.gatewayId)
    .int64(h.epoch)
    .finish();
}

/** Decodes a gateway heartbeat. */
export function decodeGatewayHeartbeat(b: Uint8Array): GatewayHeartbeat {
  return decodeAll(b, (d) => {
    readHeader(d, [K_GW_HB]);
    return { gatewayId: readText(d), epoch: d.int64() };
  });
}

/** Bus messages stay below this size (NATS' default max_payload is 1 MiB). */
export const MAX_BUS_MESSAGE = 512 * 1024;

const resultSize = (r: OpResult): number =>
  r.type === 'redirect'
    ? 3
    : 2 + r.items.reduce((n, t) => n + 4 + t.entityId.length + t.msg.length, 0);

/** Encodes the results of one request as one or more answer parts, each ≤ MAX_BUS_MESSAGE. */
export function encodeAnswerParts(
  storeId: string,
  batchId: number,
  results: readonly OpResult[],
  maxBytes = MAX_BUS_MESSAGE,
): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let first = 0;
  let size = 0;
  for (let i = 0; i < results.length; i++) {
    const s = resultSize(results[i] as OpResult);
    if (i > first && size + s > maxBytes) {
      parts.push(
        encodeGatewayInbound({
          type: 'answer',
          storeId,
          batchId,
          first,
          results: results.slice(first, i),
        }),
      );
      first = i;
      size = 0;
    }
    size += s;
  }
  parts.push(
    encodeGatewayInbound({
      type: 'answer',
      storeId,
      batchId,
      first,
      results: results.slice(first),
    }),
  );
  return parts;
}

/** Encodes events for one gateway as one or more messages, each ≤ MAX_BUS_MESSAGE. */
export function encodeEventParts(
  storeId: string,
  events: readonly ConnEvent[],
  maxBytes = MAX_BUS_MESSAGE,
): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let first = 0;
  let size = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as ConnEvent;
    const s = 7 + e.entityId.length + e.msg.length;
    if (i > first && (size + s > maxBytes || i - first === 0xffff)) {
      parts.push(encodeGatewayInbound({ type: 'events', storeId, events: events.slice(first, i) }));
      first = i;
      size = 0;
    }
    size += s;
  }
  if (events.length > first)
    parts.push(encodeGatewayInbound({ type: 'events', storeId, events: events.slice(first) }));
  return parts;
}
