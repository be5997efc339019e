import { z } from 'zod';
import { idSchema } from './ids.js';
import { storedMinorSchema } from './money.js';

/**
 * Seller ads: campaigns, the open auction that places them, and what the
 * seller and the viewer are told about it. Amounts are in the platform's ad
 * currency (AD_CURRENCY), whatever currency the promoted listing is in.
 */
export const adPlacements = ['search', 'home', 'live_now', 'related'] as const;
export const adPlacementSchema = z.enum(adPlacements);
export type AdPlacement = z.infer<typeof adPlacementSchema>;

/**
 * Where the sponsored cards go: search results at positions 1 and 5, four
 * cards in the home page's sponsored row, two promoted shows at the head of
 * "Live now", four in a listing page's related row.
 */
export const AD_SLOT_POSITIONS: Record<AdPlacement, readonly number[]> = {
  search: [1, 5],
  home: [1, 2, 3, 4],
  live_now: [1, 2],
  related: [1, 2, 3, 4],
};

export const AD_PLACEMENT_LABELS: Record<AdPlacement, string> = {
  search: 'Search results',
  home: 'Home page',
  live_now: '"Live now" row',
  related: 'Listing page, related',
};

/** Why a click was recorded and not billed (null: billed). */
export const AD_CLICK_REASONS = {
  no_impression: 'no valid impression for this token',
  own_shop: "the shop's own people",
  ip_burst: 'too many clicks from one network on this ad',
  bot: 'a known bot or non-browser user agent',
  repeat: 'already billed for this person and ad within 30 minutes',
  budget: "the campaign's budget was spent",
  balance: 'the ad balance was below the price',
  inactive: 'the campaign or ad had stopped',
  credited: 'found invalid after billing; the price was credited back',
} as const;
export type AdClickReason = keyof typeof AD_CLICK_REASONS;

const keywordSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(60)
  .regex(/[\p{L}\p{N}]/u, 'must contain a letter or digit');

export const adBidInputSchema = z
  .object({
    placement: adPlacementSchema,
    /** Search only, and required there: the ad matches a search whose words include all of this keyword's. */
    keyword: keywordSchema.optional(),
    maxCpcMinor: storedMinorSchema.min(1),
  })
  .strict()
  .refine((b) => (b.placement === 'search') === (b.keyword !== undefined), {
    message: 'a search bid needs a keyword; other placements take none',
    path: ['keyword'],
  });
export type AdBidInput = z.infer<typeof adBidInputSchema>;

const categoriesSchema = z.array(z.string().trim().min(1).max(60)).max(10);

export const adInputSchema = z
  .object({
    /** The listing to promote (one of the shop's), or */
    listingId: idSchema.optional(),
    /** the shop owner's live or upcoming show (runs in "Live now" while it is live). */
    streamId: idSchema.optional(),
    categories: categoriesSchema.default([]),
    bids: z.array(adBidInputSchema).min(1).max(50),
    active: z.boolean().default(true),
  })
  .strict()
  .refine((a) => (a.listingId === undefined) !== (a.streamId === undefined), {
    message: 'an ad promotes either a listing or a show',
    path: ['listingId'],
  })
  .refine((a) => a.streamId === undefined || a.bids.every((b) => b.placement === 'live_now'), {
    message: 'a show is promoted in the "Live now" row',
    path: ['bids'],
  })
  .refine((a) => a.listingId === undefined || a.bids.every((b) => b.placement !== 'live_now'), {
    message: 'the "Live now" row promotes shows, not listings',
    path: ['bids'],
  })
  .refine((a) => new Set(a.bids.map((b) => `${b.placement}:${b.keyword ?? ''}`)).size === a.bids.length, {
    message: 'each placement or keyword once',
    path: ['bids'],
  });
export type AdInput = z.infer<typeof adInputSchema>;

export const adUpdateBodySchema = z
  .object({
    active: z.boolean().optional(),
    categories: categoriesSchema.optional(),
    bids: z.array(adBidInputSchema).min(1).max(50).optional(),
  })
  .strict();

export const campaignStatusSchema = z.enum(['active', 'paused', 'ended']);

export const campaignCreateBodySchema = z
  .object({
    shopId: idSchema,
    name: z.string().trim().min(1).max(100),
    dailyBudgetMinor: storedMinorSchema.min(100),
    totalBudgetMinor: storedMinorSchema.min(100).nullable().default(null),
    startsAt: z.iso.datetime().optional(),
    endsAt: z.iso.datetime().nullable().default(null),
    ads: z.array(adInputSchema).max(20).default([]),
  })
  .strict();

