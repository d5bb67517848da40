// Binary codecs of the operator messages in contract.ts (OperatorRequest, OperatorAnswer), framed like
// every bus message (BUS_VERSION, kind byte). BlockingInfo travels in its upstream text form
// (`reason=spam[,notice={"ttl":N}]`, `Protocol.hs: StrEncoding BlockingInfo`), the same bytes as in
// `ERR BLOCKED`, so one codec in the protocol library validates it everywhere.
import type { Decoder } from '@simplex-relay/protocol';
import { Writer, decodeAll, decodeBlockingInfo, encodeBlockingInfo } from '@simplex-relay/protocol';
import type {
  OperatorAction,
  OperatorAnswer,
  OperatorError,
  OperatorOutcome,
  OperatorQueueRef,
  OperatorQueueStatus,
  OperatorRequest,
} from './contract.ts';
import { header, readHeader, readText, writeText } from './codec.ts';

const K_OP_REQUEST = 0x4f; // 'O'
const K_OP_ANSWER = 0x6f; // 'o'

const REF_SENDER = 0x53; // 'S'
const REF_RECIPIENT = 0x52; // 'R'

const A_BLOCK = 0x42; // 'B'
const A_UNBLOCK = 0x55; // 'U'
const A_DELETE = 0x44; // 'D'
const A_STATUS = 0x54; // 'T'

const S_ACTIVE = 0x41; // 'A'
const S_OFF = 0x4f; // 'O'
const S_BLOCKED = 0x42; // 'B'

const O_OK = 0x4b; // 'K'
const O_ERROR = 0x45; // 'E'

const ERRORS: readonly OperatorError[] = ['NOT_FOUND', 'QUOTA', 'OFF', 'NOT_OWNER', 'INTERNAL'];
const MODES = { M: 0x4d, C: 0x43 } as const;
const NO_MODE = 0x2d; // '-'

/** Encodes a requester → store operator request. */
export function encodeOperatorRequest(r: OperatorRequest): Uint8Array {
  const w = header(new Writer(128), K_OP_REQUEST);
  writeText(w, r.requesterId).word32(r.requestId).word16(r.vshard);
  writeRef(w, r.queue);
  writeAction(w, r.action);
  return w.finish();
}

/** Decodes an operator request. */
export function decodeOperatorRequest(b: Uint8Array): OperatorRequest {
  return decodeAll(b, (d) => {
    readHeader(d, [K_OP_REQUEST]);
    const requesterId = readText(d);
    const requestId = d.word32();
    const vshard = d.word16();
    const queue = readRef(d);
    const action = readAction(d);
    return { requesterId, requestId, vshard, queue, action };
  });
}

/** Encodes a store → requester operator answer. */
export function encodeOperatorAnswer(a: OperatorAnswer): Uint8Array {
  const w = header(new Writer(128), K_OP_ANSWER);
  writeText(w, a.storeId).word32(a.requestId);
  writeOutcome(w, a.outcome);
  return w.finish();
}

/** Decodes an operator answer. */
export function decodeOperatorAnswer(b: Uint8Array): OperatorAnswer {
  return decodeAll(b, (d) => {
    readHeader(d, [K_OP_ANSWER]);
    const storeId = readText(d);
    const requestId = d.word32();
    return { storeId, requestId, outcome: readOutcome(d) };
  });
}

function writeRef(w: Writer, ref: OperatorQueueRef): void {
  if ('senderId' in ref) w.byte(REF_SENDER).bytes(ref.senderId);
  else w.byte(REF_RECIPIENT).bytes(ref.recipientId);
}

function readRef(d: Decoder): OperatorQueueRef {
  const t = d.byte();
  if (t === REF_SENDER) return { senderId: d.bytes() };
  if (t === REF_RECIPIENT) return { recipientId: d.bytes() };
  return d.fail(`unknown queue reference ${t}`);
}

function writeAction(w: Writer, a: OperatorAction): void {
  switch (a.type) {
    case 'block':
      w.byte(A_BLOCK).bytes(encodeBlockingInfo(a.info));
      return;
    case 'unblock':
      w.byte(A_UNBLOCK);
      return;
    case 'delete':
      w.byte(A_DELETE);
      return;
    case 'status':
      w.byte(A_STATUS);
      return;
  }
}

function readAction(d: Decoder): OperatorAction {
  const t = d.byte();
  if (t === A_BLOCK) return { type: 'block', info: decodeBlockingInfo(d.bytes()) };
  if (t === A_UNBLOCK) return { type: 'unblock' };
  if (t === A_DELETE) return { type: 'delete' };
  if (t === A_STATUS) return { type: 'status' };
  return d.fail(`unknown operator action ${t}`);
}

function writeStatus(w: Writer, s: OperatorQueueStatus): void {
  if (s.kind === 'active') w.byte(S_ACTIVE);
  else if (s.kind === 'off') w.byte(S_OFF);
  else {
    const info =
      s.notice === undefined ? { reason: s.reason } : { reason: s.reason, notice: s.notice };
    w.byte(S_BLOCKED).bytes(encodeBlockingInfo(info));
  }
}

function readStatus(d: Decoder): OperatorQueueStatus {
  const t = d.byte();
  if (t === S_ACTIVE) return { kind: 'active' };
  if (t === S_OFF) return { kind: 'off' };
  if (t === S_BLOCKED) return { kind: 'blocked', ...decodeBlockingInfo(d.bytes()) };
  return d.fail(`unknown queue status ${t}`);
}

function writeOutcome(w: Writer, o: OperatorOutcome): void {
  if (!o.ok) {
    w.byte(O_ERROR);
    writeText(w, o.error);
    return;
  }
  w.byte(O_OK);
  writeStatus(w, o.status);
  w.maybe(o.queue, (x, q) =>
    x.byte(q.mode === null ? NO_MODE : MODES[q.mode]).int64(BigInt(q.updatedAt)),
  );
}

function readOutcome(d: Decoder): OperatorOutcome {
  const t = d.byte();
  if (t === O_ERROR) {
    const error = readText(d);
    const known = ERRORS.find((e) => e === error);
    return known === undefined ? d.fail('unknown operator error') : { ok: false, error: known };
  }
  if (t !== O_OK) return d.fail(`unknown operator outcome ${t}`);
  const status = readStatus(d);
  const queue = d.maybe((x) => {
    const m = x.byte();
    const mode: 'M' | 'C' | null =
      m === MODES.M ? 'M' : m === MODES.C ? 'C' : m === NO_MODE ? null : x.fail('bad queue mode');
    const updatedAt = x.int64();
    if (updatedAt < 0n || updatedAt > BigInt(Number.MAX_SAFE_INTEGER)) x.fail('bad updatedAt');
    return { mode, updatedAt: Number(updatedAt) };
  });
  return queue === undefined ? { ok: true, status } : { ok: true, status, queue };
}
