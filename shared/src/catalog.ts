import { z } from 'zod';
import { cursorSchema, idSchema, pageLimitSchema } from './ids.js';
import { currencySchema, MAX_INT32, minorUnitsSchema } from './money.js';

export const listingSummarySchema = z.object({
  id: idSchema,
  title: z.string(),
  priceMinor: minorUnitsSchema,
  currency: currencySchema,
  stock: z.number().int().nonnegative(),
  category: z.string(),
  imageUrl: z.string().nullable(),
  shop: z.object({ id: idSchema, name: z.string() }),
});
export type ListingSummary = z.infer<typeof listingSummarySchema>;

export const listingsPageSchema = z.object({
  data: z.array(listingSummarySchema),
  nextCursor: z.string().nullable(),
});
export type ListingsPage = z.infer<typeof listingsPageSchema>;

export const listingSorts = ['relevance', 'newest', 'price_asc', 'price_desc'] as const;

export const listingsQuerySchema = z
  .object({
    q: z.string().trim().max(200).optional(),
    limit: pageLimitSchema,
    cursor: cursorSchema.optional(),
    shopId: idSchema.optional(),
    category: z.string().max(60).optional(),
    minPrice: z.coerce.number().int().nonnegative().max(MAX_INT32).optional(),
    maxPrice: z.coerce.number().int().nonnegative().max(MAX_INT32).optional(),
    /** Only listings their shops offer to creators (a commission for selling them in a show). */
    affiliate: z.enum(['true', 'false']).optional(),
    /** Default: relevance when q is given, newest otherwise. */
    sort: z.enum(listingSorts).optional(),
  })
  .strict();
export type ListingsQuery = z.input<typeof listingsQuerySchema>;

const listingText = {
  title: z.string().trim().min(3).max(140),
  description: z.string().trim().max(5000),
  priceMinor: minorUnitsSchema.min(1).max(2_000_000_000),
  currency: currencySchema,
  stock: z.number().int().min(0).max(1_000_000),
  category: z.string().trim().min(2).max(60),
};

/**
 * The seller's offer to creators: a commission (basis points of the price, up
 * to 50 %) to the creator who sells the listing in a show, and the limits of
 * creators' flash deals on it. null switches the offer off.
 */
const affiliateFields = {
  affiliateRateBps: z.number().int().min(1).max(5000).nullable(),
  affiliateMinDealPriceMinor: minorUnitsSchema.min(1).max(2_000_000_000).nullable(),
  affiliateMaxDealUnits: z.number().int().min(1).max(100_000).nullable(),
};

export const createListingBodySchema = z
  .object({
    shopId: idSchema.optional(),
    ...listingText,
    description: listingText.description.default(''),
    ...Object.fromEntries(Object.entries(affiliateFields).map(([k, v]) => [k, v.optional()])),
  })
  .strict();
export type CreateListingBody = z.input<typeof createListingBodySchema>;

export const updateListingBodySchema = z
  .object({ ...listingText, ...affiliateFields, status: z.enum(['draft', 'active', 'archived']) })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

export const trustSchema = z.object({
  score: z.number().min(0).max(100),
  parts: z.object({
    rating: z.object({ value: z.number(), reviews: z.number().int(), weight: z.number() }),
    disputes: z.object({ rate: z.number(), orders: z.number().int(), weight: z.number() }),
    refunds: z.object({ rate: z.number(), orders: z.number().int(), weight: z.number() }),
    onTimeShipping: z.object({ rate: z.number(), shipments: z.number().int(), weight: z.number() }),
  }),
  formula: z.string(),
});
export type Trust = z.infer<typeof trustSchema>;

export const shopDetailSchema = z.object({
  id: idSchema,
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  ownerId: idSchema,
  followerCount: z.number().int(),
  following: z.boolean(),
  trust: trustSchema,
});
export type ShopDetail = z.infer<typeof shopDetailSchema>;

export const createShopBodySchema = z
  .object({ name: z.string().trim().min(2).max(80), description: z.string().trim().max(2000).default('') })
  .strict();

export const reviewViewSchema = z.object({
  id: idSchema,
  listingId: idSchema,
  rating: z.number().int().min(1).max(5),
  text: z.string(),
  author: z.object({ id: idSchema, displayName: z.string() }),
  createdAt: z.iso.datetime(),
  reply: z.object({ text: z.string(), createdAt: z.iso.datetime() }).nullable(),
});
export type ReviewView = z.infer<typeof reviewViewSchema>;

export const listingDetailSchema = listingSummarySchema.extend({
  description: z.string(),
  /** The seller's offer to creators (null: not offered). */
  affiliate: z
    .object({ rateBps: z.number().int(), minDealPriceMinor: z.number().int().nullable(), maxDealUnits: z.number().int().nullable() })
    .nullable(),
  status: z.enum(['draft', 'active', 'archived']),
  images: z.array(z.object({ id: idSchema, url: z.string() })),
  rating: z.object({ average: z.number().nullable(), count: z.number().int() }),
});
export type ListingDetail = z.infer<typeof listingDetailSchema>;

export const createReviewBodySchema = z
  .object({ orderItemId: idSchema, rating: z.number().int().min(1).max(5), text: z.string().trim().max(2000).default('') })
  .strict();
export const replyReviewBodySchema = z.object({ text: z.string().trim().min(1).max(2000) }).strict();

export const cartSchema = z.object({
  items: z.array(z.object({ listing: listingSummarySchema, quantity: z.number().int().min(1) })),
  totalMinor: z.number().int(),
  currency: z.string().nullable(),
});
export type Cart = z.infer<typeof cartSchema>;
export const setCartItemBodySchema = z.object({ listingId: idSchema, quantity: z.number().int().min(0).max(100) }).strict();

/**
 * A listing a creator may show in one of their streams: their own, the
 * sponsor's (the show is sponsored; commission at the sponsorship's rate), or
 * one its shop offers to creators (commission at the shop's rate, with its
 * deal limits).
 */
export const showableListingSchema = listingSummarySchema.extend({
  source: z.enum(['own', 'sponsor', 'affiliate']),
  /** The creator's commission on each sale in this show, in basis points (null: their own listing). */
  commissionBps: z.number().int().nullable(),
  minDealPriceMinor: z.number().int().nullable(),
  maxDealUnits: z.number().int().nullable(),
});
export type ShowableListing = z.infer<typeof showableListingSchema>;
export const showableListingsSchema = z.object({ data: z.array(showableListingSchema) });
