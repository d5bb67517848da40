// Plaintext bodies the server encrypts for clients (spec smp.md §7.6, §7.8): the recipient's
// `rcvMsgBody` and the notifier's `NMsgMeta`. Upstream `Protocol.hs: encodeRcvMsgBody, RcvMsgBody,
// clientRcvMsgBodyP, NMsgMeta, MaxMessageLen`. Padding and encryption are done elsewhere (crypto/).
import { Decoder } from '../encoding/decoder.ts';
import { Writer } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';
import type { MsgFlags } from './commands.ts';

/** Largest body a `MSG` can carry (upstream `MaxMessageLen`; `MaxRcvMessageLen` = this + 16). */
export const MAX_MESSAGE_LENGTH = 16088;

/** A delivered message before encryption: a normal message or the quota marker. */
export type RcvMsgBody =
  | {
      readonly type: 'message';
      readonly ts: bigint;
      readonly flags: MsgFlags;
      readonly body: Uint8Array;
    }
  | { readonly type: 'quota'; readonly ts: bigint };

/** `ts || flags || ' ' || body`, or `"QUOTA " || ts` (upstream `encodeRcvMsgBody`). */
export function encodeRcvMsgBody(m: RcvMsgBody): Uint8Array {
  if (m.type === 'quota') return new Writer(14).ascii('QUOTA ').int64(m.ts).finish();
  if (m.body.length > MAX_MESSAGE_LENGTH)
    throw new RangeError(`message body over ${MAX_MESSAGE_LENGTH} bytes`);
  return new Writer(m.body.length + 10)
    .int64(m.ts)
    .bool(m.flags.notification)
    .ascii(' ')
    .raw(m.body)
    .finish();
}

/** Parses a decrypted, unpadded body (upstream `clientRcvMsgBodyP`: the quota form is tried first). */
export function decodeRcvMsgBody(b: Uint8Array): RcvMsgBody {
  const q = new Decoder(b);
  const quota = q.optional((d) => {
    d.expectAscii('QUOTA ');
    const ts = d.int64();
    d.assertEnd();
    return ts;
  });
  if (quota !== undefined) return { type: 'quota', ts: quota };
  const d = new Decoder(b);
  const ts = d.int64();
  const notification = d.bool();
  while (d.remaining > 0 && d.peek() !== 0x20) d.byte(); // reserved flag bytes, as in SEND
  d.expectByte(0x20, 'space');
  return { type: 'message', ts, flags: { notification }, body: d.rest() };
}

/** Notification metadata (upstream `NMsgMeta`). */
export interface NMsgMeta {
  readonly msgId: Uint8Array;
  readonly ts: bigint;
}

/** `sb(msgId) || ts`. */
export function encodeNMsgMeta(m: NMsgMeta): Uint8Array {
  return new Writer(m.msgId.length + 9).bytes(m.msgId).int64(m.ts).finish();
}

/** Parses `sb(msgId) || ts`, ignoring any extension bytes after `ts` (upstream `Tail _`). */
export function decodeNMsgMeta(b: Uint8Array): NMsgMeta {
  const d = new Decoder(b);
  try {
    const msgId = d.bytes();
    return { msgId, ts: d.int64() };
  } catch (e) {
    if (e instanceof ParseError)
      throw new ParseError(`NMsgMeta: ${e.message}`, e.offset, { cause: e });
    throw e;
  }
}
