import type { SponsoredCard } from '@hawker/shared';
import type { AdPlacement } from './placements.js';
import { getAdDecision, type AdDecisionQuery } from './api.js';

/**
 * Whether a card from the api can be shown safely: for this placement, with
 * the fields the card renders, and a click URL that is a web address (a
 * `javascript:` URL in an href would run on click).
 */
export function isShowableCard(card: unknown, placement: AdPlacement): card is SponsoredCard {
  if (typeof card !== 'object' || card === null) return false;
  const c = card as Partial<Record<keyof SponsoredCard, unknown>>;
  const why = c.why as Partial<Record<string, unknown>> | null | undefined;
  return (
    c.placement === placement &&
    typeof c.token === 'string' &&
    c.token !== '' &&
    typeof c.position === 'number' &&
    (c.kind === 'listing' || c.kind === 'show') &&
    typeof c.title === 'string' &&
    typeof c.shopName === 'string' &&
    typeof c.clickUrl === 'string' &&
    /^(\/(?!\/)|https?:\/\/)/i.test(c.clickUrl) &&
    typeof why === 'object' &&
    why !== null &&
    typeof why.advertiser === 'string' &&
    typeof why.reason === 'string'
  );
}

/**
 * The sponsored cards for one placement on one page view. A decision that
 * fails (api down, bad query, ads switched off) leaves the slot empty: ads
 * never break the page they sit on, and nobody is told about them.
 */
export class SponsoredSlot {
  cards = $state.raw<SponsoredCard[]>([]);
  #controller: AbortController | null = null;
  readonly #decide: typeof getAdDecision;

  constructor(decide: typeof getAdDecision = getAdDecision) {
    this.#decide = decide;
  }

  async load(query: AdDecisionQuery): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.cards = [];
    try {
      const decision = await this.#decide(query, controller.signal);
      if (controller.signal.aborted) return;
      // Only what this placement asked for, in a shape the page can render.
      const ads: unknown[] = Array.isArray(decision.ads) ? decision.ads : [];
      this.cards = ads.filter((c): c is SponsoredCard => isShowableCard(c, query.placement));
    } catch {
      if (!controller.signal.aborted) this.cards = [];
    }
  }

  abort(): void {
    this.#controller?.abort();
    this.#controller = null;
  }
}
