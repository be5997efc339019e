import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { RedisClient } from './redis.js';

/** What every node's ad index must learn at once. */
export type AdSignal =
  /** Campaigns, ads, bids or their eligibility changed: rebuild from PostgreSQL. */
  | { type: 'reload' }
  /** A click was billed: the campaign's spend and the advertiser's balance as it left them. */
  | {
      type: 'spend';
      campaignId: string;
      ownerId: string;
      day: string;
      spentTodayMinor: number;
      spentTotalMinor: number;
      balanceMinor: number;
    }
  /** Valid impressions and billed clicks recorded: the ads' click-through evidence. */
  | { type: 'stats'; counts: { adId: string; impressions: number; clicks: number }[] };

export type AdSignalBus = {
  publish(signal: AdSignal): void;
  subscribe(listener: (signal: AdSignal) => void): void;
  close(): Promise<void>;
};

/**
 * Redis pub/sub between api nodes (the publisher hears its own messages too,
 * so every node applies a signal the same way); in one process without
 * Redis, a local emitter.
 */
export async function createAdSignalBus(redis: RedisClient | undefined, keyPrefix: string, logger: Logger): Promise<AdSignalBus> {
  const local = new EventEmitter();
  if (!redis) {
    return {
      publish: (s) => queueMicrotask(() => local.emit('signal', s)),
      subscribe: (l) => void local.on('signal', l),
      close: () => {
        local.removeAllListeners();
        return Promise.resolve();
      },
    };
  }
  const channel = `${keyPrefix}ads`;
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined);
  await subscriber.connect();
  await subscriber.subscribe(channel, (message) => {
    try {
      local.emit('signal', JSON.parse(message) as AdSignal);
    } catch (err) {
      logger.warn({ err }, 'unreadable ad signal');
    }
  });
  return {
    publish: (s) => void redis.publish(channel, JSON.stringify(s)).catch((err: unknown) => logger.warn({ err }, 'ad signal not published')),
    subscribe: (l) => void local.on('signal', l),
    close: async () => {
      local.removeAllListeners();
      await subscriber.quit().catch(() => undefined);
    },
  };
}
