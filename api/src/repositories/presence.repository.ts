import type { RedisClient } from './redis.js';

/**
 * Viewer counts per stream. With Redis every node keeps its own field in one
 * hash per stream (HINCRBY), so the total is the sum across nodes and a node
 * that shuts down removes exactly its own share. Without Redis (single
 * process) an in-memory map does the same job.
 */
export interface PresenceRepository {
  add(streamId: string, delta: number): Promise<number>;
  count(streamId: string): Promise<number>;
  /** Drops this node's share of every stream (on shutdown). */
  clearNode(): Promise<void>;
}

export function createPresenceRepository(redis: RedisClient | undefined, nodeId: string, keyPrefix: string): PresenceRepository {
  return redis ? new RedisPresence(redis, nodeId, keyPrefix) : new MemoryPresence();
}

class RedisPresence implements PresenceRepository {
  private readonly touched = new Set<string>();
  constructor(
    private readonly redis: RedisClient,
    private readonly nodeId: string,
    private readonly keyPrefix: string,
  ) {}

  private key(streamId: string) {
    return `${this.keyPrefix}viewers:${streamId}`;
  }

  async add(streamId: string, delta: number): Promise<number> {
    this.touched.add(streamId);
    await this.redis.hIncrBy(this.key(streamId), this.nodeId, delta);
    return this.count(streamId);
  }

  async count(streamId: string): Promise<number> {
    const values = await this.redis.hVals(this.key(streamId));
    return Math.max(
      0,
      values.reduce((sum, v) => sum + Number(v), 0),
    );
  }

  async clearNode(): Promise<void> {
    for (const streamId of this.touched) await this.redis.hDel(this.key(streamId), this.nodeId);
    this.touched.clear();
  }
}

class MemoryPresence implements PresenceRepository {
  private readonly counts = new Map<string, number>();

  add(streamId: string, delta: number): Promise<number> {
    const next = Math.max(0, (this.counts.get(streamId) ?? 0) + delta);
    this.counts.set(streamId, next);
    return Promise.resolve(next);
  }

  count(streamId: string): Promise<number> {
    return Promise.resolve(this.counts.get(streamId) ?? 0);
  }

  clearNode(): Promise<void> {
    this.counts.clear();
    return Promise.resolve();
  }
}
