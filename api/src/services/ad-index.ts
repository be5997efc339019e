import type { AdPlacement } from '@hawker/shared';
import {
  keywordRelevance,
  LOGGED_BEYOND_SLOTS,
  predictedCtr,
  TopCandidates,
  type AuctionCandidate,
  type RankedCandidate,
} from '../domain/ad-auction.js';
import { pacingPassRate, utcDay } from '../domain/ad-pacing.js';

/** One bid of a serving ad, with what a sponsored card shows. */
export type IndexedBid = {
  bidId: string;
  adId: string;
  campaignId: string;
  shopId: string;
  ownerId: string;
  placement: AdPlacement;
  keyword: string;
  terms: string[];
  maxCpcMinor: number;
  listingId: string | null;
  streamId: string | null;
  /** The ad runs only on pages in these categories (empty: everywhere its placement is). */
  categories: string[];
  card: { title: string; imageUrl: string | null; priceMinor: number | null; currency: string | null; shopName: string };
};

export type CampaignState = {
  campaignId: string;
  ownerId: string;
  dailyBudgetMinor: number;
  totalBudgetMinor: number | null;
  spentTotalMinor: number;
  spentTodayMinor: number;
  day: string;
};

export type AdStats = { impressions: number; clicks: number };

/** The page an auction is for. */
export type AdContext = { placement: AdPlacement; queryTerms: string[]; category: string | null; listingId: string | null };

export type Candidate = AuctionCandidate & { entry: IndexedBid; reason: 'keyword' | 'category' | 'placement' };
export type RankedAd = Candidate & RankedCandidate;

/**
 * Every serving ad of the platform, in this node's memory, so a decision is
 * a scan of one placement's bids with no I/O. Search bids are filed under
 * their first term: a keyword matches only queries that contain all its
 * terms, so a query looks only under its own terms. Spend and balances are
 * patched in place as clicks are billed on any node; the rest is rebuilt from
 * PostgreSQL (AdServer.reload).
 */
export class AdIndex {
  #byPlacement = new Map<AdPlacement, IndexedBid[]>();
  #searchByTerm = new Map<string, IndexedBid[]>();
  #campaigns = new Map<string, CampaignState>();
  #balances = new Map<string, number>();
  #stats = new Map<string, AdStats>();

  constructor(private readonly random: () => number = Math.random) {}

  replace(bids: IndexedBid[], campaigns: CampaignState[], balances: Map<string, number>, stats: Map<string, AdStats>): void {
    const byPlacement = new Map<AdPlacement, IndexedBid[]>();
    const byTerm = new Map<string, IndexedBid[]>();
    for (const bid of bids) {
      if (bid.placement === 'search') {
        const first = bid.terms[0];
        if (first === undefined) continue;
        const list = byTerm.get(first) ?? [];
        list.push(bid);
        byTerm.set(first, list);
      } else {
        const list = byPlacement.get(bid.placement) ?? [];
        list.push(bid);
        byPlacement.set(bid.placement, list);
      }
    }
    this.#byPlacement = byPlacement;
    this.#searchByTerm = byTerm;
    this.#campaigns = new Map(campaigns.map((c) => [c.campaignId, c]));
    this.#balances = balances;
    this.#stats = stats;
  }

  get size(): number {
    let n = 0;
    for (const list of this.#byPlacement.values()) n += list.length;
    for (const list of this.#searchByTerm.values()) n += list.length;
    return n;
  }

  /** A click was billed (here or on another node): the campaign's spend and the owner's balance as that transaction left them. */
  applySpend(update: {
    campaignId: string;
    ownerId: string;
    day: string;
    spentTodayMinor: number;
    spentTotalMinor: number;
    balanceMinor: number;
  }): void {
    const c = this.#campaigns.get(update.campaignId);
    if (c && (c.day < update.day || (c.day === update.day && update.spentTodayMinor >= c.spentTodayMinor))) {
      c.day = update.day;
      c.spentTodayMinor = update.spentTodayMinor;
      c.spentTotalMinor = Math.max(c.spentTotalMinor, update.spentTotalMinor);
    }
    this.#balances.set(update.ownerId, update.balanceMinor);
  }

  /** A valid impression or a billed click changes the ad's predicted click-through rate. */
  addStats(adId: string, impressions: number, clicks: number): void {
    const s = this.#stats.get(adId) ?? { impressions: 0, clicks: 0 };
    s.impressions += impressions;
    s.clicks += clicks;
    this.#stats.set(adId, s);
  }

  balance(ownerId: string): number {
    return this.#balances.get(ownerId) ?? 0;
  }

  /**
   * Whether the campaign enters this auction: within its budgets, its owner's
   * balance covers at least the reserve, and the pacer lets it through.
   */
  #participates(campaignId: string, reserveMinor: number, now: number, today: string, passes: Map<string, boolean>): boolean {
    const known = passes.get(campaignId);
    if (known !== undefined) return known;
    const c = this.#campaigns.get(campaignId);
    let pass = false;
    if (c && (this.#balances.get(c.ownerId) ?? 0) >= reserveMinor) {
      const spentToday = c.day === today ? c.spentTodayMinor : 0;
      const withinTotal = c.totalBudgetMinor === null || c.spentTotalMinor < c.totalBudgetMinor;
      pass = withinTotal && this.random() < pacingPassRate(spentToday, c.dailyBudgetMinor, now);
    }
    passes.set(campaignId, pass);
    return pass;
  }

  /**
   * The page's auction over this node's index: the bids that match the page
   * and take part now, ranked and priced (runAuction's rules). A candidate is
   * built only when its score could enter the top few.
   */
  auction(ctx: AdContext, slots: number, reserveMinor: number, now: number, excluded: ReadonlySet<string> = new Set()): RankedAd[] {
    const today = utcDay(now);
    const passes = new Map<string, boolean>();
    const top = new TopCandidates<Candidate>(slots + LOGGED_BEYOND_SLOTS);
    const offer = (bid: IndexedBid, relevance: number, reason: Candidate['reason']) => {
      if (bid.maxCpcMinor < reserveMinor || excluded.has(bid.adId)) return;
      if (ctx.listingId !== null && bid.listingId === ctx.listingId) return;
      if (bid.categories.length > 0 && ctx.category !== null && !bid.categories.includes(ctx.category)) return;
      const s = this.#stats.get(bid.adId);
      const quality = predictedCtr(s?.impressions ?? 0, s?.clicks ?? 0) * relevance;
      const score = bid.maxCpcMinor * quality;
      if (!top.admits(score, bid.maxCpcMinor, bid.adId, bid.bidId)) return;
      if (!this.#participates(bid.campaignId, reserveMinor, now, today, passes)) return;
      const targetId = bid.listingId ?? bid.streamId ?? bid.adId;
      top.offer({ adId: bid.adId, bidId: bid.bidId, targetId, bidMinor: bid.maxCpcMinor, quality, entry: bid, reason }, score);
    };
    if (ctx.placement === 'search') {
      const query = new Set(ctx.queryTerms);
      for (const term of query)
        for (const bid of this.#searchByTerm.get(term) ?? [])
          if (bid.terms.every((t) => query.has(t))) offer(bid, keywordRelevance(bid.terms.length, query.size), 'keyword');
    } else {
      for (const bid of this.#byPlacement.get(ctx.placement) ?? [])
        offer(bid, 1, bid.categories.length > 0 && ctx.category !== null ? 'category' : 'placement');
    }
    return top.rank(slots, reserveMinor);
  }
}
