// Per-queue serialization: tasks with the same key run one at a time in submission order; tasks
// with different keys run concurrently. A key's chain is dropped when it drains, so memory follows
// the number of queues with work in flight, not the number of queues.

/** FIFO lanes keyed by string. */
export class KeyedLanes {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `task` after every task submitted earlier with `key`; resolves or rejects with it. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const result = prev.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Number of keys with queued or running tasks. */
  get active(): number {
    return this.#tails.size;
  }

  /** Resolves when every task submitted so far has settled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}
