import { z } from 'zod';
import { idSchema } from './ids.js';

export const streamStatuses = ['scheduled', 'live', 'ended'] as const;
export const streamStatusSchema = z.enum(streamStatuses);
export type StreamStatus = z.infer<typeof streamStatusSchema>;

export const streamSummarySchema = z.object({
  id: idSchema,
  title: z.string(),
  status: streamStatusSchema,
  creator: z.object({ id: idSchema, displayName: z.string(), handle: z.string().nullable() }),
  viewerCount: z.number().int().nonnegative(),
  hlsUrl: z.string().nullable(),
  startedAt: z.iso.datetime().nullable(),
  /** When a show was announced for (null for one started on the spot). */
  scheduledAt: z.iso.datetime().nullable(),
  cancelledAt: z.iso.datetime().nullable(),
});
export type StreamSummary = z.infer<typeof streamSummarySchema>;

/** `upcoming=true`: shows announced for a time still ahead (not shows merely created and never live). */
export const streamsQuerySchema = z
  .object({ status: streamStatusSchema.optional(), upcoming: z.enum(['true', 'false']).optional(), creatorId: idSchema.optional() })
  .strict();
export const streamsResponseSchema = z.object({ data: z.array(streamSummarySchema) });
export type StreamsResponse = z.infer<typeof streamsResponseSchema>;

export const streamDetailSchema = streamSummarySchema.extend({
  description: z.string(),
  replayUrl: z.string().nullable(),
  endedAt: z.iso.datetime().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  /** Products the show features (announced with it). */
  featured: z.array(z.object({ listingId: idSchema, title: z.string(), priceMinor: z.number().int(), currency: z.string() })),
  /** Whether the person asking asked to be reminded (false for guests). */
  reminded: z.boolean(),
  /** Disclosure: the brand paying for this show ("Paid partnership with …"), for the whole show and its replay. */
  sponsor: z.object({ companyName: z.string() }).nullable(),
});
export type StreamDetail = z.infer<typeof streamDetailSchema>;

const showFields = {
  title: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000),
  /** A show announced in advance: a time from now to a year ahead. */
  scheduledAt: z.iso.datetime().refine((at) => {
    const t = Date.parse(at);
    return t > Date.now() - 60_000 && t < Date.now() + 366 * 86_400_000;
  }, 'must be in the future, at most a year ahead'),
  featuredListingIds: z.array(idSchema).max(20),
};

/** Go live now (title only), or schedule a show (scheduledAt, with products to feature). */
export const createStreamBodySchema = z
  .object({
    title: showFields.title,
    description: showFields.description.optional(),
    scheduledAt: showFields.scheduledAt.optional(),
    featuredListingIds: showFields.featuredListingIds.optional(),
  })
  .strict();
export type CreateStreamBody = z.input<typeof createStreamBodySchema>;

export const streamIdParamsSchema = z.object({ id: idSchema }).strict();

export const mediaTokenResponseSchema = z.object({
  token: z.string(),
  role: z.enum(['publish', 'consume']),
  expiresAt: z.iso.datetime(),
});
export type MediaTokenResponse = z.infer<typeof mediaTokenResponseSchema>;

export const streamSalesSchema = z.object({
  orders: z.number().int(),
  units: z.number().int(),
  buyers: z.number().int(),
  gmvMinor: z.number().int(),
  currency: z.string().nullable(),
  peakViewers: z.number().int(),
  /** Buyers ÷ peak viewers, 0..1 (0 when nobody watched). */
  conversion: z.number(),
});
export type StreamSales = z.infer<typeof streamSalesSchema>;

/** The replay's product timeline: when each product was shown, and how many sold during the stream. */
export const streamTimelineSchema = z.object({
  data: z.array(
    z.object({
      listingId: idSchema,
      title: z.string(),
      shownAtMs: z.number().int(),
      hiddenAtMs: z.number().int().nullable(),
      sold: z.number().int(),
    }),
  ),
});
export type StreamTimeline = z.infer<typeof streamTimelineSchema>;

/** Reschedule or edit a show that has not started. */
export const updateShowBodySchema = z
  .object(showFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

/** The home page, ranked for the person looking (a guest gets the same sections, not personal). */
export const discoverSchema = z.object({
  /** Live shows of creators the person follows. */
  liveFollowed: z.array(streamSummarySchema),
  /** Live shows ranked by audience and engagement (viewers, chat, orders in the last minutes). */
  live: z.array(streamSummarySchema.extend({ reason: z.string() })),
  upcoming: z.array(streamSummarySchema),
  /** Listings for this person, each with a short "because you…" reason. */
  forYou: z.array(
    z.object({
      listing: z.object({
        id: idSchema,
        title: z.string(),
        priceMinor: z.number().int(),
        currency: z.string(),
        imageUrl: z.string().nullable(),
        shop: z.object({ id: idSchema, name: z.string() }),
      }),
      reason: z.string(),
    }),
  ),
});
export type Discover = z.infer<typeof discoverSchema>;
