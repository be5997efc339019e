import { searchTerms } from '../../../api/src/domain/search-terms.js';
import type { AdStats, CampaignState, IndexedBid } from '../../../api/src/services/ad-index.js';

/**
 * One placement's worth of serving ads, the same inputs for every mode:
 * seeded, so two runs (and the three modes) see exactly the same ads.
 *
 * Bids are uniform in [reserve, reserve + 300] minor units, each ad has its
 * own random impressions (0–20,000) and click-through (0.2–8 %) history, and
 * the ads are spread over `campaigns` campaigns of `owners` owners. A few
 * owners have no balance and a few campaigns have spent their total budget
 * (those ads take part in nothing). Daily spend is at most 90 % of the daily
 * budget and the decisions run at 23:00 UTC, so the pacer's pass rate is 1
 * for every campaign (spend ≤ 23/24 of the budget): no decision depends on a
 * random draw, which is what lets the modes be compared ad for ad.
 *
 * Planted among them (at random positions), so the equality check covers
 * every rule and not just "the highest scores win": the best score of all
 * belongs to an owner with no balance, the second to a campaign whose total
 * budget is spent, the third and fourth promote the same listing, the next
 * two tie on score and bid (the older ad id wins), and the two after tie on
 * score at different bids (the higher bid wins).
 *
 * Search: `ads` keyword bids over ads of one to four keywords each (one, two
 * or three words from a 150-word vocabulary, popular words more often), so
 * one ad often matches a query through several keywords and only its best
 * bid may rank; 64 queries of one to four words, decided in turn. No planted
 * cases there: the equality check runs over every query.
 */
export type BenchPlacement = 'home' | 'search';

export type AdFixtures = {
  placement: BenchPlacement;
  reserveMinor: number;
  /** Fixed decision time: 23:00 UTC. */
  now: number;
  bids: IndexedBid[];
  campaigns: CampaignState[];
  balances: Map<string, number>;
  stats: Map<string, AdStats>;
  /** Ads whose campaign and owner can pay (what the SQL table's `eligible` says). */
  eligibleAds: number;
  /** The pages decided in turn: one 'home' page (no terms), or the search queries' terms. */
  queries: string[][];
  /** Home: the planted ads' ids ([ranks first, ranks second] for the pairs); search: null. */
  planted: {
    brokeOwner: string;
    spentCampaign: string;
    sameTarget: [string, string];
    tieOnBid: [string, string];
    tieOnScore: [string, string];
  } | null;
};

export const BENCH_NOW = Date.UTC(2026, 11, 1, 23, 0, 0);

