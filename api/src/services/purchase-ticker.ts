import { KeyedThrottle } from './keyed-throttle.js';

/** One ticker line; the buyer's (masked) name is resolved only for the lines that go out. */
type Ticker = { streamId: string; buyerId: string; title: string; quantity: number; alsoBought: number };

/**
 * The "just bought" ticker, coalesced per stream: in a rush, 500 purchases in
 * a second would otherwise be 500 events to every one of 10,000 viewers. A
 * purchase goes out at the end of its window, folded with the ones that
 * followed it (the latest buyer, with `alsoBought` counting the others):
 * a rush's first payments land while thousands of presses are still being
 * answered, and the ticker can wait a few seconds; the presses cannot.
 */
export class PurchaseTicker {
  readonly #throttle: KeyedThrottle<Omit<Ticker, 'alsoBought'>>;

  constructor(emit: (event: Ticker) => Promise<void>, windowMs = 1000) {
    this.#throttle = new KeyedThrottle(
      (_stream, latest, folded) => emit({ ...latest, alsoBought: folded }),
      (_earlier, later) => later,
      windowMs,
      false,
    );
  }

  bought(event: Omit<Ticker, 'alsoBought'>): void {
    void this.#throttle.push(event.streamId, event).catch(() => undefined);
  }

  close(): void {
    void this.#throttle.close();
  }
}
