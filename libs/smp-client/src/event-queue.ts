// A single-consumer async queue: server events are buffered from connect time until read, so an
// event that arrives in the same block as a response (e.g. `MSG` right after `SOK`) is never lost.

/** Unbounded FIFO with an async iterator; `end()` finishes the iteration after the buffered items. */
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiter: ((r: IteratorResult<T, undefined>) => void) | undefined;
  private ended = false;

  /** Items buffered and not yet read. */
  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.ended) return;
    const w = this.waiter;
    if (w !== undefined) {
      this.waiter = undefined;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  end(): void {
    this.ended = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.({ value: undefined, done: true });
  }

  /** The next item, or `undefined` once the queue has ended and is empty. */
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.items.length > 0)
      return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (this.waiter !== undefined) throw new TypeError('the event queue has one consumer only');
    return new Promise((resolve) => (this.waiter = resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return { next: () => this.next() };
  }
}
