import { luaScript, type RedisClient } from './redis.js';

/**
 * Open realtime connections per subject (a user, an IP), capped. With Redis
 * the count spans every api node: one hash per subject, a field per node, so
 * a node that shuts down takes exactly its own connections out. A node that
 * crashes cannot: so each node keeps a heartbeat key alive, and counts of
 * nodes without one are dropped when next counted (a crashed node's sockets
 * are gone too; its counts must not lock anyone out). Without Redis a map
 * does the same in one process.
 */
export interface ConnectionQuota {
  /** Takes a place for one more connection; false (nothing taken) when the subject is at its cap. */
  acquire(subject: string, cap: number): Promise<boolean>;
  release(subject: string): Promise<void>;
  /** Shutdown: this node's connections no longer count. */
  clearNode(): Promise<void>;
}

// ARGV: this node, the cap, the prefix of the nodes' heartbeat keys (one Redis, not a cluster: the
// heartbeat keys are read by name).
const ACQUIRE = luaScript(`
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
local total = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local node = fields[i]
  if node == ARGV[1] or redis.call('EXISTS', ARGV[3] .. node) == 1 then
    total = total + tonumber(fields[i + 1])
  else
    redis.call('HDEL', KEYS[1], node)
  end
end
if total > tonumber(ARGV[2]) then
  redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
  return 0
end
return 1`);

const RELEASE = luaScript(`
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1`);

/** How long a node's heartbeat lives, and how often it is renewed. */
const HEARTBEAT_TTL_MS = 30_000;
const HEARTBEAT_EVERY_MS = 10_000;

export function createConnectionQuota(redis: RedisClient | undefined, nodeId: string, keyPrefix: string): ConnectionQuota {
  return redis ? new RedisConnectionQuota(redis, nodeId, keyPrefix) : new MemoryConnectionQuota();
}

class RedisConnectionQuota implements ConnectionQuota {
  // What this node holds per subject, so shutdown can take it out.
  readonly #held = new Map<string, number>();
  readonly #base: string;
  readonly #heartbeats: string;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisClient,
    private readonly nodeId: string,
    keyPrefix: string,
  ) {
    this.#base = `${keyPrefix}conn:`;
    this.#heartbeats = `${keyPrefix}node-alive:`;
    this.#beat();
    this.#timer = setInterval(() => this.#beat(), HEARTBEAT_EVERY_MS);
    this.#timer.unref();
  }

  #beat(): void {
    void this.redis.set(this.#heartbeats + this.nodeId, '1', { PX: HEARTBEAT_TTL_MS }).catch(() => undefined);
  }

  async acquire(subject: string, cap: number): Promise<boolean> {
    const ok = (await ACQUIRE(this.redis, { keys: [this.#base + subject], arguments: [this.nodeId, String(cap), this.#heartbeats] })) === 1;
    if (ok) this.#held.set(subject, (this.#held.get(subject) ?? 0) + 1);
    return ok;
  }

  async release(subject: string): Promise<void> {
    const left = (this.#held.get(subject) ?? 0) - 1;
    if (left < 0) return;
    if (left === 0) this.#held.delete(subject);
    else this.#held.set(subject, left);
    await RELEASE(this.redis, { keys: [this.#base + subject], arguments: [this.nodeId] });
  }

  async clearNode(): Promise<void> {
    clearInterval(this.#timer);
    for (const subject of this.#held.keys()) await this.redis.hDel(this.#base + subject, this.nodeId);
    this.#held.clear();
    await this.redis.del(this.#heartbeats + this.nodeId);
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
