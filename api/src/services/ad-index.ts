import type { AdPlacement } from '@hawker/shared';
import {
  keywordRelevance,
  LOGGED_BEYOND_SLOTS,
  outranks,
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

/** A bid with its ranking key: bid × predicted CTR (× keyword terms on search, where the query's length is a common factor). */
type Ranked = { bid: IndexedBid; ctr: number; key: number };

/**
 * Every serving ad of the platform, in this node's memory, so a decision
 * needs no I/O. Each placement's bids are kept sorted by score (and each
 * search term's by score per query word), so an auction walks from the top
 * and stops once the slots and the logged runners-up are filled: it touches
 * a few dozen bids, not all of them. Search bids are filed under their first
 * term (a keyword matches only queries containing all its terms) and a query
 * merges its terms' lists. Spend and balances are patched in place as clicks
 * are billed on any node; quality changes re-sort the lists once a second
 * (refreshQuality); the rest is rebuilt from PostgreSQL (AdServer.reload).
 */
export class AdIndex {
  #byPlacement = new Map<AdPlacement, Ranked[]>();
  #searchByTerm = new Map<string, Ranked[]>();
  #campaigns = new Map<string, CampaignState>();
  #balances = new Map<string, number>();
  #stats = new Map<string, AdStats>();
  #dirty = false;

  constructor(private readonly random: () => number = Math.random) {}

  replace(bids: IndexedBid[], campaigns: CampaignState[], balances: Map<string, number>, stats: Map<string, AdStats>): void {
    const byPlacement = new Map<AdPlacement, Ranked[]>();
    const byTerm = new Map<string, Ranked[]>();
    for (const bid of bids) {
      const entry: Ranked = { bid, ctr: 0, key: 0 };
      if (bid.placement === 'search') {
        const first = bid.terms[0];
        if (first === undefined) continue;
        const list = byTerm.get(first) ?? [];
        list.push(entry);
        byTerm.set(first, list);
      } else {
        const list = byPlacement.get(bid.placement) ?? [];
        list.push(entry);
        byPlacement.set(bid.placement, list);
      }
    }
    this.#byPlacement = byPlacement;
    this.#searchByTerm = byTerm;
    this.#campaigns = new Map(campaigns.map((c) => [c.campaignId, c]));
    this.#balances = balances;
    this.#stats = stats;
    this.#resort();
  }

  /**
   * Applies the quality changes gathered since the last call (AdServer calls
   * it once a second, off the decision path): a re-sort of every list, ~5 ms
   * for 10,000 bids.
   */
  refreshQuality(): void {
    if (this.#dirty) this.#resort();
  }

  /** Recomputes every bid's quality from the stats and sorts the lists in rank order (runAuction's tie rules). */
  #resort(): void {
    const rerank = (list: Ranked[]) => {
      for (const r of list) {
        const s = this.#stats.get(r.bid.adId);
        r.ctr = predictedCtr(s?.impressions ?? 0, s?.clicks ?? 0);
        r.key = r.bid.maxCpcMinor * r.ctr * (r.bid.placement === 'search' ? r.bid.terms.length : 1);
      }
      list.sort((a, b) => (outranks(keyed(a), keyed(b)) ? -1 : outranks(keyed(b), keyed(a)) ? 1 : 0));
    };
    for (const list of this.#byPlacement.values()) rerank(list);
    for (const list of this.#searchByTerm.values()) rerank(list);
    this.#dirty = false;
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

  /** A valid impression or a billed click changes the ad's predicted click-through rate (applied by the next refreshQuality). */
  addStats(adId: string, impressions: number, clicks: number): void {
    const s = this.#stats.get(adId) ?? { impressions: 0, clicks: 0 };
    s.impressions += impressions;
    s.clicks += clicks;
    this.#stats.set(adId, s);
    this.#dirty = true;
  }

  /** The daily budgets of an advertiser's serving campaigns: a day of ads, the low-balance line. */
  dailyBudgetsOf(ownerId: string): number {
    let sum = 0;
    for (const c of this.#campaigns.values()) if (c.ownerId === ownerId) sum += c.dailyBudgetMinor;
    return sum;
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
   * and take part now, ranked and priced (runAuction's rules), walked in
   * score order until the slots and the logged runners-up are filled.
   */
  auction(ctx: AdContext, slots: number, reserveMinor: number, now: number, excluded: ReadonlySet<string> = new Set()): RankedAd[] {
    const today = utcDay(now);
    const passes = new Map<string, boolean>();
    const top = new TopCandidates<Candidate>(slots + LOGGED_BEYOND_SLOTS);
    /** Offers one bid; false once nothing further down the list can enter. */
    const offer = (r: Ranked, relevance: number, reason: Candidate['reason']): boolean => {
      const bid = r.bid;
      const quality = r.ctr * relevance;
      const score = bid.maxCpcMinor * quality;
      if (!top.admits(score, bid.maxCpcMinor, bid.adId, bid.bidId)) return false;
      if (bid.maxCpcMinor < reserveMinor || excluded.has(bid.adId)) return true;
      if (ctx.listingId !== null && bid.listingId === ctx.listingId) return true;
      if (bid.categories.length > 0 && ctx.category !== null && !bid.categories.includes(ctx.category)) return true;
      if (!this.#participates(bid.campaignId, reserveMinor, now, today, passes)) return true;
      const targetId = bid.listingId ?? bid.streamId ?? bid.adId;
      top.offer({ adId: bid.adId, bidId: bid.bidId, targetId, bidMinor: bid.maxCpcMinor, quality, entry: bid, reason }, score);
      return true;
    };
    if (ctx.placement === 'search') {
      const query = new Set(ctx.queryTerms);
      const lists = [...query].map((t) => this.#searchByTerm.get(t)).filter((l): l is Ranked[] => l !== undefined);
      const at = lists.map(() => 0);
      // A merge of the query's term lists in rank order (the query's length divides every key alike).
      for (;;) {
        let best = -1;
        for (let i = 0; i < lists.length; i++) {
          const head = lists[i]![at[i]!];
          if (head && (best < 0 || outranks(keyed(head), keyed(lists[best]![at[best]!]!)))) best = i;
        }
        if (best < 0) break;
        const r = lists[best]![at[best]!++]!;
        if (!r.bid.terms.every((t) => query.has(t))) continue;
        if (!offer(r, keywordRelevance(r.bid.terms.length, query.size), 'keyword')) break;
      }
    } else {
      const reason = ctx.category !== null ? 'category' : 'placement';
      for (const r of this.#byPlacement.get(ctx.placement) ?? [])
        if (!offer(r, 1, r.bid.categories.length > 0 && reason === 'category' ? 'category' : 'placement')) break;
    }
    return top.rank(slots, reserveMinor);
  }
}

function keyed(r: Ranked) {
  return { score: r.key, bidMinor: r.bid.maxCpcMinor, adId: r.bid.adId, bidId: r.bid.bidId };
}
