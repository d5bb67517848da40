// The per-connection cap on proxied commands in flight (INI `[PROXY] client_concurrency`; upstream
// `Server.hs: forkProxiedCmd` waits for a free slot before forking). Commands over the cap wait
// here in arrival order, and the connection stops reading while the cap is reached, so a client
// cannot pile up unbounded work; commands below the cap never wait for one another.

/** Runs at most `limit` tasks at a time, the rest in FIFO order. */
export class ProxyLimiter {
  #running = 0;
  readonly #waiting: (() => Promise<void>)[] = [];

  constructor(
    readonly limit: number,
    /** Called after each task ends (the connection resumes reading). */
    private readonly onDone: () => void,
  ) {}

  /** Tasks started and not finished. */
  get running(): number {
    return this.#running;
  }

  /** True while no new task could start at once. */
  get saturated(): boolean {
    return this.#running + this.#waiting.length >= this.limit;
  }

  /**
   * Starts `task` now, or when a slot frees. Tasks answer their own failures (the connection sends
   * `ERR INTERNAL`); a rejection here only frees the slot.
   */
  run(task: () => Promise<void>): void {
    if (this.#running < this.limit) this.#start(task);
    else this.#waiting.push(task);
  }

  /** Drops the waiting tasks (the connection closed). */
  clear(): void {
    this.#waiting.length = 0;
  }

  #start(task: () => Promise<void>): void {
    this.#running++;
    void task()
      .catch(() => undefined)
      .finally(() => {
        this.#running--;
        const next = this.#waiting.shift();
        if (next !== undefined) this.#start(next);
        this.onDone();
      });
  }
}
