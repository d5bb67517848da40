// Background expiry (spec smp.md §8.6): messages older than the TTL (21 days, every 2 h) and
// pending notifications older than 24 h (every 1 h), over the owned vshards only, in bounded
// batches. Upstream `Server.hs: expireMessagesThread`, `expireNtfsThread`. A pass never overlaps
// the previous one; a failed pass is logged and counted, and the next one runs on schedule.
import { QueueServiceCounter as C } from './metrics.ts';
import { nowSec } from './context.ts';
import type { ServiceDeps } from './context.ts';
import type { Timers } from './ports.ts';

/** The two periodic expiry passes. */
export class ExpiryJobs {
  readonly #handles: unknown[] = [];
  #msgRun: Promise<number> | undefined;
  #ntfRun: Promise<number> | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly timers: Timers,
  ) {}

  start(): void {
    const o = this.deps.opts;
    if (o.messageTtlSec > 0 && o.messageExpiryIntervalMs > 0)
      this.#handles.push(
        this.timers.setInterval(() => void this.expireMessages(), o.messageExpiryIntervalMs),
      );
    if (o.notificationExpiryIntervalMs > 0)
      this.#handles.push(
        this.timers.setInterval(
          () => void this.expireNotifications(),
          o.notificationExpiryIntervalMs,
        ),
      );
  }

  /** Stops the timers and waits for a running pass. */
  async stop(): Promise<void> {
    for (const h of this.#handles.splice(0)) this.timers.clearInterval(h);
    await Promise.all([this.#msgRun, this.#ntfRun]);
  }

  /** One message expiry pass now (or the running one); resolves with the number deleted. */
  expireMessages(): Promise<number> {
    this.#msgRun ??= this.#pass('message', async () => {
      const before = BigInt(nowSec(this.deps) - this.deps.opts.messageTtlSec);
      const n = await this.deps.store.expireAllMsgs(before, {
        batchSize: this.deps.opts.expiryBatchSize,
      });
      this.deps.metrics.inc(C.messagesExpired, n);
      return n;
    }).finally(() => (this.#msgRun = undefined));
    return this.#msgRun;
  }

  /** One notification expiry pass now (or the running one); resolves with the number deleted. */
  expireNotifications(): Promise<number> {
    this.#ntfRun ??= this.#pass('notification', async () => {
      const before = BigInt(nowSec(this.deps) - this.deps.opts.notificationTtlSec);
      const n = await this.deps.store.expirePendingNtfs(before, {
        batchSize: this.deps.opts.expiryBatchSize,
      });
      this.deps.metrics.inc(C.notificationsExpired, n);
      return n;
    }).finally(() => (this.#ntfRun = undefined));
    return this.#ntfRun;
  }

  async #pass(what: string, run: () => Promise<number>): Promise<number> {
    try {
      return await run();
    } catch (err) {
      this.deps.metrics.inc(C.internalErrors);
      this.deps.logger.error(`${what} expiry pass failed: ${describe(err)}`);
      return 0;
    }
  }
}

/** An error's class and message, never its details (pg `detail` can contain key values). */
export const describe = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown';
