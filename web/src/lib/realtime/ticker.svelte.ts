/** One "just bought" line: the buyer's name comes masked from the server ("M***a"). */
export interface TickerEntry {
  id: number;
  buyer: string;
  title: string;
  quantity: number;
  /** Other purchases this line stands for: in a rush the server sends about one event a second. */
  alsoBought: number;
}

/** How many lines show at once, and for how long each stays. */
export const TICKER_SIZE = 3;
export const TICKER_TTL_MS = 8_000;

/**
 * The "just bought" ticker fed by `purchase:made`: the newest few purchases,
 * each fading out after a few seconds, so a rush shows as a stream of names
 * and a quiet moment shows nothing stale.
 */
export class PurchaseTicker {
  entries = $state.raw<TickerEntry[]>([]);

  #next = 1;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- private timer handles that nothing renders; `entries` is the state
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  push(purchase: { buyer: string; title: string; quantity: number; alsoBought?: number }): void {
    const entry: TickerEntry = {
      id: this.#next++,
      buyer: purchase.buyer,
      title: purchase.title,
      quantity: purchase.quantity,
      alsoBought: Math.max(0, purchase.alsoBought ?? 0),
    };
    this.entries = [entry, ...this.entries].slice(0, TICKER_SIZE);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.entries = this.entries.filter((e) => e.id !== entry.id);
    }, TICKER_TTL_MS);
    this.#timers.add(timer);
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.entries = [];
  }
}
