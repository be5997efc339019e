/**
 * At most one run per key per window, for room-wide work whose cost grows
 * with the room (a broadcast to 10,000 viewers, a write per join). The first
 * push for a quiet key runs at once (lowest latency); pushes during the
 * window are folded into one value that runs when the window ends, and that
 * trailing run opens the next window, so a steady stream stays at one run
 * per window. `folded` tells a run how many pushes it stands for besides its
 * own value; `trailing` whether it is a window's end (not a push run at once).
 */
export class KeyedThrottle<V> {
  readonly #windows = new Map<string, { pending: V | undefined; folded: number; timer: NodeJS.Timeout }>();
  #closed = false;

  constructor(
    private readonly run: (key: string, value: V, folded: number, trailing: boolean) => Promise<void>,
    private readonly fold: (earlier: V, later: V) => V,
    /** A fixed window, or one per key (a room's size can set how often it is worth telling). */
    private readonly windowMs: number | ((key: string) => number) = 1000,
    /** false: even a quiet key's first push waits for its window's end (work that can wait, kept out of a burst's way). */
    private readonly leading = true,
  ) {}

  /** Resolves when this push's own run is done (a leading run), or at once when it was folded. */
  async push(key: string, value: V): Promise<void> {
    if (this.#closed) return;
    const open = this.#windows.get(key);
    if (open) {
      if (open.pending === undefined) open.pending = value;
      else {
        open.pending = this.fold(open.pending, value);
        open.folded += 1;
      }
      return;
    }
    this.#open(key);
    if (this.leading) await this.run(key, value, 0, false);
    else this.#windows.get(key)!.pending = value;
  }

  #open(key: string): void {
    const ms = typeof this.windowMs === 'number' ? this.windowMs : this.windowMs(key);
    const timer = setTimeout(() => void this.#end(key), ms);
    timer.unref();
    this.#windows.set(key, { pending: undefined, folded: 0, timer });
  }

  async #end(key: string): Promise<void> {
    const w = this.#windows.get(key);
    this.#windows.delete(key);
    if (w?.pending === undefined) return;
    if (!this.#closed) this.#open(key);
    await this.run(key, w.pending, w.folded, true).catch(() => undefined);
  }

  /** Shutdown: what is still folded runs now (when `flush`), and nothing runs after. */
  async close(flush = false): Promise<void> {
    this.#closed = true;
    const keys = [...this.#windows.keys()];
    for (const w of this.#windows.values()) clearTimeout(w.timer);
    if (flush) await Promise.all(keys.map((k) => this.#end(k)));
    this.#windows.clear();
  }
}
