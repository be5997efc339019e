/**
 * A small FIFO concurrency limiter. A flash-deal rush sends thousands of
 * purchases at once; letting them all open database transactions would
 * exhaust the pool and fail most of them with timeouts. Queued here, they run
 * a few at a time and the ones that arrive after the sell-out are answered
 * from a cheap read.
 */
export class Limiter {
  #active = 0;
  readonly #queue: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Whether a new task would have to wait. */
  get saturated(): boolean {
    return this.#active >= this.concurrency;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.concurrency) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#active += 1;
    try {
      return await task();
    } finally {
      this.#active -= 1;
      this.#queue.shift()?.();
    }
  }
}
