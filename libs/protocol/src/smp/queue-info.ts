// `INFO` payload of `QUE` (spec smp.md §7.3): JSON as upstream aeson writes
// `Server/QueueStore/QueueInfo.hs: QueueInfo, QSub, MsgInfo` (defaultJSON: absent fields omitted,
// fields in declaration order; enums `noSub|subPending|subThread|prohibitSub`, `message|quota`).
import { ParseError } from '../errors.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { utf8DecodeStrict, utf8Encode } from './utf8.ts';

/** Subscription state of the asking connection (upstream `QSubThread`). */
export type QSubThread = 'noSub' | 'subPending' | 'subThread' | 'prohibitSub';

/** Upstream `QSub`; `delivered` is the ID of the message delivered and not yet acknowledged. */
export interface QSub {
  readonly subThread: QSubThread;
  readonly delivered?: Uint8Array;
}

/** The head message (upstream `MsgInfo`); `ts` in whole seconds since the epoch. */
export interface MsgInfo {
  readonly msgId: Uint8Array;
  readonly ts: bigint;
  readonly type: 'message' | 'quota';
}

/** Upstream `QueueInfo`. */
export interface QueueInfo {
  readonly hasSender: boolean;
  readonly hasNotifier: boolean;
  readonly sub?: QSub;
  readonly size: number;
  readonly msg?: MsgInfo;
}

const SUB_THREADS: readonly string[] = ['noSub', 'subPending', 'subThread', 'prohibitSub'];

// aeson `UTCTime`: ISO 8601 UTC, fractional seconds only when non-zero (never, for SystemTime seconds).
const isoSeconds = (ts: bigint): string => {
  const s = new Date(Number(ts) * 1000).toISOString();
  return s.replace(/\.000Z$/, 'Z');
};

/** The JSON text upstream sends after `"INFO "`. */
export function encodeQueueInfo(q: QueueInfo): Uint8Array {
  if (!Number.isSafeInteger(q.size)) throw new RangeError('qiSize must be an integer');
  let s = `{"qiSnd":${q.hasSender},"qiNtf":${q.hasNotifier}`;
  if (q.sub !== undefined) {
    s += `,"qiSub":{"qSubThread":"${q.sub.subThread}"`;
    if (q.sub.delivered !== undefined) s += `,"qDelivered":"${encodeBase64(q.sub.delivered)}"`;
    s += '}';
  }
  s += `,"qiSize":${q.size}`;
  if (q.msg !== undefined) {
    s += `,"qiMsg":{"msgId":"${encodeBase64(q.msg.msgId)}","msgTs":"${isoSeconds(q.msg.ts)}","msgType":"${q.msg.type}"}`;
  }
  return utf8Encode(s + '}');
}

const obj = (v: unknown, what: string): Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ParseError(`${what}: not an object`);
  return v as Record<string, unknown>;
};

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new ParseError(`${what}: not a string`);
  return v;
};

/** Parses the `INFO` JSON (unknown fields ignored, as aeson does). */
export function decodeQueueInfo(b: Uint8Array): QueueInfo {
  const text = utf8DecodeStrict(b);
  if (text === undefined) throw new ParseError('QueueInfo: invalid UTF-8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ParseError('QueueInfo: bad JSON', -1, { cause: e });
  }
  const o = obj(json, 'QueueInfo');
  const { qiSnd, qiNtf, qiSize } = o;
  if (typeof qiSnd !== 'boolean' || typeof qiNtf !== 'boolean')
    throw new ParseError('QueueInfo: bad flags');
  if (typeof qiSize !== 'number' || !Number.isSafeInteger(qiSize))
    throw new ParseError('QueueInfo: bad qiSize');
  let sub: QSub | undefined;
  if (o['qiSub'] !== undefined && o['qiSub'] !== null) {
    const s = obj(o['qiSub'], 'qiSub');
    const subThread = str(s['qSubThread'], 'qSubThread');
    if (!SUB_THREADS.includes(subThread)) throw new ParseError('QueueInfo: bad qSubThread');
    const d = s['qDelivered'];
    sub =
      d === undefined || d === null
        ? { subThread: subThread as QSubThread }
        : { subThread: subThread as QSubThread, delivered: decodeBase64(str(d, 'qDelivered')) };
  }
  let msg: MsgInfo | undefined;
  if (o['qiMsg'] !== undefined && o['qiMsg'] !== null) {
    const m = obj(o['qiMsg'], 'qiMsg');
    const type = str(m['msgType'], 'msgType');
    if (type !== 'message' && type !== 'quota') throw new ParseError('QueueInfo: bad msgType');
    const ms = Date.parse(str(m['msgTs'], 'msgTs'));
    if (Number.isNaN(ms)) throw new ParseError('QueueInfo: bad msgTs');
    msg = {
      msgId: decodeBase64(str(m['msgId'], 'msgId')),
      ts: BigInt(Math.floor(ms / 1000)),
      type,
    };
  }
  return {
    hasSender: qiSnd,
    hasNotifier: qiNtf,
    size: qiSize,
    ...(sub !== undefined && { sub }),
    ...(msg !== undefined && { msg }),
  };
}
