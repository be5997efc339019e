import type { AdPlacement } from '@hawker/shared';
import type { PrismaClient } from '../generated/prisma/client.js';

export type BidRow = { placement: AdPlacement; keyword: string; terms: string[]; maxCpcMinor: number };
export type NewAd = { listingId: string | null; streamId: string | null; categories: string[]; active: boolean; bids: BidRow[] };

const AD_SELECT = {
  id: true,
  campaignId: true,
  listingId: true,
  streamId: true,
  categories: true,
  active: true,
  takenDownAt: true,
  takenDownReason: true,
  bids: { select: { id: true, placement: true, keyword: true, maxCpcMinor: true }, orderBy: { id: 'asc' as const } },
  listing: {
    select: {
      id: true,
      title: true,
      status: true,
      stock: true,
      images: { select: { storageKey: true }, orderBy: { position: 'asc' as const }, take: 1 },
    },
  },
  stream: { select: { id: true, title: true, status: true, cancelledAt: true } },
} as const;

const CAMPAIGN_SELECT = {
  id: true,
  shopId: true,
  name: true,
  status: true,
  dailyBudgetMinor: true,
  totalBudgetMinor: true,
  currency: true,
  startsAt: true,
  endsAt: true,
  spentMinor: true,
  createdAt: true,
  shop: { select: { ownerId: true } },
  ads: { select: AD_SELECT, orderBy: { createdAt: 'asc' as const } },
} as const;

/** One row per bid of an ad that may serve now (the index's input). */
export type IndexRow = {
  bid_id: string;
  ad_id: string;
  campaign_id: string;
  shop_id: string;
  owner_id: string;
  placement: AdPlacement;
  keyword: string;
  terms: string[];
  max_cpc: number;
  listing_id: string | null;
  stream_id: string | null;
  categories: string[];
  title: string;
  image_key: string | null;
  price_minor: number | null;
  currency: string | null;
  shop_name: string;
  impressions: number;
  clicks: number;
};

/** Campaigns, their ads and bids: what a shop owner edits, and what the ad index is built from. */
export class AdCampaignRepository {
  constructor(private readonly prisma: PrismaClient) {}

  shopsOwnedBy(ownerId: string) {
    return this.prisma.shop.findMany({ where: { ownerId }, select: { id: true, name: true }, orderBy: { createdAt: 'asc' } });
  }

  shop(shopId: string) {
    return this.prisma.shop.findUnique({ where: { id: shopId }, select: { id: true, name: true, ownerId: true } });
  }

  listingOf(listingId: string) {
    return this.prisma.listing.findUnique({ where: { id: listingId }, select: { shopId: true } });
  }

  streamOf(streamId: string) {
    return this.prisma.stream.findUnique({
      where: { id: streamId },
      select: { creatorId: true, shopId: true, status: true, cancelledAt: true },
    });
  }

  find(id: string) {
    return this.prisma.adCampaign.findUnique({ where: { id }, select: CAMPAIGN_SELECT });
  }

  listForOwner(ownerId: string) {
    return this.prisma.adCampaign.findMany({
      where: { shop: { ownerId } },
      select: CAMPAIGN_SELECT,
      orderBy: { createdAt: 'desc' },
      take: 200,
    });
  }

