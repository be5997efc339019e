import { z } from 'zod';
import { idSchema } from './ids.js';
import { currencySchema, storedMinorSchema } from './money.js';

/** A brand account: the company behind the user. */
export const becomeBrandBodySchema = z
  .object({
    companyName: z.string().trim().min(2).max(100),
    website: z.url().max(300).optional(),
  })
  .strict();

export const brandTopUpBodySchema = z
  .object({
    amountMinor: storedMinorSchema.min(100),
    currency: currencySchema,
    paymentMethod: z.string().min(1).max(100).default('pm_card_visa'),
  })
  .strict();

export const brandSummarySchema = z.object({
  id: idSchema,
  companyName: z.string(),
  website: z.string().nullable(),
  logoUrl: z.string().nullable(),
  balances: z.array(z.object({ currency: z.string(), availableMinor: z.number().int(), heldMinor: z.number().int() })),
  topUps: z.array(z.object({ id: z.string(), amountMinor: z.number().int(), currency: z.string(), createdAt: z.iso.datetime() })),
});
export type BrandSummary = z.infer<typeof brandSummarySchema>;

/** A creator as brands see them when looking for someone to sponsor. */
export const creatorCardSchema = z.object({
  id: idSchema,
  handle: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  followerCount: z.number().int(),
  shows: z.number().int(),
  averageViewers: z.number().int(),
  peakViewers: z.number().int(),
  categories: z.array(z.string()),
  trustScore: z.number().nullable(),
  /** Only for creators who chose to show it. */
  gmvMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
});
export type CreatorCard = z.infer<typeof creatorCardSchema>;

export const sponsorshipStatuses = [
  'proposed',
  'accepted',
  'declined',
  'expired',
  'measured',
  'released',
  'disputed',
  'resolved',
  'cancelled',
] as const;

const deliverables = {
  minLiveMinutes: z.number().int().min(0).max(100_000).default(0),
  minPinnedMinutes: z.number().int().min(0).max(100_000).default(0),
  minFlashDeals: z.number().int().min(0).max(1000).default(0),
};

/** A brand's offer: a flat fee held in escrow, a commission on its listings sold in the covered shows, measured deliverables. */
export const createSponsorshipBodySchema = z
  .object({
    creatorId: idSchema,
    flatFeeMinor: storedMinorSchema,
    currency: currencySchema,
    commissionBps: z.number().int().min(0).max(5000).default(0),
    ...deliverables,
    /** One scheduled show, or the creator's next N shows. */
    coverage: z.union([z.object({ streamId: idSchema }).strict(), z.object({ nextShows: z.number().int().min(1).max(20) }).strict()]),
    expiresAt: z.iso.datetime(),
    message: z.string().trim().max(2000).default(''),
  })
  .strict();
export type CreateSponsorshipBody = z.input<typeof createSponsorshipBodySchema>;

/** Once accepted, rates can only go up. */
export const raiseSponsorshipBodySchema = z
  .object({ flatFeeMinor: storedMinorSchema.optional(), commissionBps: z.number().int().min(0).max(5000).optional() })
  .strict()
  .refine((b) => b.flatFeeMinor !== undefined || b.commissionBps !== undefined, 'raise the fee or the commission');

export const sponsorshipViewSchema = z.object({
  id: idSchema,
  status: z.enum(sponsorshipStatuses),
  brand: z.object({ id: idSchema, companyName: z.string() }),
  creator: z.object({ id: idSchema, displayName: z.string(), handle: z.string().nullable() }),
  flatFeeMinor: z.number().int(),
  currency: z.string(),
  commissionBps: z.number().int(),
  minLiveMinutes: z.number().int(),
  minPinnedMinutes: z.number().int(),
  minFlashDeals: z.number().int(),
  coverage: z.object({ streamId: idSchema.nullable(), shows: z.number().int() }),
  coveredStreamIds: z.array(idSchema),
  message: z.string(),
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  releaseAt: z.iso.datetime().nullable(),
  delivery: z
    .object({
      liveMinutes: z.number(),
      pinnedMinutes: z.number(),
      flashDeals: z.number(),
      deliveredBps: z.number().int(),
    })
    .nullable(),
  releasedMinor: z.number().int(),
  returnedMinor: z.number().int(),
});
export type SponsorshipView = z.infer<typeof sponsorshipViewSchema>;

export const sponsorshipDisputeBodySchema = z.object({ reason: z.string().trim().min(3).max(2000) }).strict();
export const sponsorshipResolveBodySchema = z.object({ releaseBps: z.number().int().min(0).max(10_000) }).strict();

/** The brand's report: per minute series and totals over the covered shows. */
export const sponsorshipReportSchema = z.object({
  sponsorship: sponsorshipViewSchema,
  minutes: z.array(z.object({ at: z.iso.datetime(), viewers: z.number().int(), orders: z.number().int(), gmvMinor: z.number().int() })),
  totals: z.object({
    peakViewers: z.number().int(),
    watchMinutes: z.number().int(),
    pinnedMinutes: z.number(),
    productClicks: z.number().int(),
    orders: z.number().int(),
    gmvMinor: z.number().int(),
    commissionMinor: z.number().int(),
    costPerOrderMinor: z.number().int().nullable(),
  }),
});
export type SponsorshipReport = z.infer<typeof sponsorshipReportSchema>;

export const clientEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('product.open'), streamId: idSchema, listingId: idSchema }).strict(),
  /** A sponsored card was at least half visible for a second: its decision token, counted once. */
  z.object({ type: z.literal('ad.impression'), token: z.string().min(10).max(1000) }).strict(),
]);
