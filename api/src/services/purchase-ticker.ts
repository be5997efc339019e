/** One ticker line; the buyer's (masked) name is resolved only for the lines that go out. */
type Ticker = { streamId: string; buyerId: string; title: string; quantity: number; alsoBought: number };

/**
 * The "just bought" ticker, coalesced per stream: in a rush, 500 purchases in
 * a second would otherwise be 500 events to every one of 10,000 viewers. The
 * first purchase in a quiet stream goes out at once; the ones that follow
 * within the window are folded into one event at its end (the latest buyer,
 * with `alsoBought` counting the others).
 */
export class PurchaseTicker {
  readonly #windows = new Map<string, { latest: Ticker | null; folded: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly emit: (event: Ticker) => Promise<void>,
    private readonly windowMs = 1000,
  ) {}

  bought(event: Omit<Ticker, 'alsoBought'>): void {
    const open = this.#windows.get(event.streamId);
    if (open) {
      if (open.latest) open.folded += 1;
      open.latest = { ...event, alsoBought: 0 };
      return;
    }
    void this.emit({ ...event, alsoBought: 0 }).catch(() => undefined);
    const timer = setTimeout(() => this.#flush(event.streamId), this.windowMs);
    timer.unref();
    this.#windows.set(event.streamId, { latest: null, folded: 0, timer });
  }

  #flush(streamId: string): void {
    const w = this.#windows.get(streamId);
    this.#windows.delete(streamId);
    if (w?.latest) void this.emit({ ...w.latest, alsoBought: w.folded }).catch(() => undefined);
  }

  close(): void {
    for (const w of this.#windows.values()) clearTimeout(w.timer);
    this.#windows.clear();
  }
}