/** mulberry32: a small, fast, seeded PRNG (the same sequence on every machine). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A UUIDv7-shaped id: a millisecond prefix that grows with `seq` (ids sort by creation, as in the schema), then random bits. */
function uuidV7(rand: () => number, seq: number): string {
  const ms = 1_764_547_200_000 + seq; // 2025-12-01, one millisecond apart
  const hex = ms.toString(16).padStart(12, '0');
  let tail = '';
  for (let i = 0; i < 19; i++) tail += Math.floor(rand() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${tail.slice(0, 3)}-${'89ab'[Math.floor(rand() * 4)]}${tail.slice(3, 6)}-${tail.slice(6, 18)}`;
}

const int = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

export function buildAdFixtures(o: {
  placement: BenchPlacement;
  ads: number;
  campaigns: number;
  owners: number;
  reserveMinor: number;
  seed: number;
}): AdFixtures {
  if (o.ads < 16 || o.owners < 8 || o.campaigns < o.owners || o.campaigns > o.ads)
    throw new Error(`ads fixtures: need ads >= 16 and 8 <= owners <= campaigns <= ads (got ${o.ads}/${o.campaigns}/${o.owners})`);
  const rand = seededRandom(o.seed);
  const now = BENCH_NOW;
  const day = new Date(now).toISOString().slice(0, 10);
  let seq = 0;
  const ownerIds = Array.from({ length: o.owners }, () => uuidV7(rand, seq++));
  const balances = new Map<string, number>();
  // Owner 0 has no balance (planted); 3 % of the others neither; owners 1–7 can pay (the planted ads' campaigns).
  ownerIds.forEach((id, i) => balances.set(id, i === 0 || (i >= 8 && rand() < 0.03) ? 0 : int(rand, 5_000, 500_000)));
  // Campaign i belongs to owner i mod owners: campaign 0 to the broke owner 0.
  const campaigns: CampaignState[] = Array.from({ length: o.campaigns }, (_, i) => {
    const daily = int(rand, 1_000, 100_000);
    // Campaign 1 has spent its total budget (planted); 2 % of those from 8 on too; the rest are under it or have none.
    const total = i === 1 || rand() < 0.5 ? daily * int(rand, 5, 60) : null;
    const exhausted = total !== null && (i === 1 || (i >= 8 && rand() < 0.02));
    return {
      campaignId: uuidV7(rand, seq++),
      ownerId: ownerIds[i % o.owners]!,
      dailyBudgetMinor: daily,
      totalBudgetMinor: total,
      spentTotalMinor: total === null ? int(rand, 0, 1_000_000) : exhausted ? total : int(rand, 0, total - 1),
      // ≤ 90 % of the daily budget: at 23:00 UTC the pacer's pass rate is 1.
      spentTodayMinor: int(rand, 0, Math.floor(daily * 0.9)),
      day,
    };
  });
  const { bids, stats, planted, queries } =
    o.placement === 'home' ? homeBids(o, campaigns, rand, () => seq++) : searchBids(o, campaigns, rand, () => seq++);
  const byId = new Map(campaigns.map((c) => [c.campaignId, c]));
  const eligibleAds = bids.filter((b) => isPayable(byId.get(b.campaignId)!, balances, o.reserveMinor)).length;
  return { placement: o.placement, reserveMinor: o.reserveMinor, now, bids, campaigns, balances, stats, eligibleAds, queries, planted };
}

type BidsOut = { bids: IndexedBid[]; stats: Map<string, AdStats>; planted: AdFixtures['planted']; queries: string[][] };
type Sizes = { ads: number; campaigns: number; owners: number; reserveMinor: number };

function homeBids(o: Sizes, campaigns: CampaignState[], rand: () => number, next: () => number): BidsOut {
  const stats = new Map<string, AdStats>();
  const bids: IndexedBid[] = [];
  for (let i = 0; i < o.ads; i++) {
    // The first eight are the planted ads, each in campaign i; the rest anywhere.
    const c = i < 8 ? i : int(rand, 0, o.campaigns - 1);
    const campaign = campaigns[c]!;
    const adId = uuidV7(rand, next());
    const impressions = int(rand, 0, 20_000);
    const ctr = 0.002 + rand() * 0.078;
    stats.set(adId, { impressions, clicks: Math.round(impressions * ctr) });
    bids.push({
      bidId: uuidV7(rand, next()),
      adId,
      campaignId: campaign.campaignId,
      shopId: campaign.ownerId, // one shop per owner: the id is only carried through
      ownerId: campaign.ownerId,
      placement: 'home',
      keyword: '',
      terms: [],
      maxCpcMinor: int(rand, o.reserveMinor, o.reserveMinor + 300),
      listingId: uuidV7(rand, next()),
      streamId: null,
      // Home pages have no category, so these never filter here; they are what a real index holds.
      categories: rand() < 0.3 ? ['electronics'] : [],
      card: {
        title: `Bench listing ${i}`,
        imageUrl: null,
        priceMinor: int(rand, 500, 50_000),
        currency: 'USD',
        shopName: `Bench shop ${c % o.owners}`,
      },
    });
  }
  // Planted cases. Quality = (clicks + 1) / (impressions + 50): 25/50 = 0.5 and 25/100 = 0.25, exact in binary;
  // the random ads score at most ~(reserve + 300) × 0.08.
  const plant = (i: number, bid: number, impressions: number, clicks: number) => {
    bids[i]!.maxCpcMinor = bid;
    stats.set(bids[i]!.adId, { impressions, clicks });
  };
  plant(0, o.reserveMinor + 900, 0, 24); // campaign 0, owner 0: no balance
  plant(1, o.reserveMinor + 880, 0, 24); // campaign 1: total budget spent
  plant(2, o.reserveMinor + 860, 0, 24); // these two promote the same listing: only the better one ranks
  plant(3, o.reserveMinor + 850, 0, 24);
  bids[3]!.listingId = bids[2]!.listingId;
  plant(4, o.reserveMinor + 840, 0, 24); // equal score and bid: the older ad (lower id) first
  plant(5, o.reserveMinor + 840, 0, 24);
  plant(6, 400, 50, 24); // score 100 at bid 400 …
  plant(7, 200, 0, 24); // … and at bid 200: the higher bid first
  const id = (i: number) => bids[i]!.adId;
  const planted: AdFixtures['planted'] = {
    brokeOwner: id(0),
    spentCampaign: id(1),
    sameTarget: [id(2), id(3)],
    tieOnBid: [id(4), id(5)],
    tieOnScore: [id(6), id(7)],
  };
  // Index order is whatever the database returned: shuffle so the planted ads are anywhere.
  shuffle(bids, rand);
  return { bids, stats, planted, queries: [[]] };
}

/** 150 words, the popular ones first: a word's chance falls with its rank (rand² skews towards the front). */
const VOCABULARY = Array.from({ length: 150 }, (_, i) => `w${i.toString(36)}`);
const word = (rand: () => number) => VOCABULARY[Math.floor(rand() * rand() * VOCABULARY.length)]!;

/** Distinct words, as searchTerms splits a keyword or a query. */
function phrase(rand: () => number, words: number): string {
  const picked = new Set<string>();
  for (let tries = 0; picked.size < words && tries < 50; tries++) picked.add(word(rand));
  return [...picked].join(' ');
}

function searchBids(o: Sizes, campaigns: CampaignState[], rand: () => number, next: () => number): BidsOut {
  const stats = new Map<string, AdStats>();
  const bids: IndexedBid[] = [];
  for (let i = 0; bids.length < o.ads; i++) {
    const campaign = campaigns[int(rand, 0, campaigns.length - 1)]!;
    const adId = uuidV7(rand, next());
    const listingId = uuidV7(rand, next());
    const impressions = int(rand, 0, 20_000);
    stats.set(adId, { impressions, clicks: Math.round(impressions * (0.002 + rand() * 0.078)) });
    const keywords = new Set<string>();
    const wanted = int(rand, 1, 4);
    for (let tries = 0; keywords.size < wanted && tries < 20; tries++) {
      const r = rand();
      keywords.add(searchTerms(phrase(rand, r < 0.6 ? 1 : r < 0.9 ? 2 : 3)).join(' '));
    }
    for (const keyword of keywords) {
      if (bids.length === o.ads) break;
      bids.push({
        bidId: uuidV7(rand, next()),
        adId,
        campaignId: campaign.campaignId,
        shopId: campaign.ownerId,
        ownerId: campaign.ownerId,
        placement: 'search',
        keyword,
        terms: searchTerms(keyword),
        maxCpcMinor: int(rand, o.reserveMinor, o.reserveMinor + 300),
        listingId,
        streamId: null,
        categories: [],
        card: { title: `Bench listing ${i}`, imageUrl: null, priceMinor: int(rand, 500, 50_000), currency: 'USD', shopName: 'Bench shop' },
      });
    }
  }
  shuffle(bids, rand);
  const queries = Array.from({ length: 64 }, () => searchTerms(phrase(rand, int(rand, 1, 4))));
  return { bids, stats, planted: null, queries };
}

function shuffle<T>(xs: T[], rand: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}

/** A campaign that may enter an auction (before the pacer): within its total budget and its owner's balance covers the reserve. */
export function isPayable(c: CampaignState, balances: ReadonlyMap<string, number>, reserveMinor: number): boolean {
  return (balances.get(c.ownerId) ?? 0) >= reserveMinor && (c.totalBudgetMinor === null || c.spentTotalMinor < c.totalBudgetMinor);
}
