// Record builders for the store tests: random IDs so tests sharing one database never collide.
import { randomBytes } from 'node:crypto';
import type { NewMessage, PendingNtf, QueueRec } from '../../src/index.ts';

export const DAY = 86400;
export const TODAY = Math.floor(Date.now() / 1000 / DAY) * DAY;

/** 24 random bytes, as a plain Uint8Array. */
export const rid = (): Uint8Array => new Uint8Array(randomBytes(24));
/** A fake 44-byte Ed25519 SPKI (opaque to the store). */
export const key = (): Uint8Array => new Uint8Array(randomBytes(44));

/** A messaging queue on vshard 1 with fresh IDs; override any field. */
export function queueRec(over: Partial<QueueRec> = {}): QueueRec {
  return {
    recipientId: rid(),
    recipientKeys: [key()],
    rcvDhSecret: new Uint8Array(randomBytes(32)),
    senderId: rid(),
    queueMode: 'M',
    status: { kind: 'active' },
    updatedAt: TODAY,
    vshard: 1,
    ...over,
  };
}

/** A notifier credential set with a fresh notifier ID. */
export const ntfCreds = () => ({
  notifierId: rid(),
  notifierKey: key(),
  rcvNtfDhSecret: new Uint8Array(randomBytes(32)),
});

/** A message with a fresh ID. */
export function msg(
  ts = 1_700_000_000n,
  body: Uint8Array = new Uint8Array(randomBytes(64)),
  ntfFlag = true,
): NewMessage {
  return { msgId: rid(), ts, ntfFlag, body };
}

/** A pending notification with a fresh message ID. */
export function ntf(ts = 1_700_000_000n): PendingNtf {
  return {
    msgId: rid(),
    ts,
    nonce: new Uint8Array(randomBytes(24)),
    encMeta: new Uint8Array(randomBytes(144)),
  };
}
