import { keywordRelevance, LOGGED_BEYOND_SLOTS, outranks, predictedCtr, secondPrice } from '../../../api/src/domain/ad-auction.js';
import { pacingPassRate, utcDay } from '../../../api/src/domain/ad-pacing.js';
import type { AdContext, AdStats, CampaignState, IndexedBid } from '../../../api/src/services/ad-index.js';

/** What every mode answers for one decision: the ranked ads (shown slots, then the logged ones) with their prices. */
export type DecidedAd = { adId: string; bidId: string; targetId: string; slot: number | null; priceMinor: number | null; score: number };

type Scored = { bid: IndexedBid; adId: string; bidId: string; targetId: string; bidMinor: number; quality: number; score: number };

/** Slots and GSP prices over candidates already in rank order with distinct targets (the same rule as TopCandidates.rank). */
export function priceRanked(
  ranked: readonly { adId: string; bidId: string; targetId: string; bidMinor: number; quality: number; score: number }[],
  slots: number,
  reserveMinor: number,
): DecidedAd[] {
  return ranked.map((c, i) => {
    const shown = i < slots;
    const next = ranked[i + 1];
    return {
      adId: c.adId,
      bidId: c.bidId,
      targetId: c.targetId,
      slot: shown ? i + 1 : null,
      priceMinor: shown ? secondPrice(c, next ? next.score : null, reserveMinor) : null,
      score: c.score,
    };
  });
}

/**
 * The baseline a team writes first: every ad of the placement in one array;
 * per decision, filter the eligible ones (placement, and on search every
 * keyword term among the query's; reserve, page, campaign budgets, owner's
 * balance, the pacer), score each (bid × predicted CTR × keyword relevance,
 * the same formulas), sort them all, walk down to the first distinct targets, price
 * with secondPrice. Same inputs as the index; no pruning, no top-k.
 *
 * The pacer's coin is flipped per ad rather than once per campaign and
 * decision as the index does: the same thing when the pass rate is 1, as it
 * is in this bench.
 */
export class LinearAds {
  readonly #bids: IndexedBid[];
  readonly #campaigns: Map<string, CampaignState>;
  readonly #balances: ReadonlyMap<string, number>;
  readonly #stats: ReadonlyMap<string, AdStats>;

  constructor(
    bids: IndexedBid[],
    campaigns: CampaignState[],
    balances: ReadonlyMap<string, number>,
    stats: ReadonlyMap<string, AdStats>,
    private readonly random: () => number = Math.random,
  ) {
    this.#bids = [...bids];
    this.#campaigns = new Map(campaigns.map((c) => [c.campaignId, c]));
    this.#balances = balances;
    this.#stats = stats;
  }

  auction(ctx: AdContext, slots: number, reserveMinor: number, now: number): DecidedAd[] {
    const today = utcDay(now);
    const search = ctx.placement === 'search';
    const query = new Set(ctx.queryTerms);
    const eligible = this.#bids.filter((bid) => {
      if (bid.placement !== ctx.placement || bid.maxCpcMinor < reserveMinor) return false;
      if (search && (bid.terms.length === 0 || !bid.terms.every((t) => query.has(t)))) return false;
      if (ctx.listingId !== null && bid.listingId === ctx.listingId) return false;
      if (bid.categories.length > 0 && ctx.category !== null && !bid.categories.includes(ctx.category)) return false;
      const c = this.#campaigns.get(bid.campaignId);
      if (!c || (this.#balances.get(c.ownerId) ?? 0) < reserveMinor) return false;
      if (c.totalBudgetMinor !== null && c.spentTotalMinor >= c.totalBudgetMinor) return false;
      return this.random() < pacingPassRate(c.day === today ? c.spentTodayMinor : 0, c.dailyBudgetMinor, now);
    });
    const scored: Scored[] = eligible.map((bid) => {
      const s = this.#stats.get(bid.adId);
      const quality = predictedCtr(s?.impressions ?? 0, s?.clicks ?? 0) * (search ? keywordRelevance(bid.terms.length, query.size) : 1);
      return {
        bid,
        adId: bid.adId,
        bidId: bid.bidId,
        targetId: bid.listingId ?? bid.streamId ?? bid.adId,
        bidMinor: bid.maxCpcMinor,
        quality,
        score: bid.maxCpcMinor * quality,
      };
    });
    scored.sort((a, b) => (outranks(a, b) ? -1 : outranks(b, a) ? 1 : 0));
    const keep = slots + LOGGED_BEYOND_SLOTS;
    const ranked: Scored[] = [];
    const seen = new Set<string>();
    for (const c of scored) {
      if (ranked.length === keep) break;
      if (seen.has(c.targetId)) continue;
      seen.add(c.targetId);
      ranked.push(c);
    }
    return priceRanked(ranked, slots, reserveMinor);
  }
}
