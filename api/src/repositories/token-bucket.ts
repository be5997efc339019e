import type { RedisClient } from './redis.js';

/**
 * Per-key token buckets (chat rate limits). With Redis one Lua script refills
 * and takes atomically, so the limit holds across api nodes; without Redis
 * (a single process) a map does the same.
 */
export interface TokenBucket {
  take(key: string): Promise<boolean>;
}

const LUA = `
local tokens = tonumber(redis.call('HGET', KEYS[1], 't') or ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[1], 'ts') or ARGV[3])
local now = tonumber(ARGV[3])
tokens = math.min(tonumber(ARGV[1]), tokens + (now - last) * tonumber(ARGV[2]) / 1000)
local ok = 0
if tokens >= 1 then tokens = tokens - 1 ok = 1 end
redis.call('HSET', KEYS[1], 't', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1]) / tonumber(ARGV[2]) * 1000) + 1000)
return ok`;

/** keyPrefix starts the Redis keys (one per bucket: `<prefix>tb:<key>`), as for every Redis key the api uses. */
export function createTokenBucket(
  redis: RedisClient | undefined,
  capacity: number,
  refillPerSecond: number,
  keyPrefix: string,
): TokenBucket {
  if (redis) {
    return {
      async take(key) {
        const ok = await redis.eval(LUA, {
          keys: [`${keyPrefix}tb:${key}`],
          arguments: [String(capacity), String(refillPerSecond), String(Date.now())],
        });
        return ok === 1;
      },
    };
  }
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const now = Date.now();
      const b = buckets.get(key) ?? { tokens: capacity, at: now };
      b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * refillPerSecond);
      b.at = now;
      const ok = b.tokens >= 1;
      if (ok) b.tokens -= 1;
      buckets.set(key, b);
      return Promise.resolve(ok);
    },
  };
}
