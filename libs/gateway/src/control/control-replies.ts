// The SMP control port's answer lines, worded as upstream's (`Server.hs: runCPClient`),
// including the Haskell `show` forms of `ServerEntityStatus`, `BlockingInfo`, `QueueMode` and
// `RoundedSystemTime` that upstream prints, so scripts written against smp-server keep working.
import type { OperatorOutcome, OperatorQueueStatus } from '@simplex-relay/bus';
import type { BlockingInfo } from '@simplex-relay/protocol';

/** The first lines a session gets (upstream prints them on connect). */
export const GREETING = "SMP server control port\n'help' for supported commands";

/** The `help` line: the commands this server implements. */
export const HELP = 'commands: status, block, unblock, delete, help, quit';

/** A failed lookup or store call, as the requester saw it. */
export type ControlFailure = 'UNAVAILABLE';

/** What the operator client returns: the store's outcome, or no store answered. */
export type ControlOutcome =
  OperatorOutcome | { readonly ok: false; readonly error: ControlFailure };

/** The answer line of `block`. */
export function blockReply(o: ControlOutcome, info: BlockingInfo): string {
  if (!o.ok) return failure(o.error);
  const now = showStatus({ kind: 'blocked', ...info });
  return o.status.kind === 'active' ? `ok, queue blocked: ${now}` : `ok, already inactive: ${now}`;
}

/** The answer line of `unblock`. */
export function unblockReply(o: ControlOutcome): string {
  if (!o.ok) return o.error === 'OFF' ? 'error, queue is inactive' : failure(o.error);
  if (o.status.kind === 'blocked')
    return `ok, queue unblocked, reason to block was: ${showBlockingInfo(o.status)}`;
  return o.status.kind === 'active' ? 'ok, queue was active' : 'error, queue is inactive';
}

/**
 * The answer line of `delete`. Upstream reports the number of deleted messages; the store's delete
 * does not count them, so this says only that the queue is gone.
 */
export function deleteReply(o: ControlOutcome): string {
  return o.ok ? 'ok, queue deleted' : failure(o.error);
}

/** The answer line of `status`. */
export function statusReply(o: ControlOutcome): string {
  if (!o.ok) return failure(o.error);
  const q = o.queue;
  const updatedAt = q === undefined ? 'Nothing' : `Just (${showRoundedTime(q.updatedAt)})`;
  const mode =
    q?.mode === 'M' ? 'Just QMMessaging' : q?.mode === 'C' ? 'Just QMContact' : 'Nothing';
  return `status: ${showStatus(o.status)}, updatedAt: ${updatedAt}, queueMode: ${mode}`;
}

/** `error: …` lines; an unknown queue is `AUTH`, as upstream's lookup answers. */
function failure(e: Exclude<ControlOutcome, { ok: true }>['error']): string {
  switch (e) {
    case 'NOT_FOUND':
      return 'error: AUTH';
    case 'QUOTA':
      // Upstream names the number; it is the store's setting (DAILY_BLOCK_QUEUE_QUOTA), not known here.
      return 'error: reached limit of queues blocked daily';
    case 'OFF':
      return 'error, queue is inactive';
    case 'UNAVAILABLE':
    case 'NOT_OWNER':
      return 'error: the queue store did not answer';
    case 'INTERNAL':
      return 'error: INTERNAL';
  }
}

/** Haskell `show` of `ServerEntityStatus`. */
export function showStatus(s: OperatorQueueStatus): string {
  if (s.kind === 'active') return 'EntityActive';
  if (s.kind === 'off') return 'EntityOff';
  return `EntityBlocked (${showBlockingInfo(s)})`;
}

/** Haskell `show` of `BlockingInfo` (record syntax, `Maybe` fields). */
export function showBlockingInfo(info: BlockingInfo): string {
  const reason = info.reason === 'spam' ? 'BRSpam' : 'BRContent';
  const n = info.notice;
  const notice =
    n === undefined
      ? 'Nothing'
      : `Just (ClientNotice {ttl = ${n.ttl === undefined ? 'Nothing' : `Just ${showInt(n.ttl)}`}})`;
  return `BlockingInfo {reason = ${reason}, notice = ${notice}}`;
}

/** Haskell `show` of `RoundedSystemTime` (a record newtype). */
function showRoundedTime(seconds: number): string {
  return `RoundedSystemTime {roundedSeconds = ${seconds}}`;
}

/** `show` of an Int64 as an argument of a constructor: negative numbers are parenthesised. */
function showInt(n: number): string {
  return n < 0 ? `(${n})` : String(n);
}
