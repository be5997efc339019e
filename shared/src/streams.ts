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
