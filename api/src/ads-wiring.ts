import { formatMoney } from '@hawker/shared';
import type { Logger } from 'pino';
import type { ApiConfig } from './config.js';
import { trustScore } from './domain/trust.js';
import { AdBillingRepository } from './repositories/ad-billing.repository.js';
import { AdCampaignRepository } from './repositories/ad-campaign.repository.js';
import { AdFundsRepository } from './repositories/ad-funds.repository.js';
import { AdReportRepository } from './repositories/ad-report.repository.js';
import { createAdSignalBus, type AdSignalBus } from './repositories/ad-signal.js';
import { BrandRepository } from './repositories/brand.repository.js';
import type { Database } from './repositories/db/client.js';
import type { LedgerProblem } from './repositories/ledger-check.repository.js';
import type { LedgerRepository } from './repositories/ledger.repository.js';
import type { RedisClient } from './repositories/redis.js';
import { ShopRepository } from './repositories/shop.repository.js';
import { AdAccountService } from './services/ad-account.service.js';
import { AdCampaignService } from './services/ad-campaign.service.js';
import { AdServer } from './services/ad-server.service.js';
import { AdTokens } from './services/ad-token.js';
import type { NotificationService } from './services/notification.service.js';
import type { PaymentProvider } from './services/payments/provider.js';

export type Ads = {
  server: AdServer;
  campaigns: AdCampaignService;
  account: AdAccountService;
  /** The ads part of the ledger self-check. */
  check(): Promise<LedgerProblem[]>;
  close(): Promise<void>;
};

/** The ads capability, wired: repositories, the signal bus between nodes, the ad server and the two services. */
export async function createAds(
  config: ApiConfig,
  db: Database,
  redis: RedisClient | undefined,
  ledger: LedgerRepository,
  payments: PaymentProvider,
  notifications: NotificationService,
  imageUrl: (key: string) => string,
  logger: Logger,
): Promise<Ads> {
  const shops = new ShopRepository(db.prisma);
  const trust = async (shopId: string) => trustScore(await shops.trustInputs(shopId)).score;
  const campaignRepo = new AdCampaignRepository(db.prisma);
  const funds = new AdFundsRepository(db.prisma, ledger);
  const reports = new AdReportRepository(db.prisma, ledger);
  const bus: AdSignalBus = await createAdSignalBus(redis, config.redisKeyPrefix, logger);
  const currency = config.ads.currency;
  const server = new AdServer(
    campaignRepo,
    new AdBillingRepository(db.prisma, db.sql, ledger),
    bus,
    new AdTokens(config.appSecret),
    trust,
    config.ads,
    (ownerId, balance, day) =>
      notifications.notifyUser(
        ownerId,
        'ads.low_balance',
        {
          title: 'Your ad balance is running low',
          body: `${formatMoney(balance, currency)} left: less than a day of your campaigns. Top up to keep your ads running.`,
          url: '/seller/ads',
        },
        `ads-low:${ownerId}:${day}`,
      ),
    logger,
  );
  const campaigns = new AdCampaignService(
    campaignRepo,
    config.ads,
    trust,
    async (ownerId) => Number(await funds.balance(ownerId, currency)),
    () => server.changed(),
    imageUrl,
  );
  const account = new AdAccountService(
    funds,
    reports,
    campaignRepo,
    campaigns,
    new BrandRepository(db.prisma, ledger),
    payments,
    config.ads,
    trust,
    () => server.changed(),
    () => server.changed(),
  );
  return {
    server,
    campaigns,
    account,
    async check() {
      const problems: LedgerProblem[] = (await reports.spendMismatches()).map((m) => ({
        kind: 'ad_spend_mismatch',
        campaignId: m.campaign_id,
        spent: String(m.spent),
        clicks: String(m.clicks),
        days: String(m.days),
      }));
      const { revenue, clicks } = await reports.revenueMatchesClicks(currency);
      if (revenue !== clicks) problems.push({ kind: 'ad_revenue_mismatch', revenue: String(revenue), clicks: String(clicks) });
      return problems;
    },
    async close() {
      await server.close();
      await bus.close();
    },
  };
}
