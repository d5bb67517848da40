// Timed rounds of the XFTP benchmark and its HTTP/2 floor: a fixed list of items (chunks) worked
// off by a fixed number of concurrent workers (one per client connection, one request in flight
// each), with a hard cap: past it no new item starts, the round's time ends at the cap, and
// requests still in flight get a grace period before `abandon` cuts their connections.

/** One measured round. */
export interface RoundResult {
  /** Items finished before the round ended (at the cap when capped). */
  readonly done: number;
  readonly seconds: number;
  readonly errors: number;
  readonly capped: boolean;
  /** The first failure, for the report (no IDs or keys in it: the error text only). */
  readonly firstError: string | undefined;
}

export interface RoundOptions {
  readonly items: number;
  readonly workers: number;
  readonly capMs: number;
  /** How long requests in flight at the cap may still take before `abandon`. */
  readonly graceMs: number;
  /** Item `i` on worker `w`; a rejection counts as an error. */
  readonly op: (i: number, w: number) => Promise<void>;
  /** Cuts the connections of requests still running after the grace period. */
  readonly abandon: () => void;
}

export async function runRound(o: RoundOptions): Promise<RoundResult> {
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  let stopped = false;
  const t0 = performance.now();
  const worker = async (w: number): Promise<void> => {
    while (!stopped && next < o.items) {
      const i = next++;
      try {
        await o.op(i, w);
        if (!stopped) done++;
      } catch (e) {
        if (!stopped) errors++;
        firstError ??= String(e).slice(0, 200);
      }
    }
  };
  const all = Promise.all(Array.from({ length: o.workers }, (_, w) => worker(w)));
  let capTimer: NodeJS.Timeout | undefined;
  const cap = new Promise<'cap'>((r) => (capTimer = setTimeout(() => r('cap'), o.capMs)));
  const first = await Promise.race([all.then(() => 'done' as const), cap]);
  clearTimeout(capTimer);
  const seconds = (performance.now() - t0) / 1000;
  if (first === 'cap') {
    stopped = true;
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((r) => (graceTimer = setTimeout(() => r('late'), o.graceMs)));
    if ((await Promise.race([all.then(() => 'ok' as const), grace])) === 'late') {
      o.abandon();
      await all;
    }
    clearTimeout(graceTimer);
  }
  return { done, seconds, errors, capped: first === 'cap', firstError };
}
