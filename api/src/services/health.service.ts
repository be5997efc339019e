import type { ComponentStatus, HealthResponse } from '@hawker/shared';
import type { Database } from '../repositories/db/client.js';
import type { MediaServerClient } from '../repositories/media.client.js';
import type { RedisHealth } from '../repositories/redis.js';

export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly db: Database,
    private readonly redis: RedisHealth,
    private readonly media: MediaServerClient,
    private readonly nodeId: string,
  ) {}

  async check(): Promise<HealthResponse> {
    const [db, redis, media] = await Promise.all([
      this.db.ping().then(
        (): ComponentStatus => 'ok',
        (): ComponentStatus => 'down',
      ),
      this.redis.status(),
      this.media.health(),
    ]);
    const healthy = db === 'ok' && redis !== 'down' && media.status !== 'down';
    return {
      status: healthy ? 'ok' : 'degraded',
      checks: {
        db: { status: db, kind: this.db.kind },
        redis: { status: redis },
        media,
      },
      node: this.nodeId,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }
}
