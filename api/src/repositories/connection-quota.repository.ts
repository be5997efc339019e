import { luaScript, type RedisClient } from './redis.js';

/**
 * Open realtime connections per subject (a user, an IP), capped. With Redis
 * the count spans every api node: one hash per subject, a field per node, so
 * a node that shuts down takes exactly its own connections out. Without Redis
 * a map does the same in one process.
 */
export interface ConnectionQuota {
  /** Takes a place for one more connection; false (nothing taken) when the subject is at its cap. */
  acquire(subject: string, cap: number): Promise<boolean>;
  release(subject: string): Promise<void>;
  /** Shutdown: this node's connections no longer count. */
  clearNode(): Promise<void>;
}

const ACQUIRE = luaScript(`
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
local total = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
if total > tonumber(ARGV[2]) then
  redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
  return 0
end
return 1`);

const RELEASE = luaScript(`
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1`);

export function createConnectionQuota(redis: RedisClient | undefined, nodeId: string, keyPrefix: string): ConnectionQuota {
  return redis ? new RedisConnectionQuota(redis, nodeId, `${keyPrefix}conn:`) : new MemoryConnectionQuota();
}

class RedisConnectionQuota implements ConnectionQuota {
  // What this node holds per subject, so shutdown can take it out.
  readonly #held = new Map<string, number>();

  constructor(
    private readonly redis: RedisClient,
    private readonly nodeId: string,
    private readonly base: string,
  ) {}

  async acquire(subject: string, cap: number): Promise<boolean> {
    const ok = (await ACQUIRE(this.redis, { keys: [this.base + subject], arguments: [this.nodeId, String(cap)] })) === 1;
    if (ok) this.#held.set(subject, (this.#held.get(subject) ?? 0) + 1);
    return ok;
  }

  async release(subject: string): Promise<void> {
    const left = (this.#held.get(subject) ?? 0) - 1;
    if (left < 0) return;
    if (left === 0) this.#held.delete(subject);
    else this.#held.set(subject, left);
    await RELEASE(this.redis, { keys: [this.base + subject], arguments: [this.nodeId] });
  }

  async clearNode(): Promise<void> {
    for (const subject of this.#held.keys()) await this.redis.hDel(this.base + subject, this.nodeId);
    this.#held.clear();
  }
}

class MemoryConnectionQuota implements ConnectionQuota {
  readonly #open = new Map<string, number>();

  acquire(subject: string, cap: number): Promise<boolean> {
    const open = this.#open.get(subject) ?? 0;
    if (open >= cap) return Promise.resolve(false);
    this.#open.set(subject, open + 1);
    return Promise.resolve(true);
  }

  release(subject: string): Promise<void> {
    const left = (this.#open.get(subject) ?? 0) - 1;
    if (left > 0) this.#open.set(subject, left);
    else this.#open.delete(subject);
    return Promise.resolve();
  }

  clearNode(): Promise<void> {
    this.#open.clear();
    return Promise.resolve();
  }
}
