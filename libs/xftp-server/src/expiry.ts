// Chunk expiry (spec xftp.md §8), upstream `Server.hs: expireServerFiles`: records older than the
// lifetime are removed in batches by the store (which gives concurrent gateways disjoint batches),
// then their bodies are deleted. Also refreshes the storage gauges, which are read from the store.
import { blobKeyForSender } from '@simplex-relay/xftp-store';
import type { XftpContext } from './context.ts';

/** Options of one sweep. */
export interface ExpireRunOptions {
  /** Epoch seconds (tests); default now. */
  readonly now?: number;
}

/** Runs sweeps on a timer; one sweep at a time per process. */
export class FileExpiry {
  #running: Promise<number> | undefined;

  constructor(
    private readonly ctx: XftpContext,
    private readonly ttlSeconds: number,
    private readonly batchSize: number,
  ) {}

  /** One sweep: removes every expired record and body; resolves with how many records were removed. */
  run(opts: ExpireRunOptions = {}): Promise<number> {
    this.#running ??= this.#sweep(opts).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #sweep(opts: ExpireRunOptions): Promise<number> {
    const { fileStore, blobStore, log, metrics } = this.ctx;
    let total = 0;
    for (;;) {
      const batch = await fileStore.expireFiles({
        ttlSeconds: this.ttlSeconds,
        limit: this.batchSize,
        ...(opts.now !== undefined && { now: opts.now }),
      });
      // Records go first: a body whose deletion fails is an unreachable orphan, never a live ID
      // pointing at nothing.
      for (const f of batch) {
        if (f.body === 'none') continue;
        await blobStore.delete(blobKeyForSender(f.senderId)).catch((e: unknown) => {
          log.error('cannot delete an expired chunk body', {
            error: e instanceof Error ? e.message : '',
          });
        });
      }
      total += batch.length;
      if (batch.length > 0) metrics.filesExpired(batch.length);
      if (batch.length < this.batchSize) break;
    }
    if (total > 0) log.info('expired chunks removed', { count: total });
    return total;
  }
}
