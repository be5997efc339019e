import type { Logger } from 'pino';
import type { RedisClient } from './redis.js';
import { createSignalBus, type SignalBus } from './signal-bus.js';

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

export type AdSignalBus = SignalBus<AdSignal>;

export function createAdSignalBus(redis: RedisClient | undefined, keyPrefix: string, logger: Logger): Promise<AdSignalBus> {
  return createSignalBus<AdSignal>(redis, `${keyPrefix}ads`, logger);
}