  async create(
    c: {
      shopId: string;
      name: string;
      dailyBudgetMinor: number;
      totalBudgetMinor: number | null;
      currency: string;
      startsAt: Date;
      endsAt: Date | null;
    },
    ads: NewAd[],
  ): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const campaign = await tx.adCampaign.create({ data: c, select: { id: true } });
      for (const ad of ads) await this.#insertAd(tx, campaign.id, ad);
      return campaign.id;
    });
  }

  update(
    id: string,
    data: Partial<{
      name: string;
      status: 'active' | 'paused' | 'ended';
      dailyBudgetMinor: number;
      totalBudgetMinor: number | null;
      startsAt: Date;
      endsAt: Date | null;
    }>,
  ) {
    return this.prisma.adCampaign.update({ where: { id }, data, select: { id: true } });
  }

  async addAd(campaignId: string, ad: NewAd): Promise<string> {
    return this.prisma.$transaction((tx) => this.#insertAd(tx, campaignId, ad));
  }

  findAd(adId: string) {
    return this.prisma.ad.findUnique({
      where: { id: adId },
      select: { ...AD_SELECT, campaign: { select: { shopId: true, shop: { select: { ownerId: true } } } } },
    });
  }

  /** New settings for an ad; given bids replace all of its bids, together. */
  async updateAd(adId: string, data: { active?: boolean; categories?: string[] }, bids: BidRow[] | undefined): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.ad.update({ where: { id: adId }, data });
      if (bids) {
        await tx.adBid.deleteMany({ where: { adId } });
        await tx.adBid.createMany({ data: bids.map((b) => ({ ...b, adId })) });
      }
    });
  }

  takeDown(adId: string, reason: string) {
    return this.prisma.ad.updateMany({
      where: { id: adId, takenDownAt: null },
      data: { takenDownAt: new Date(), takenDownReason: reason },
    });
  }

  async #insertAd(tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0], campaignId: string, ad: NewAd): Promise<string> {
    const row = await tx.ad.create({
      data: { campaignId, listingId: ad.listingId, streamId: ad.streamId, categories: ad.categories, active: ad.active },
      select: { id: true },
    });
    await tx.adBid.createMany({ data: ad.bids.map((b) => ({ ...b, adId: row.id })) });
    return row.id;
  }

  /**
   * Every bid that may serve now: an active ad not taken down, of an active
   * campaign inside its dates, promoting an active in-stock listing or a live
   * show. Budgets, balance, trust and pacing are the index's to apply.
   */
  servingBids(currency: string) {
    return this.prisma.$queryRaw<IndexRow[]>`
      SELECT b.id::text AS bid_id, a.id::text AS ad_id, c.id::text AS campaign_id, s.id::text AS shop_id, s."ownerId"::text AS owner_id,
             b.placement::text AS placement, b.keyword, b.terms, b."maxCpcMinor" AS max_cpc,
             a."listingId"::text AS listing_id, a."streamId"::text AS stream_id, a.categories,
             coalesce(l.title, st.title) AS title,
             (SELECT i."storageKey" FROM listing_images i WHERE i."listingId" = l.id ORDER BY i.position LIMIT 1) AS image_key,
             l."priceMinor" AS price_minor, l.currency::text AS currency, s.name AS shop_name, a.impressions, a.clicks
        FROM ad_bids b
        JOIN ads a ON a.id = b."adId"
        JOIN ad_campaigns c ON c.id = a."campaignId"
        JOIN shops s ON s.id = c."shopId"
        LEFT JOIN listings l ON l.id = a."listingId"
        LEFT JOIN streams st ON st.id = a."streamId"
       WHERE a.active AND a."takenDownAt" IS NULL AND c.status = 'active' AND c.currency = ${currency}
         AND c."startsAt" <= (now() AT TIME ZONE 'UTC') AND (c."endsAt" IS NULL OR c."endsAt" > (now() AT TIME ZONE 'UTC'))
         AND ((l.id IS NOT NULL AND l.status = 'active' AND l.stock > 0) OR (st.id IS NOT NULL AND st.status = 'live'))`;
  }

  /** Budgets and spend (today's and in total) of the campaigns that may serve. */
  campaignStates(ids: string[], day: string) {
    return this.prisma.$queryRaw<
      { id: string; owner_id: string; daily: number; total: number | null; spent_total: bigint; spent_today: number | null }[]
    >`
      SELECT c.id::text, s."ownerId"::text AS owner_id, c."dailyBudgetMinor" AS daily, c."totalBudgetMinor" AS total,
             c."spentMinor" AS spent_total, d."spentMinor" AS spent_today
        FROM ad_campaigns c JOIN shops s ON s.id = c."shopId"
        LEFT JOIN ad_campaign_days d ON d."campaignId" = c.id AND d.day = ${day}::date
       WHERE c.id = ANY(${ids}::uuid[])`;
  }

  /** Advertisers' prepaid balances (brand_funding) in the ad currency. */
  balances(ownerIds: string[], currency: string) {
    return this.prisma.$queryRaw<{ owner_id: string; balance: bigint }[]>`
      SELECT "ownerId"::text AS owner_id, balance FROM ledger_accounts
       WHERE kind = 'brand_funding' AND currency = ${currency} AND "ownerId" = ANY(${ownerIds}::uuid[])`;
  }

  /** Today's spend of an owner's active campaigns: the low-balance line. */
  async dailyBudgetsOf(ownerId: string): Promise<number> {
    const r = await this.prisma.adCampaign.aggregate({ where: { shop: { ownerId }, status: 'active' }, _sum: { dailyBudgetMinor: true } });
    return r._sum.dailyBudgetMinor ?? 0;
  }
}
