import { randomBytes, randomUUID } from 'node:crypto';
import { accounts } from '../../../api/src/domain/ledger-accounts.js';
import { searchTerms } from '../../../api/src/domain/search-terms.js';
import type { Database } from '../../../api/src/repositories/db/client.js';
import { uuidv7 } from '../../../api/src/repositories/db/uuid7.js';
import { LedgerRepository } from '../../../api/src/repositories/ledger.repository.js';
import type { AdTokenPayload, AdTokens } from '../../../api/src/services/ad-token.js';

/**
 * The advertisers of the ad-clicks bench, written straight into its fresh
 * database (no HTTP, no argon2): per campaign one owner, one shop (a fresh
 * shop's trust score is 86, above the default gate of 60), one active listing
 * in stock, one campaign, one active ad on the listing with a search bid.
 * Every owner's brand_funding balance is topped up through the real ledger
 * function (brand_card → brand_funding, as a card top-up books it).
 *
 * Two kinds of campaign: "capped" ones with small daily budgets, spread
 * geometrically from `cappedBudgetMinor[0]` to `[1]`, so that during a run
 * some exhaust early, some late and some never (that is where overspend
 * would show); and "open" ones whose daily budget no run reaches, which
 * carry most of the clicks, so the billed rate measures billing and not
 * refusals.
 */
export type ClickCampaign = {
  campaignId: string;
  adId: string;
  listingId: string;
  ownerId: string;
  dailyBudgetMinor: number;
  capped: boolean;
};

export type ClickFixtures = { campaigns: ClickCampaign[]; capped: ClickCampaign[]; open: ClickCampaign[]; fundedMinor: number };

export type SeedOptions = {
  campaigns: number;
  cappedCampaigns: number;
  cappedBudgetMinor: [number, number];
  openBudgetMinor: number;
  /** Every owner's brand_funding top-up (more than all its daily budgets: no low-balance case). */
  fundMinor: number;
  /** Each ad's search bid (max CPC); click prices stay at or below it. */
  maxCpcMinor: number;
  currency: string;
};

/** Budget of capped campaign i of n: geometric from lo to hi. */
export function cappedBudget(i: number, n: number, [lo, hi]: [number, number]): number {
  return n <= 1 ? lo : Math.round(lo * (hi / lo) ** (i / (n - 1)));
}

export async function seedAdvertisers(db: Database, o: SeedOptions): Promise<ClickFixtures> {
  const prisma = db.prisma;
  const tag = randomBytes(4).toString('hex');
  const n = o.campaigns;
  const now = Date.now();
  const ids = (k: number) => Array.from({ length: n }, (_, i) => uuidv7(now - (n - i) * 10 - k));
  const [owners, shops, listings, campaigns, ads] = [ids(1), ids(2), ids(3), ids(4), ids(5)];
  await prisma.user.createMany({
    data: owners.map((id, i) => ({
      id,
      email: `bench-advertiser-${tag}-${i}@bench.hawker`,
      passwordHash: 'not-used',
      displayName: `Advertiser ${i}`,
      roles: ['seller' as const],
    })),
  });
  await prisma.shop.createMany({
    data: shops.map((id, i) => ({ id, ownerId: owners[i]!, name: `Bench ad shop ${i}`, slug: `bench-adclicks-${tag}-${i}` })),
  });
  await prisma.listing.createMany({
    data: listings.map((id, i) => ({
      id,
      shopId: shops[i]!,
      title: `Advertised thing ${i}`,
      priceMinor: 2_500,
      currency: o.currency,
      stock: 1_000,
      category: 'bench',
      status: 'active' as const,
    })),
  });
  const budget = (i: number) => (i < o.cappedCampaigns ? cappedBudget(i, o.cappedCampaigns, o.cappedBudgetMinor) : o.openBudgetMinor);
  await prisma.adCampaign.createMany({
    data: campaigns.map((id, i) => ({
      id,
      shopId: shops[i]!,
      name: `Bench campaign ${i}`,
      status: 'active' as const,
      dailyBudgetMinor: budget(i),
      currency: o.currency,
      startsAt: new Date(now - 86_400_000),
    })),
  });
  await prisma.ad.createMany({ data: ads.map((id, i) => ({ id, campaignId: campaigns[i]!, listingId: listings[i]! })) });
  await prisma.adBid.createMany({
    data: ads.map((adId, i) => {
      const keyword = `benchword${i}`;
      return { adId, placement: 'search' as const, keyword, terms: searchTerms(keyword), maxCpcMinor: o.maxCpcMinor };
    }),
  });
  const ledger = new LedgerRepository(prisma, db.sql);
  const fund = async (owner: string) =>
    ledger.post(db.sql, {
      kind: 'brand_topup',
      idempotencyKey: `bench-topup:${owner}`,
      memo: 'ad-clicks bench top-up',
      entries: [
        { account: accounts.brandCard(owner, o.currency), amount: -BigInt(o.fundMinor) },
        { account: accounts.brandFunding(owner, o.currency), amount: BigInt(o.fundMinor) },
      ],
    });
  for (let at = 0; at < owners.length; at += 8) await Promise.all(owners.slice(at, at + 8).map(fund));
  const all: ClickCampaign[] = campaigns.map((campaignId, i) => ({
    campaignId,
    adId: ads[i]!,
    listingId: listings[i]!,
    ownerId: owners[i]!,
    dailyBudgetMinor: budget(i),
    capped: i < o.cappedCampaigns,
  }));
  return { campaigns: all, capped: all.filter((c) => c.capped), open: all.filter((c) => !c.capped), fundedMinor: o.fundMinor };
}