export const campaignUpdateBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    status: campaignStatusSchema.optional(),
    dailyBudgetMinor: storedMinorSchema.min(100).optional(),
    totalBudgetMinor: storedMinorSchema.min(100).nullable().optional(),
    startsAt: z.iso.datetime().optional(),
    endsAt: z.iso.datetime().nullable().optional(),
  })
  .strict();

export const adBidViewSchema = z.object({
  id: idSchema,
  placement: adPlacementSchema,
  keyword: z.string().nullable(),
  maxCpcMinor: z.number().int(),
});

export const adViewSchema = z.object({
  id: idSchema,
  campaignId: idSchema,
  target: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('listing'),
      listingId: idSchema,
      title: z.string(),
      imageUrl: z.string().nullable(),
      status: z.string(),
      stock: z.number().int(),
    }),
    z.object({ kind: z.literal('show'), streamId: idSchema, title: z.string(), status: z.string() }),
  ]),
  categories: z.array(z.string()),
  active: z.boolean(),
  takenDown: z.object({ at: z.iso.datetime(), reason: z.string() }).nullable(),
  bids: z.array(adBidViewSchema),
  /** Whether it can win auctions now, and if not, why (paused, out of stock, balance, trust...). */
  serving: z.object({ ok: z.boolean(), reason: z.string().nullable() }),
});
export type AdView = z.infer<typeof adViewSchema>;

