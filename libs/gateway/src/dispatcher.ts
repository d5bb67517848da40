// Gateway → store requests and their answers (libs/bus contract.ts). The ops of one block go as ONE
// StoreRequest per owning store; answers (possibly in parts) fill the block's responses; `redirect`
// re-sends an op to another vshard's owner; a request unanswered in time answers `ERR INTERNAL`.
// Release and resubscribe ops carry no responses, so nothing waits for their answers.
import { encodeStoreRequest } from '@simplex-relay/bus';
import { endSpan, startRemoteSpan } from '@simplex-relay/observability';
import type { BusTransport, ShardRouter, StoreAnswer, StoreOp, Subjects } from '@simplex-relay/bus';
import type { BlockJob, HeldId, StoreBoundCommand } from './connection.ts';
import type { GatewayLogger, GatewayMetrics } from './ports.ts';
import type { ShardMap } from './shard-map.ts';

/** How often one op may be redirected before it answers `ERR INTERNAL` (a shard moving twice). */
export const MAX_REDIRECTS = 3;
/** IDs per release/resubscribe request: 8000 × 26 bytes stays well below MAX_BUS_MESSAGE. */
export const MAX_IDS_PER_REQUEST = 8000;

interface PendingRequest {
  readonly storeId: string;
  readonly job: BlockJob;
  readonly cmds: readonly StoreBoundCommand[];
  readonly done: boolean[];
  remaining: number;
  readonly sentAt: number;
  readonly timer: NodeJS.Timeout;
  readonly trace: ReturnType<typeof startRemoteSpan>;
}

/** Dependencies of the dispatcher. */
export interface DispatcherDeps {
  readonly gatewayId: string;
  readonly transport: BusTransport;
  readonly subjects: Subjects;
  readonly router: ShardRouter;
  readonly shardMap: ShardMap;
  readonly answerTimeoutMs: number;
  readonly metrics: GatewayMetrics;
  readonly logger: GatewayLogger;
}

/** Sends store requests and matches their answers. */
export class StoreDispatcher {
  #nextBatch = 1;
  readonly #pending = new Map<number, PendingRequest>();

  constructor(private readonly d: DispatcherDeps) {}

  /** Requests waiting for answers (diagnostics). */
  get pendingRequests(): number {
    return this.#pending.size;
  }

  /**
   * Sends store-bound commands of one block, grouped per owning store. When an owner is unknown
   * (the shard map is still being built) it waits up to the answer timeout for a heartbeat; later
   * blocks of the same connection queue behind that wait, so its ops reach the stores in order.
   */
  dispatch(job: BlockJob, cmds: StoreBoundCommand[]): void {
    const conn = job.conn;
    const known = cmds.every((c) => this.d.shardMap.ownerOf(c.vshard) !== undefined);
    if (known && conn.dispatchTail === undefined) return this.#send(job, cmds);
    const tail = (conn.dispatchTail ?? Promise.resolve()).then(async () => {
      await Promise.all(
        cmds.map((c) => this.d.shardMap.waitForOwner(c.vshard, this.d.answerTimeoutMs)),
      );
      this.#send(job, cmds);
    });
    conn.dispatchTail = tail;
    void tail.then(() => {
      if (conn.dispatchTail === tail) conn.dispatchTail = undefined;
    });
  }

  /** Handles one answer part. */
  onAnswer(a: StoreAnswer): void {
    const p = this.#pending.get(a.batchId);
    if (p === undefined || p.storeId !== a.storeId)
      return this.d.metrics.busDropped('unknown-answer');
    const redirected: StoreBoundCommand[] = [];
    a.results.forEach((r, k) => {
      const i = a.first + k;
      const cmd = p.cmds[i];
      if (cmd === undefined || p.done[i]) return;
      p.done[i] = true;
      p.remaining--;
      if (r.type === 'transmissions')
        return p.job.fill(cmd.index, p.job.conn.applyResult(cmd, r.items));
      if (cmd.redirects >= MAX_REDIRECTS || r.vshard >= this.d.router.count) {
        this.d.logger.warn('a store redirect could not be followed');
        return p.job.fill(cmd.index, [p.job.conn.internalError(cmd)]);
      }
      cmd.redirects++;
      cmd.vshard = r.vshard;
      redirected.push(cmd);
    });
    if (p.remaining === 0) this.#finish(a.batchId, p);
    if (redirected.length > 0) this.dispatch(p.job, redirected);
  }

  /** Sends ReleaseOps for a closed connection's IDs to the stores owning them. */
  release(connId: number, ids: readonly HeldId[]): void {
    this.#idOps([{ ids, op: (group) => ({ type: 'release', connId, ids: group }) }]);
  }

