import type { AdInsight, AdPlacement, AdSimulation } from '@hawker/shared';
import { errorMessage, isAbortError } from '../api.js';
import { Resource } from '../resource.svelte.js';
import { getAdInsight, simulateAd } from './api.js';
import { realTimers, type Timers } from './timers.js';

/** How long the slider rests before the simulator asks the api (each ask replays a week of auctions). */
export const SIMULATE_DEBOUNCE_MS = 300;

export interface SimulatorOptions {
  timers?: Timers;
  debounceMs?: number;
  simulate?: typeof simulateAd;
  insight?: typeof getAdInsight;
}

/**
 * One ad in one placement: why it ranked where it did in its latest auction
 * (its own bid, quality, score, price, and the bid each higher slot would have
 * taken; never another advertiser's numbers), and the "what if" simulator: the
 * last 7 days of this placement's auctions replayed at another bid. Moving the
 * slider asks again once it rests; an older answer never overwrites a newer one.
 */
export class AdInsightView {
  readonly adId: string;
  readonly placement: AdPlacement;
  readonly currentBidMinor: number;
  readonly insight: Resource<AdInsight>;
  /** The slider's bid, in minor units. */
  bidMinor = $state(0);
  /** The answer for `simulatedBidMinor` (the slider may have moved on). */
  simulation = $state.raw<AdSimulation | null>(null);
  simulating = $state(false);
  error = $state<string | null>(null);

  readonly #timers: Timers;
  readonly #debounceMs: number;
  readonly #simulate: typeof simulateAd;
  #timer: unknown = null;
  #controller: AbortController | null = null;

  constructor(adId: string, placement: AdPlacement, currentBidMinor: number, options: SimulatorOptions = {}) {
    this.adId = adId;
    this.placement = placement;
    this.currentBidMinor = currentBidMinor;
    this.bidMinor = currentBidMinor;
    this.#timers = options.timers ?? realTimers;
    this.#debounceMs = options.debounceMs ?? SIMULATE_DEBOUNCE_MS;
    this.#simulate = options.simulate ?? simulateAd;
    const insight = options.insight ?? getAdInsight;
    this.insight = new Resource((signal) => insight(adId, placement, signal));
  }

  load(): void {
    void this.insight.load();
    this.#cancelTimer();
    void this.#run(this.bidMinor);
  }

  /** The slider moved: ask again once it has rested for the debounce time. */
  choose(bidMinor: number): void {
    if (!Number.isInteger(bidMinor) || bidMinor < 1) return;
    this.bidMinor = bidMinor;
    this.#cancelTimer();
    this.#timer = this.#timers.set(() => {
      this.#timer = null;
      void this.#run(bidMinor);
    }, this.#debounceMs);
  }

  abort(): void {
    this.#cancelTimer();
    this.#controller?.abort();
    this.#controller = null;
    this.insight.abort();
  }

  async #run(bidMinor: number): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.simulating = true;
    this.error = null;
    try {
      const result = await this.#simulate(this.adId, this.placement, bidMinor, controller.signal);
      if (controller.signal.aborted) return;
      this.simulation = result;
    } catch (err) {
      if (controller.signal.aborted || isAbortError(err)) return;
      this.error = errorMessage(err);
    } finally {
      if (this.#controller === controller) {
        this.simulating = false;
        this.#controller = null;
      }
    }
  }

  #cancelTimer(): void {
    if (this.#timer === null) return;
    this.#timers.clear(this.#timer);
    this.#timer = null;
  }
}

/** The slider's range: from the reserve to well past the dearest slot (or three times the bid). */
export function sliderRange(
  reserveMinor: number,
  currentBidMinor: number,
  toWin: readonly { minBidMinor: number }[],
): { min: number; max: number } {
  const min = Math.max(1, reserveMinor);
  const dearest = toWin.reduce((top, t) => Math.max(top, t.minBidMinor), 0);
  const max = Math.max(min + 1, currentBidMinor * 3, Math.ceil(dearest * 1.5), min * 10);
  return { min, max };
}
