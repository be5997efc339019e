import type { AdPlacement } from '@hawker/shared';
import { accounts } from '../domain/ledger-accounts.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { LedgerRepository } from './ledger.repository.js';

/** Attribution: an order of the advertised listing by the same buyer within 7 days after a billed click (the last one counts). */
const ATTRIBUTION_DAYS = 7;

export type AdRow = {
  key: string;
  impressions: number;
  clicks: number;
  spend: bigint;
  invalid: number;
  credits: bigint;
  orders: number;
  revenue: bigint;
};

/** What sellers and admins read about ads: figures per day and per ad, the auction log, platform revenue. */
export class AdReportRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ledger: LedgerRepository,
  ) {}

  /**
   * A campaign's figures grouped by UTC day ('day') or by ad ('ad'). Clicks
   * and spend are the billed clicks net of credits; revenue counts only
   * orders in the ad currency.
   */
  figures(campaignId: string, by: 'day' | 'ad', currency: string) {
    const key = by === 'day' ? `to_char(date_trunc('day', x.at), 'YYYY-MM-DD')` : `x.ad::text`;
    return this.prisma.$queryRawUnsafe<AdRow[]>(
      `WITH clicks AS (
         SELECT k.id, k."adId" AS ad, k."createdAt" AS at, k."userId" AS buyer, k."billedMinor" AS billed, k."invalidReason" AS reason, k."creditedAt" AS credited, a."listingId" AS listing
           FROM ad_clicks k JOIN ads a ON a.id = k."adId" WHERE k."campaignId" = $1::uuid),
       attributed AS (
         SELECT DISTINCT ON (o.id, i."listingId") o.id, c.ad, c.at, (i."unitPriceMinor" * i.quantity)::bigint AS revenue
           FROM clicks c
           JOIN orders o ON o."buyerId" = c.buyer AND o."createdAt" >= c.at AND o."createdAt" < c.at + interval '${ATTRIBUTION_DAYS} days'
                        AND o.status NOT IN ('pending_payment', 'cancelled') AND o.currency = $2
           JOIN order_items i ON i."orderId" = o.id AND i."listingId" = c.listing
          WHERE c.billed > 0 AND c.credited IS NULL
          ORDER BY o.id, i."listingId", c.at DESC),
       events AS (
         SELECT m."adId" AS ad, m."createdAt" AS at, 1 AS impressions, 0 AS clicks, 0::bigint AS spend, 0 AS invalid, 0::bigint AS credits, 0 AS orders, 0::bigint AS revenue
           FROM ad_impressions m WHERE m."campaignId" = $1::uuid
         UNION ALL
         SELECT c.ad, c.at, 0, (c.billed > 0 AND c.credited IS NULL)::int, CASE WHEN c.credited IS NULL THEN c.billed ELSE 0 END,
                (c.reason IS NOT NULL)::int, CASE WHEN c.credited IS NOT NULL THEN c.billed ELSE 0 END, 0, 0
           FROM clicks c
         UNION ALL
         SELECT a.ad, a.at, 0, 0, 0, 0, 0, 1, a.revenue FROM attributed a)
       SELECT ${key} AS key, sum(impressions)::int AS impressions, sum(clicks)::int AS clicks, sum(spend)::bigint AS spend,
              sum(invalid)::int AS invalid, sum(credits)::bigint AS credits, sum(orders)::int AS orders, sum(revenue)::bigint AS revenue
         FROM events x GROUP BY 1 ORDER BY 1`,
      campaignId,
      currency,
    );
  }

  /** How many of the last 7 days' auctions for this placement the ad took part in and won, and the latest one. */
  async insight(adId: string, placement: AdPlacement, since: Date) {
    const [counts] = await this.prisma.$queryRaw<{ auctions: number; wins: number }[]>`
      SELECT count(*)::int AS auctions,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(candidates) e WHERE e->>'ad' = ${adId} AND e->>'slot' IS NOT NULL))::int AS wins
        FROM ad_auctions WHERE ${adId}::uuid = ANY("adIds") AND placement = ${placement}::"AdPlacement" AND "createdAt" >= ${since}`;
    const latest = await this.prisma.adAuction.findFirst({
      where: { adIds: { has: adId }, placement, createdAt: { gte: since } },
      orderBy: { createdAt: 'desc' },
      select: { query: true, candidates: true, createdAt: true },
    });
    return { auctions: counts?.auctions ?? 0, wins: counts?.wins ?? 0, latest };
  }

  /** The logged auctions the simulator replays, newest first (bounded so it answers within 2 s). */
  auctionsWith(adId: string, placement: AdPlacement, since: Date, limit: number) {
    return this.prisma.adAuction.findMany({
      where: { adIds: { has: adId }, placement, createdAt: { gte: since } },
      orderBy: { createdAt: 'desc' },
      take: limit,
      select: { candidates: true },
    });
  }

  /** Platform revenue: ads (net of credits) and order fees, ad revenue by day, and the ads that spent most. */
  async platformRevenue(currency: string, since: Date) {
    const [adRevenue, fees] = await Promise.all([
      this.adRevenue(currency),
      this.ledger.balance(this.prisma, accounts.platformRevenue(currency).code),
    ]);
    const days = await this.prisma.$queryRaw<{ day: string; revenue: bigint; clicks: number }[]>`
      SELECT to_char(d.day, 'YYYY-MM-DD') AS day, sum(d."spentMinor")::bigint AS revenue, sum(d.clicks)::int AS clicks
        FROM ad_campaign_days d JOIN ad_campaigns c ON c.id = d."campaignId"
       WHERE c.currency = ${currency} AND d.day >= ${since}::date GROUP BY 1 ORDER BY 1`;
    const ads = await this.prisma.$queryRaw<{ ad_id: string; shop: string; title: string; spend: bigint; clicks: number; down: boolean }[]>`
      SELECT a.id::text AS ad_id, s.name AS shop, coalesce(l.title, st.title, '') AS title,
             (SELECT coalesce(sum(k."billedMinor"), 0) FROM ad_clicks k WHERE k."adId" = a.id AND k."creditedAt" IS NULL)::bigint AS spend,
             a.clicks, a."takenDownAt" IS NOT NULL AS down
        FROM ads a JOIN ad_campaigns c ON c.id = a."campaignId" JOIN shops s ON s.id = c."shopId"
        LEFT JOIN listings l ON l.id = a."listingId" LEFT JOIN streams st ON st.id = a."streamId"
       WHERE c.currency = ${currency}
       ORDER BY 4 DESC, a.id LIMIT 100`;
    return { adRevenue, fees, days, ads };
  }

  /** Ad revenue: the sum of its shards. */
  async adRevenue(currency: string): Promise<bigint> {
    const [row] = await this.prisma.$queryRaw<{ sum: bigint | null }[]>`
      SELECT sum(balance)::bigint AS sum FROM ledger_accounts WHERE kind = 'ad_revenue' AND currency = ${currency}`;
    return row?.sum ?? 0n;
  }

  /** Ads invariants for the ledger self-check: campaign spend = its billed, uncredited clicks = the days' spend. */
  spendMismatches() {
    return this.prisma.$queryRaw<{ campaign_id: string; spent: bigint; clicks: bigint; days: bigint }[]>`
      SELECT c.id::text AS campaign_id, c."spentMinor" AS spent,
             (SELECT coalesce(sum(k."billedMinor"), 0) FROM ad_clicks k WHERE k."campaignId" = c.id AND k."creditedAt" IS NULL)::bigint AS clicks,
             (SELECT coalesce(sum(d."spentMinor"), 0) FROM ad_campaign_days d WHERE d."campaignId" = c.id)::bigint AS days
        FROM ad_campaigns c
       WHERE c."spentMinor" <> (SELECT coalesce(sum(k."billedMinor"), 0) FROM ad_clicks k WHERE k."campaignId" = c.id AND k."creditedAt" IS NULL)
          OR c."spentMinor" <> (SELECT coalesce(sum(d."spentMinor"), 0) FROM ad_campaign_days d WHERE d."campaignId" = c.id)`;
  }

  /** Ad revenue must equal what billed, uncredited clicks charged. */
  async revenueMatchesClicks(currency: string): Promise<{ revenue: bigint; clicks: bigint }> {
    const revenue = await this.adRevenue(currency);
    const [row] = await this.prisma.$queryRaw<{ sum: bigint | null }[]>`
      SELECT sum(k."billedMinor")::bigint AS sum FROM ad_clicks k JOIN ad_campaigns c ON c.id = k."campaignId"
       WHERE k."creditedAt" IS NULL AND c.currency = ${currency}`;
    return { revenue, clicks: row?.sum ?? 0n };
  }
}