/** One click as the load generator sends it: everything precomputed, so the client spends its CPU on HTTP only. */
export type PlannedClick = {
  path: string;
  /** `hk_vid=<uuid>`: the anonymous visitor the card was shown to. */
  cookie: string;
  /** A /24 of its own per click: the IP-burst rule (per ad and network) never refuses a bench click. */
  forwardedFor: string;
  /** Where the 302 must point. */
  location: string;
};

export type ImpressionRow = { id: string; adId: string; campaignId: string; priceMinor: number; viewerKey: string };

export type PlanOptions = {
  /** Tokens issued this long ago: 0 for fresh clicks, > 30 minutes for the redirect-only baseline. */
  ageMs: number;
  /** The first network number of this batch (a run-wide counter). */
  firstNetwork: number;
  /** Share of clicks on capped campaigns; the rest go to open ones. */
  cappedShare: number;
  priceMinor: [number, number];
  rand: () => number;
};

/** The n-th bench network: 11.0.0.1, 11.0.1.1, … — 65,536 /24s per first octet. */
export function networkAddress(n: number): string {
  return `${11 + Math.floor(n / 65_536)}.${(n >> 8) & 255}.${n & 255}.1`;
}

/**
 * `count` clicks, each with its own signed token (a fresh id, one of the
 * fixture ads, a price in the range, a visitor of its own, the ad's listing),
 * and the impression rows that make them billable.
 */
export function planClicks(
  tokens: AdTokens,
  f: ClickFixtures,
  count: number,
  o: PlanOptions,
): { clicks: PlannedClick[]; impressions: ImpressionRow[] } {
  const clicks: PlannedClick[] = [];
  const impressions: ImpressionRow[] = [];
  const issuedAt = Date.now() - o.ageMs;
  const [lo, hi] = o.priceMinor;
  for (let i = 0; i < count; i++) {
    const group = f.capped.length > 0 && (f.open.length === 0 || o.rand() < o.cappedShare) ? f.capped : f.open;
    const c = group[Math.floor(o.rand() * group.length)]!;
    const visitor = randomUUID();
    const target = `/listings/${c.listingId}`;
    const payload: AdTokenPayload = {
      id: randomUUID(),
      ad: c.adId,
      campaign: c.campaignId,
      placement: 'search',
      position: 1,
      priceMinor: lo + Math.floor(o.rand() * (hi - lo + 1)),
      viewer: `v:${visitor}`,
      target,
      issuedAt,
    };
    clicks.push({
      path: `/api/ads/click/${tokens.sign(payload)}`,
      cookie: `hk_vid=${visitor}`,
      forwardedFor: networkAddress(o.firstNetwork + i),
      location: target,
    });
    impressions.push({ id: payload.id, adId: c.adId, campaignId: c.campaignId, priceMinor: payload.priceMinor, viewerKey: payload.viewer });
  }
  return { clicks, impressions };
}

/** The impression beacons, recorded before timing (10,000 rows a statement). */
export async function insertImpressions(db: Database, rows: ImpressionRow[]): Promise<void> {
  for (let at = 0; at < rows.length; at += 10_000) {
    const chunk = rows.slice(at, at + 10_000);
    await db.sql.query(
      {
        text: `INSERT INTO ad_impressions (id, "adId", "campaignId", placement, position, "priceMinor", "viewerKey", "createdAt")
               SELECT i, a, c, 'search', 1, p, v, (now() AT TIME ZONE 'UTC')
                 FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[]) AS x(i, a, c, p, v)`,
      },
      [
        chunk.map((r) => r.id),
        chunk.map((r) => r.adId),
        chunk.map((r) => r.campaignId),
        chunk.map((r) => r.priceMinor),
        chunk.map((r) => r.viewerKey),
      ],
    );
  }
}
