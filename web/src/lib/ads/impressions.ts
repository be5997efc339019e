import { sendAdImpression } from './api.js';
import { realTimers, type Timers } from './timers.js';

// When a sponsored card counts as seen: at least half of it in view for one
// continuous second (the IAB's display rule), then one beacon per token. The
// rule lives here, apart from the DOM, so it can be tested with fake timers;
// `observeImpressions` below feeds it from an IntersectionObserver.

/** At least this share of the card in view... */
export const VISIBLE_RATIO = 0.5;
/** ...for this long without a break. */
export const DWELL_MS = 1_000;
/** An observer reports a ratio a hair under the threshold it crossed (0.4999...): that counts as crossed. */
const RATIO_SLACK = 0.001;

export type SendImpression = (token: string) => Promise<unknown>;

export interface ImpressionOptions {
  timers?: Timers;
  dwellMs?: number;
  ratio?: number;
}

/**
 * Per token: the latest visible ratio, a running one-second timer while it is
 * at or above the threshold, and whether the beacon went. Dropping below the
 * threshold (or the page being hidden) cancels the timer, and the second
 * starts over the next time the card is half visible. A token is sent at most
 * once, whatever happens after; a failed send is not retried (a lost
 * impression is not worth a message to the viewer).
 */
export class ImpressionTracker {
  readonly #send: SendImpression;
  readonly #timers: Timers;
  readonly #dwellMs: number;
  readonly #ratio: number;
  readonly #sent = new Set<string>();
  readonly #ratios = new Map<string, number>();
  readonly #pending = new Map<string, unknown>();
  #pageVisible = true;

  constructor(send: SendImpression = sendAdImpression, options: ImpressionOptions = {}) {
    this.#send = send;
    this.#timers = options.timers ?? realTimers;
    this.#dwellMs = options.dwellMs ?? DWELL_MS;
    this.#ratio = options.ratio ?? VISIBLE_RATIO;
  }

  /** Whether this token's impression was sent. */
  sent(token: string): boolean {
    return this.#sent.has(token);
  }

  /** The card's share in view changed (an IntersectionObserver entry's intersectionRatio). */
  update(token: string, ratio: number): void {
    if (this.#sent.has(token)) return;
    this.#ratios.set(token, ratio);
    this.#evaluate(token);
  }

  /** The tab was hidden or shown again: a hidden page shows nothing, so its timers stop until it shows again. */
  setPageVisible(visible: boolean): void {
    this.#pageVisible = visible;
    for (const token of this.#ratios.keys()) this.#evaluate(token);
  }

  /** The card left the page (unmounted): forget it, and stop its timer. */
  release(token: string): void {
    this.#cancel(token);
    this.#ratios.delete(token);
  }

  #evaluate(token: string): void {
    if (this.#pageVisible && (this.#ratios.get(token) ?? 0) >= this.#ratio - RATIO_SLACK) this.#start(token);
    else this.#cancel(token);
  }

  #start(token: string): void {
    if (this.#pending.has(token)) return;
    const handle = this.#timers.set(() => this.#fire(token), this.#dwellMs);
    this.#pending.set(token, handle);
  }

  #cancel(token: string): void {
    const handle = this.#pending.get(token);
    if (handle === undefined) return;
    this.#timers.clear(handle);
    this.#pending.delete(token);
  }

  #fire(token: string): void {
    this.#pending.delete(token);
    if (this.#sent.has(token)) return;
    this.#sent.add(token);
    this.#ratios.delete(token);
    try {
      void this.#send(token).catch(() => undefined);
    } catch {
      // A synchronous failure (no fetch at all) is ignored the same way.
    }
  }
}

/** The app's one tracker: a token is counted once per page load, whichever component shows it. */
export const impressions = new ImpressionTracker();

/**
 * A Svelte attachment for a sponsored card: `{@attach observeImpression(card.token)}`.
 * One IntersectionObserver (threshold 0.5) per tracker watches every card; a
 * browser without one sends no impressions, which never over-bills.
 */
export function observeImpression(token: string, tracker: ImpressionTracker = impressions): (node: Element) => () => void {
  return (node) => {
    const watcher = watcherFor(tracker);
    if (!watcher) return () => undefined;
    watcher.tokens.set(node, token);
    watcher.observer.observe(node);
    return () => {
      watcher.observer.unobserve(node);
      watcher.tokens.delete(node);
      tracker.release(token);
    };
  };
}

interface Watcher {
  observer: IntersectionObserver;
  tokens: Map<Element, string>;
}

const watchers = new WeakMap<ImpressionTracker, Watcher>();

function watcherFor(tracker: ImpressionTracker): Watcher | null {
  const known = watchers.get(tracker);
  if (known) return known;
  if (typeof IntersectionObserver === 'undefined') return null;
  const tokens = new Map<Element, string>();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const token = tokens.get(entry.target);
        if (token !== undefined) tracker.update(token, entry.isIntersecting ? entry.intersectionRatio : 0);
      }
    },
    // 0 as well as 0.5: the callback then also runs when the card leaves the view entirely.
    { threshold: [0, VISIBLE_RATIO] },
  );
  if (typeof document !== 'undefined') {
    tracker.setPageVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', () => tracker.setPageVisible(document.visibilityState !== 'hidden'));
  }
  const watcher = { observer, tokens };
  watchers.set(tracker, watcher);
  return watcher;
}
