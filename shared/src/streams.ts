import { z } from 'zod';
import { idSchema } from './ids.js';

export const streamStatuses = ['scheduled', 'live', 'ended'] as const;
export const streamStatusSchema = z.enum(streamStatuses);
export type StreamStatus = z.infer<typeof streamStatusSchema>;

export const streamSummarySchema = z.object({
  id: idSchema,
  title: z.string(),
  status: streamStatusSchema,
  creator: z.object({ id: idSchema, displayName: z.string() }),
  viewerCount: z.number().int().nonnegative(),
  hlsUrl: z.string().nullable(),
  startedAt: z.iso.datetime().nullable(),
});
export type StreamSummary = z.infer<typeof streamSummarySchema>;

export const streamsQuerySchema = z.object({ status: streamStatusSchema.optional() }).strict();
export const streamsResponseSchema = z.object({ data: z.array(streamSummarySchema) });
export type StreamsResponse = z.infer<typeof streamsResponseSchema>;

export const streamDetailSchema = streamSummarySchema.extend({
  replayUrl: z.string().nullable(),
  endedAt: z.iso.datetime().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
});
export type StreamDetail = z.infer<typeof streamDetailSchema>;

export const createStreamBodySchema = z.object({ title: z.string().trim().min(1).max(120) }).strict();
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
