// Operator actions for the admin API (upstream control port `block`, `unblock`, `delete`;
// `Server.hs: CPBlock, CPUnblock, CPDelete`; spec smp.md §8.8). Upstream names the queue by its
// sender ID (what a reported link contains); the recipient ID is accepted too.
import type { BlockingInfo, QueueRec, QueueStatus } from '@simplex-relay/queue-store';
import { QueueServiceCounter as C } from './metrics.ts';
import { blockedError, emit, hex, today } from './context.ts';
import type { ServiceDeps } from './context.ts';
import { endQueueSubscriptions } from './recipient-commands.ts';

/** Which queue an operator action is about. */
export type QueueRef = { readonly recipientId: Uint8Array } | { readonly senderId: Uint8Array };

/** Outcome of an operator action; `previous` is the status before it. */
export type OperatorResult =
  | { readonly ok: true; readonly previous: QueueStatus }
  | {
      readonly ok: false;
      /** NOT_FOUND: no such queue on this store; QUOTA: daily block limit; OFF: the queue is suspended. */
      readonly error: 'NOT_FOUND' | 'QUOTA' | 'OFF';
    };

const NOT_FOUND = { ok: false, error: 'NOT_FOUND' } as const;

/** The three operator actions, each run in the queue's lane. */
export class OperatorActions {
  #blockDay = -1;
  #blockedToday = 0;

  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Blocks the queue; its subscriber gets `ERR BLOCKED` at once. Blocking an active queue counts
   * against `dailyBlockQueueQuota` (upstream `daily_block_queue_quota`).
   */
  block(ref: QueueRef, info: BlockingInfo): Promise<OperatorResult> {
    return this.#inLane(ref, async (qr) => {
      const quota = this.deps.opts.dailyBlockQueueQuota;
      const day = today(this.deps);
      if (day !== this.#blockDay) {
        this.#blockDay = day;
        this.#blockedToday = 0;
      }
      if (quota !== 0 && this.#blockedToday >= quota) return { ok: false, error: 'QUOTA' };
      const previous = qr.status;
      const status: QueueStatus = { kind: 'blocked', ...info };
      if (!sameStatus(previous, status)) {
        const r = await this.deps.store.setQueueStatus(qr.recipientId, status);
        if (!r.ok) return NOT_FOUND;
        const sub = this.deps.registry.subscriber(hex(qr.recipientId));
        const error = blockedError({ ...qr, status });
        if (sub !== undefined && error !== undefined)
          emit(this.deps, sub.conn, sub.smpVersion, qr.recipientId, { tag: 'ERR', error });
      }
      if (previous.kind === 'active') {
        this.#blockedToday++;
        this.deps.metrics.inc(C.queuesBlocked);
      }
      return { ok: true, previous };
    });
  }

  /** Unblocks a blocked queue; an active queue stays active; a suspended one is an error. */
  unblock(ref: QueueRef): Promise<OperatorResult> {
    return this.#inLane(ref, async (qr) => {
      const previous = qr.status;
      if (previous.kind === 'off') return { ok: false, error: 'OFF' };
      if (previous.kind === 'blocked') {
        const r = await this.deps.store.setQueueStatus(qr.recipientId, { kind: 'active' });
        if (!r.ok) return NOT_FOUND;
      }
      return { ok: true, previous };
    });
  }

  /** Deletes the queue like DEL; every subscriber of the queue and its notifier gets DELD. */
  delete(ref: QueueRef): Promise<OperatorResult> {
    return this.#inLane(ref, async (qr) => {
      const r = await this.deps.store.deleteQueue(qr.recipientId);
      if (!r.ok) return NOT_FOUND;
      endQueueSubscriptions(this.deps, r.queue, undefined);
      this.deps.metrics.inc(C.queuesDeleted);
      return { ok: true, previous: qr.status };
    });
  }

  async #inLane(
    ref: QueueRef,
    action: (qr: QueueRec) => Promise<OperatorResult>,
  ): Promise<OperatorResult> {
    const store = this.deps.store;
    const found =
      'senderId' in ref
        ? await store.getQueueBySenderId(ref.senderId)
        : await store.getQueueByRecipientId(ref.recipientId);
    if (found === undefined) return NOT_FOUND;
    return this.deps.lanes.run(hex(found.recipientId), async () => {
      const qr = await store.getQueueByRecipientId(found.recipientId);
      return qr === undefined ? NOT_FOUND : action(qr);
    });
  }
}

function sameStatus(a: QueueStatus, b: QueueStatus): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'blocked' || b.kind !== 'blocked') return true;
  return a.reason === b.reason && a.notice?.ttl === b.notice?.ttl && !a.notice === !b.notice;
}
