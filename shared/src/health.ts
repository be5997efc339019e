import { z } from 'zod';

export const componentStatusSchema = z.enum(['ok', 'degraded', 'down', 'disabled']);
export type ComponentStatus = z.infer<typeof componentStatusSchema>;

export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({
    db: z.object({ status: componentStatusSchema, kind: z.enum(['postgres', 'pglite']) }),
    redis: z.object({ status: componentStatusSchema }),
    media: z.object({
      status: componentStatusSchema,
      workers: z.number().int().optional(),
      sendPath: z.enum(['io_uring', 'libuv']).optional(),
    }),
  }),
  node: z.string(),
  uptimeSeconds: z.number(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** GET /health on the media-server; the api reads it into `checks.media`. */
export const mediaWorkerStatsSchema = z.object({
  index: z.number().int().nonnegative(),
  pid: z.number().int().positive(),
  alive: z.boolean(),
  routers: z.number().int().nonnegative(),
  consumers: z.number().int().nonnegative(),
  restarts: z.number().int().nonnegative(),
  rtcMinPort: z.number().int(),
  rtcMaxPort: z.number().int(),
});

export const mediaHealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  /** How the workers send: io_uring (batched, Linux ≥ 6) or libuv (the fallback build). */
  sendPath: z.enum(['io_uring', 'libuv']),
  workers: z.array(mediaWorkerStatsSchema),
});
export type MediaHealthResponse = z.infer<typeof mediaHealthResponseSchema>;
