import { luaScript, type RedisClient } from './redis.js';

/**
 * Fixed-window counters for abuse limits (failed logins, sign-ups, media
 * tokens per IP). With Redis every api node counts into the same key, so a
 * limit holds however requests are spread over nodes; without Redis (one
 * process) a map does the same.
 */
export interface WindowCounter {
  /** Counts one more event for the key and returns the count in its current window. */
  hit(key: string): Promise<number>;
  /** The count in the current window, without counting. */
  peek(key: string): Promise<number>;
  clear(key: string): Promise<void>;
}

// The window starts at the first hit: INCR, and the expiry set only then.
const HIT = luaScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`);

/** `<prefix>wc:<name>:<key>` in Redis, as every key the api uses starts with the deployment's prefix. */
export function createWindowCounter(redis: RedisClient | undefined, keyPrefix: string, name: string, windowMs: number): WindowCounter {
  const base = `${keyPrefix}wc:${name}:`;
  if (redis) {
    return {
      async hit(key) {
        return Number(await HIT(redis, { keys: [base + key], arguments: [String(windowMs)] }));
      },
      async peek(key) {
        return Number((await redis.get(base + key)) ?? 0);
      },
      async clear(key) {
        await redis.del(base + key);
      },
    };
  }
  return new MemoryWindowCounter(windowMs);
}

class MemoryWindowCounter implements WindowCounter {
  readonly #windows = new Map<string, { count: number; endsAt: number }>();
  #sweepAt = 0;

  constructor(private readonly windowMs: number) {}

  hit(key: string): Promise<number> {
    const now = Date.now();
    this.#sweep(now);
    const w = this.#live(key, now) ?? { count: 0, endsAt: now + this.windowMs };
    w.count += 1;
    this.#windows.set(key, w);
    return Promise.resolve(w.count);
  }

  peek(key: string): Promise<number> {
    return Promise.resolve(this.#live(key, Date.now())?.count ?? 0);
  }

  clear(key: string): Promise<void> {
    this.#windows.delete(key);
    return Promise.resolve();
  }

  #live(key: string, now: number) {
    const w = this.#windows.get(key);
    return w && w.endsAt > now ? w : undefined;
  }

  // Expired windows go at most once a window, so the map stays as big as one window's keys.
  #sweep(now: number): void {
    if (now < this.#sweepAt) return;
    this.#sweepAt = now + this.windowMs;
    for (const [key, w] of this.#windows) if (w.endsAt <= now) this.#windows.delete(key);
  }
}
