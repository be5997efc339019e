import type { PurchaseState } from '@hawker/shared';
import type { RedisClient } from './redis.js';

/** Long enough for a buyer who closed the tab to come back and read what happened. */
const KEEP_MS = 86_400_000;
const MEMORY_MAX = 100_000;

/**
 * Where a flash deal's reservation stands (reserved, then paid or failed),
 * by the buyer and their idempotency key: what a retry of the same press
 * answers and what the pull endpoint returns. Kept in Redis beside the gate
 * (every node reads the same), or in a map in one process without Redis.
 * The order itself is in PostgreSQL once paid; this is the buyer's receipt
 * of the answer, kept for a day.
 */
export interface PurchaseStates {
  put(buyerKey: string, state: PurchaseState): Promise<void>;
  get(buyerKey: string): Promise<PurchaseState | null>;
}

export function createPurchaseStates(redis: RedisClient | undefined, keyPrefix: string): PurchaseStates {
  if (redis) {
    const key = (buyerKey: string) => `${keyPrefix}purchase:${buyerKey}`;
    return {
      async put(buyerKey, state) {
        await redis.set(key(buyerKey), JSON.stringify(state), { PX: KEEP_MS });
      },
      async get(buyerKey) {
        const raw = await redis.get(key(buyerKey));
        return raw ? (JSON.parse(raw) as PurchaseState) : null;
      },
    };
  }
  const states = new Map<string, { state: PurchaseState; until: number }>();
  return {
    put(buyerKey, state) {
      if (states.size >= MEMORY_MAX) states.clear();
      states.set(buyerKey, { state, until: Date.now() + KEEP_MS });
      return Promise.resolve();
    },
    get(buyerKey) {
      const hit = states.get(buyerKey);
      return Promise.resolve(hit && hit.until > Date.now() ? hit.state : null);
    },
  };
}
