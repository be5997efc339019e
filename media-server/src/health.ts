import type { MediaHealthResponse } from '@hawker/shared';
import type { WorkerPool } from './WorkerPool.js';

export { mediaHealthResponseSchema, type MediaHealthResponse } from '@hawker/shared';

/**
 * 'ok' while at least one worker can take a router; 'degraded' (HTTP 503)
 * when none can, e.g. every worker died at once and is still restarting.
 */
export function mediaHealth(pool: WorkerPool): { httpStatus: 200 | 503; body: MediaHealthResponse } {
  const workers = pool.stats();
  const ok = workers.some((w) => w.alive);
  return { httpStatus: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', sendPath: pool.sendPath, workers } };
}