  /** Sends ResubscribeOps (several connections' IDs) to the IDs' current owners, batched per store. */
  resubscribe(
    conns: readonly { connId: number; smpVersion: number; ids: readonly HeldId[] }[],
  ): void {
    this.#idOps(
      conns.map(({ connId, smpVersion, ids }) => ({
        ids,
        op: (group: HeldId[]): StoreOp => ({ type: 'resubscribe', connId, smpVersion, ids: group }),
      })),
    );
  }

  /** Stops all answer timers (gateway shutdown); unanswered commands are dropped with their connections. */
  stop(): void {
    for (const p of this.#pending.values()) clearTimeout(p.timer);
    this.#pending.clear();
  }

  #send(job: BlockJob, cmds: readonly StoreBoundCommand[]): void {
    const groups = new Map<string, StoreBoundCommand[]>();
    for (const c of cmds) {
      const owner = this.d.shardMap.ownerOf(c.vshard);
      if (owner === undefined) {
        job.fill(c.index, [job.conn.internalError(c)]);
        continue;
      }
      const g = groups.get(owner);
      if (g) g.push(c);
      else groups.set(owner, [c]);
    }
    for (const [storeId, group] of groups) {
      const batchId = this.#batchId();
      const p: PendingRequest = {
        storeId,
        job,
        cmds: group,
        done: group.map(() => false),
        remaining: group.length,
        sentAt: performance.now(),
        timer: setTimeout(() => this.#expire(batchId), this.d.answerTimeoutMs),
        // One span per store request; its context travels in the bus headers to the store.
        trace: startRemoteSpan('smp-gateway', 'gateway.store_request', { 'smp.ops': group.length }),
      };
      this.#pending.set(batchId, p);
      const bytes = encodeStoreRequest({
        gatewayId: this.d.gatewayId,
        batchId,
        ops: group.map((c) => c.op),
      });
      if (!this.#publish(storeId, bytes, p.trace.headers)) this.#expire(batchId);
    }
  }

  #expire(batchId: number): void {
    const p = this.#pending.get(batchId);
    if (p === undefined) return;
    this.#pending.delete(batchId);
    clearTimeout(p.timer);
    endSpan(p.trace.span, false);
    this.d.logger.warn('a store request was not answered in time');
    p.cmds.forEach((c, i) => {
      if (!p.done[i]) p.job.fill(c.index, [p.job.conn.internalError(c)]);
    });
  }

  #finish(batchId: number, p: PendingRequest): void {
    clearTimeout(p.timer);
    endSpan(p.trace.span);
    this.#pending.delete(batchId);
    this.d.metrics.busAnswerLatency(performance.now() - p.sentAt);
  }

  #idOps(items: readonly { ids: readonly HeldId[]; op: (ids: HeldId[]) => StoreOp }[]): void {
    const perStore = new Map<string, { ops: StoreOp[]; count: number }>();
    const flush = (storeId: string, b: { ops: StoreOp[]; count: number }): void => {
      if (b.ops.length === 0) return;
      const req = { gatewayId: this.d.gatewayId, batchId: this.#batchId(), ops: b.ops };
      this.#publish(storeId, encodeStoreRequest(req));
      b.ops = [];
      b.count = 0;
    };
    for (const { ids, op } of items) {
      const byOwner = new Map<string, HeldId[]>();
      for (const x of ids) {
        const owner = this.d.shardMap.ownerOf(this.d.router.ofServerId(x.id));
        if (owner === undefined) continue; // no owner, no state to release or restore there
        const g = byOwner.get(owner);
        if (g) g.push(x);
        else byOwner.set(owner, [x]);
      }
      for (const [storeId, all] of byOwner) {
        let b = perStore.get(storeId);
        if (!b) perStore.set(storeId, (b = { ops: [], count: 0 }));
        for (let i = 0; i < all.length; i += MAX_IDS_PER_REQUEST) {
          const chunk = all.slice(i, i + MAX_IDS_PER_REQUEST);
          if (b.count + chunk.length > MAX_IDS_PER_REQUEST || b.ops.length >= 0xffff)
            flush(storeId, b);
          b.ops.push(op(chunk));
          b.count += chunk.length;
        }
      }
    }
    for (const [storeId, b] of perStore) flush(storeId, b);
  }

  #publish(storeId: string, bytes: Uint8Array, headers?: Record<string, string>): boolean {
    try {
      this.d.transport.publish(this.d.subjects.store(storeId), bytes, headers);
      return true;
    } catch (e) {
      this.d.logger.error(`bus publish failed: ${(e as Error).message}`);
      return false;
    }
  }

  #batchId(): number {
    const id = this.#nextBatch;
    this.#nextBatch = id >= 0xffffffff ? 1 : id + 1;
    return id;
  }
}