export const campaignViewSchema = z.object({
  id: idSchema,
  shopId: idSchema,
  name: z.string(),
  status: campaignStatusSchema,
  dailyBudgetMinor: z.number().int(),
  totalBudgetMinor: z.number().int().nullable(),
  currency: z.string(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime().nullable(),
  spentTodayMinor: z.number().int(),
  spentMinor: z.number().int(),
  createdAt: z.iso.datetime(),
  ads: z.array(adViewSchema),
});
export type CampaignView = z.infer<typeof campaignViewSchema>;

/** The advertiser's money and standing: balance, the shop wallet it can draw on, the trust gate, reserves. */
export const adAccountSchema = z.object({
  currency: z.string(),
  balanceMinor: z.number().int(),
  lowBalance: z.boolean(),
  shops: z.array(
    z.object({
      id: idSchema,
      name: z.string(),
      walletAvailableMinor: z.number().int(),
      trustScore: z.number().int(),
      eligible: z.boolean(),
    }),
  ),
  trustThreshold: z.number().int(),
  reserves: z.record(adPlacementSchema, z.number().int()),
  topUps: z.array(
    z.object({ id: z.string(), amountMinor: z.number().int(), source: z.enum(['card', 'wallet']), createdAt: z.iso.datetime() }),
  ),
});
export type AdAccount = z.infer<typeof adAccountSchema>;

export const adTopUpBodySchema = z
  .object({
    amountMinor: storedMinorSchema.min(100),
    source: z.enum(['card', 'wallet']),
    /** card: the sandbox payment method. */
    paymentMethod: z.string().min(1).max(100).default('pm_card_visa'),
    /** wallet: the shop whose available balance pays. */
    shopId: idSchema.optional(),
  })
  .strict()
  .refine((b) => b.source === 'card' || b.shopId !== undefined, { message: 'a wallet top-up names the shop', path: ['shopId'] });

/** Unused ad balance back to a shop's available wallet (from where it is paid out like sales). */
export const adWithdrawBodySchema = z.object({ amountMinor: storedMinorSchema.min(1), shopId: idSchema }).strict();

export const adReceiptSchema = z.object({
  id: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  source: z.enum(['card', 'wallet']),
  providerRef: z.string().nullable(),
  createdAt: z.iso.datetime(),
  payer: z.object({ name: z.string(), email: z.string() }),
});

export const adStatementSchema = z.object({
  month: z.string(),
  currency: z.string(),
  openingMinor: z.number().int(),
  topUpsMinor: z.number().int(),
  withdrawalsMinor: z.number().int(),
  chargesMinor: z.number().int(),
  clicksBilled: z.number().int(),
  creditsMinor: z.number().int(),
  closingMinor: z.number().int(),
  lines: z.array(z.object({ at: z.iso.datetime(), kind: z.string(), amountMinor: z.number().int(), memo: z.string() })),
});
export type AdStatement = z.infer<typeof adStatementSchema>;
export const adStatementQuerySchema = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM') }).strict();

/** A decision request: one placement on one page view (Kevel's decision call, one placement at a time). */
export const adDecisionQuerySchema = z
  .object({
    placement: adPlacementSchema,
    q: z.string().trim().max(200).optional(),
    category: z.string().trim().min(1).max(60).optional(),
    /** The listing page the related row is on (its own listing is never advertised back to it). */
    listingId: idSchema.optional(),
  })
  .strict();
export type AdDecisionQuery = z.infer<typeof adDecisionQuerySchema>;

export const adWhySchema = z.object({
  advertiser: z.string(),
  reason: z.enum(['keyword', 'category', 'placement']),
  detail: z.string(),
});

export const sponsoredCardSchema = z.object({
  /** Signed: sent back once the card was half visible for a second (POST /api/events, type ad.impression). */
  token: z.string(),
  placement: adPlacementSchema,
  /** 1-based position on the page (search results: 1 and 5). */
  position: z.number().int(),
  kind: z.enum(['listing', 'show']),
  listingId: idSchema.nullable(),
  streamId: idSchema.nullable(),
  title: z.string(),
  imageUrl: z.string().nullable(),
  priceMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  shopName: z.string(),
  /** Signed, valid 30 minutes: redirects to the listing or the show. */
  clickUrl: z.string(),
  why: adWhySchema,
});
export type SponsoredCard = z.infer<typeof sponsoredCardSchema>;
export const adDecisionSchema = z.object({ placement: adPlacementSchema, ads: z.array(sponsoredCardSchema) });
export type AdDecision = z.infer<typeof adDecisionSchema>;

export const adTotalsSchema = z.object({
  impressions: z.number().int(),
  clicks: z.number().int(),
  ctr: z.number(),
  avgCpcMinor: z.number().int(),
  spendMinor: z.number().int(),
  orders: z.number().int(),
  revenueMinor: z.number().int(),
  /** Attributed revenue ÷ spend (null when nothing was spent). */
  roas: z.number().nullable(),
  invalidClicks: z.number().int(),
  creditsMinor: z.number().int(),
});
export type AdTotals = z.infer<typeof adTotalsSchema>;

export const campaignReportSchema = z.object({
  campaign: campaignViewSchema,
  totals: adTotalsSchema,
  days: z.array(adTotalsSchema.extend({ day: z.string() })),
  ads: z.array(z.object({ adId: idSchema, totals: adTotalsSchema })),
});
export type CampaignReport = z.infer<typeof campaignReportSchema>;

export const adPlacementQuerySchema = z.object({ placement: adPlacementSchema }).strict();

/** Why the ad ranked where it did in its latest auction: its own numbers and what each higher slot would have taken. */
export const adInsightSchema = z.object({
  adId: idSchema,
  placement: adPlacementSchema,
  auctions: z.number().int(),
  wins: z.number().int(),
  latest: z
    .object({
      at: z.iso.datetime(),
      query: z.string(),
      rank: z.number().int(),
      slot: z.number().int().nullable(),
      bidMinor: z.number().int(),
      quality: z.number(),
      score: z.number(),
      priceMinor: z.number().int().nullable(),
      toWin: z.array(z.object({ slot: z.number().int(), minBidMinor: z.number().int() })),
    })
    .nullable(),
});
export type AdInsight = z.infer<typeof adInsightSchema>;

export const adSimulateQuerySchema = z
  .object({ placement: adPlacementSchema, bidMinor: z.coerce.number().int().min(1).max(2_147_483_647) })
  .strict();

const simulatedSchema = z.object({
  impressions: z.number(),
  clicks: z.number(),
  avgCpcMinor: z.number().int(),
  spendMinor: z.number().int(),
});
/** The last 7 days of this placement's logged auctions replayed at another bid. */
export const adSimulationSchema = z.object({
  placement: adPlacementSchema,
  bidMinor: z.number().int(),
  auctions: z.number().int(),
  atBid: simulatedSchema,
  current: simulatedSchema,
});
export type AdSimulation = z.infer<typeof adSimulationSchema>;

export const adTakeDownBodySchema = z.object({ reason: z.string().trim().min(3).max(300) }).strict();

export const adminAdRevenueSchema = z.object({
  currency: z.string(),
  adRevenueMinor: z.number().int(),
  platformFeesMinor: z.number().int(),
  days: z.array(z.object({ day: z.string(), adRevenueMinor: z.number().int(), clicks: z.number().int() })),
  ads: z.array(
    z.object({
      adId: idSchema,
      shopName: z.string(),
      title: z.string(),
      spendMinor: z.number().int(),
      clicks: z.number().int(),
      takenDown: z.boolean(),
    }),
  ),
});
export type AdminAdRevenue = z.infer<typeof adminAdRevenueSchema>;

export type CampaignCreateBody = z.input<typeof campaignCreateBodySchema>;
export type CampaignUpdateBody = z.infer<typeof campaignUpdateBodySchema>;
export type AdUpdateBody = z.infer<typeof adUpdateBodySchema>;
export type AdTopUpBody = z.input<typeof adTopUpBodySchema>;
export type AdWithdrawBody = z.infer<typeof adWithdrawBodySchema>;
export type AdReceipt = z.infer<typeof adReceiptSchema>;
export type CampaignStatus = z.infer<typeof campaignStatusSchema>;
