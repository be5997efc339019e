/**
 * The sponsored-listing auction: a generalized second-price auction with a
 * quality score, as Google Ads and Taobao's 直通车 run it (../shared/notes/ads.md §1–2).
 *
 *   quality  q = (clicks + 1) / (impressions + 50)        a Beta(1, 49) prior: a new ad starts at 2 %
 *              × relevance                                   keyword bids only: |keyword terms| ÷ |query terms|
 *   score      = bid × q
 *   price      = min(bid, max(reserve, ⌊next score ÷ q⌋ + 1))   alone (no next): the reserve
 *
 * Ties on score go to the higher bid, then to the older ad (ad ids are UUIDv7,
 * so they sort by creation), then to the lower bid id: stable and explainable.
 * One target (a listing or a show) appears at most once: its best candidate.
 * Pure: no I/O, no clock, so the unit tests and the benchmark run it as is.
 */

export const PRIOR_CLICKS = 1;
export const PRIOR_IMPRESSIONS = 50;

/** How many candidates past the shown slots an auction's log keeps (the simulator replays these). */
export const LOGGED_BEYOND_SLOTS = 3;

export type AuctionCandidate = {
  adId: string;
  bidId: string;
  /** The promoted listing or show: never twice on one page. */
  targetId: string;
  bidMinor: number;
  quality: number;
};

export type RankedCandidate = AuctionCandidate & {
  score: number;
  /** 1-based slot, or null: ranked but not shown. */
  slot: number | null;
  /** What a click costs (shown slots only). */
  priceMinor: number | null;
};

/** The predicted click-through rate: observed clicks over impressions, smoothed by the prior. */
export function predictedCtr(impressions: number, clicks: number): number {
  return (clicks + PRIOR_CLICKS) / (impressions + PRIOR_IMPRESSIONS);
}

/** How much of the query a keyword covers: 1 when it is the whole query. */
export function keywordRelevance(keywordTerms: number, queryTerms: number): number {
  return queryTerms === 0 ? 0 : Math.min(1, keywordTerms / queryTerms);
}

/** True when a should rank above b. */
export function outranks(a: { score: number; bidMinor: number; adId: string; bidId: string }, b: typeof a): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.bidMinor !== b.bidMinor) return a.bidMinor > b.bidMinor;
  if (a.adId !== b.adId) return a.adId < b.adId;
  return a.bidId < b.bidId;
}

// Scores are floats; a price that is a whole number in exact arithmetic must not lose a unit to rounding.
const EPSILON = 1e-9;

/** GSP: just enough to beat the next score, between the reserve and the ad's own bid. */
export function secondPrice(own: { bidMinor: number; quality: number }, nextScore: number | null, reserveMinor: number): number {
  if (nextScore === null) return Math.min(own.bidMinor, reserveMinor);
  const beat = Math.floor(nextScore / own.quality + EPSILON) + 1;
  return Math.min(own.bidMinor, Math.max(reserveMinor, beat));
}

/** The least bid that would have outscored a competitor's score at this quality (the seller's "to win this slot"). */
export function minBidToBeat(score: number, quality: number): number {
  return Math.floor(score / quality + EPSILON) + 1;
}

/**
 * Keeps the best `keep` candidates with distinct targets in one pass: an
 * insertion into a short sorted array, so a 10,000-candidate page view costs
 * one comparison for almost every candidate and no sort of the whole set.
 */
export class TopCandidates<C extends AuctionCandidate = AuctionCandidate> {
  readonly #keep: number;
  readonly #items: (C & { score: number })[] = [];

  constructor(keep: number) {
    this.#keep = keep;
  }

  /** Whether a candidate with this score could enter: callers skip building the ones that cannot. */
  admits(score: number, bidMinor: number, adId: string, bidId: string): boolean {
    const items = this.#items;
    return items.length < this.#keep || outranks({ score, bidMinor, adId, bidId }, items[items.length - 1]!);
  }

  offer(candidate: C, score = candidate.bidMinor * candidate.quality): void {
    const entry = { ...candidate, score };
    const items = this.#items;
    if (items.length === this.#keep && !outranks(entry, items[items.length - 1]!)) return;
    const same = items.findIndex((i) => i.targetId === entry.targetId);
    if (same >= 0) {
      if (!outranks(entry, items[same]!)) return;
      items.splice(same, 1);
    }
    let at = items.length;
    while (at > 0 && outranks(entry, items[at - 1]!)) at--;
    items.splice(at, 0, entry);
    if (items.length > this.#keep) items.pop();
  }

  get size(): number {
    return this.#items.length;
  }

  /** Slots and prices: the first `slots` are shown, each priced against the one below it. */
  rank(slots: number, reserveMinor: number): (C & RankedCandidate)[] {
    const items = this.#items;
    return items.map((c, i) => {
      const shown = i < slots;
      const next = items[i + 1];
      return {
        ...c,
        slot: shown ? i + 1 : null,
        priceMinor: shown ? secondPrice(c, next ? next.score : null, reserveMinor) : null,
      };
    });
  }
}

/**
 * One auction over candidates that already match the page. Bids below the
 * reserve do not take part. Returns the shown ads and the next few, in rank order.
 */
export function runAuction(candidates: Iterable<AuctionCandidate>, slots: number, reserveMinor: number): RankedCandidate[] {
  const top = new TopCandidates(slots + LOGGED_BEYOND_SLOTS);
  for (const c of candidates) if (c.bidMinor >= reserveMinor && c.quality > 0) top.offer(c);
  return top.rank(slots, reserveMinor);
}

/**
 * The minimum bid that would have won each slot above the ad's own (or every
 * slot, when it was not shown), from the logged scores of the ads that held
 * them: numbers only, never who they were or what they bid.
 */
export function bidsToWinHigherSlots(
  ranked: readonly { adId: string; score: number; slot: number | null }[],
  adId: string,
  quality: number,
  reserveMinor: number,
): { slot: number; minBidMinor: number }[] {
  const own = ranked.find((r) => r.adId === adId);
  const ownSlot = own?.slot ?? Infinity;
  return ranked
    .filter((r) => r.slot !== null && r.slot < ownSlot && r.adId !== adId)
    .map((r) => ({ slot: r.slot!, minBidMinor: Math.max(reserveMinor, minBidToBeat(r.score, quality)) }));
}
