// Options of the queue service; the app builds them from its validated config (house style §7).
// Defaults are upstream's (`Server/Env/STM.hs`, `Server/Main.hs`); INI names where they exist.

/** Behaviour options of `QueueService`. */
export interface QueueServiceOptions {
  /** Messages per queue before the quota marker (upstream `msgQueueQuota`). Default 128. */
  readonly msgQueueQuota?: number;
  /** `[AUTH] new_queues`: whether NEW is allowed at all. Default true. */
  readonly allowNewQueues?: boolean;
  /** `[AUTH] create_password`: NEW must carry exactly this basic auth. Default none. */
  readonly newQueueBasicAuth?: Uint8Array;
  /** `[STORE_LOG] expire_messages_days` in seconds; 0 disables expiry. Default 21 days. */
  readonly messageTtlSec?: number;
  /** Interval of the background message expiry pass. Default 2 h. */
  readonly messageExpiryIntervalMs?: number;
  /** Expire the target queue's old messages on every SEND (`expire_messages_on_send`). Default true. */
  readonly expireMessagesOnSend?: boolean;
  /** Pending-notification TTL (`defNtfExpirationHours`). Default 24 h. */
  readonly notificationTtlSec?: number;
  /** Interval of the notification expiry pass. Default 1 h. */
  readonly notificationExpiryIntervalMs?: number;
  /** Rows per statement in the expiry passes. Default 500. */
  readonly expiryBatchSize?: number;
  /** `daily_block_queue_quota`: operator blocks per UTC day; 0 = unlimited, −1 = forbidden. Default 20. */
  readonly dailyBlockQueueQuota?: number;
}

/** The defaults of every option. */
export const QUEUE_SERVICE_DEFAULTS = {
  msgQueueQuota: 128,
  allowNewQueues: true,
  messageTtlSec: 21 * 86_400,
  messageExpiryIntervalMs: 2 * 3_600_000,
  expireMessagesOnSend: true,
  notificationTtlSec: 24 * 3_600,
  notificationExpiryIntervalMs: 3_600_000,
  expiryBatchSize: 500,
  dailyBlockQueueQuota: 20,
} as const;

/** Options with defaults applied. */
export interface ResolvedQueueServiceOptions extends Required<
  Omit<QueueServiceOptions, 'newQueueBasicAuth'>
> {
  readonly newQueueBasicAuth?: Uint8Array;
}

/** Applies defaults and checks ranges (RangeError on a bad value: a config bug). */
export function resolveOptions(o: QueueServiceOptions = {}): ResolvedQueueServiceOptions {
  const given = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const r: ResolvedQueueServiceOptions = { ...QUEUE_SERVICE_DEFAULTS, ...given };
  if (!Number.isInteger(r.msgQueueQuota) || r.msgQueueQuota < 1)
    throw new RangeError('msgQueueQuota');
  for (const k of [
    'messageTtlSec',
    'messageExpiryIntervalMs',
    'notificationTtlSec',
    'notificationExpiryIntervalMs',
    'expiryBatchSize',
  ] as const) {
    if (!Number.isFinite(r[k]) || r[k] < 0) throw new RangeError(k);
  }
  if (!Number.isInteger(r.dailyBlockQueueQuota) || r.dailyBlockQueueQuota < -1)
    throw new RangeError('dailyBlockQueueQuota');
  return r;
}
