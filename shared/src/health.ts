import { z } from 'zod';

export const componentStatusSchema = z.enum(['ok', 'degraded', 'down', 'disabled']);
export type ComponentStatus = z.infer<typeof componentStatusSchema>;

export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({
    db: z.object({ status: componentStatusSchema, kind: z.enum(['postgres', 'pglite']) }),
    redis: z.object({ status: componentStatusSchema }),
    media: z.object({ status: componentStatusSchema, workers: z.number().int().optional() }),
  }),
  node: z.string(),
  uptimeSeconds: z.number(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
