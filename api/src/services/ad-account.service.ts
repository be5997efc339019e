import {
  AD_SLOT_POSITIONS,
  type AdAccount,
  type AdInsight,
  type AdminAdRevenue,
  type AdPlacement,
  type AdSimulation,
  type AdStatement,
  type AdTotals,
  type CampaignReport,
} from '@hawker/shared';
import { bidsToWinHigherSlots } from '../domain/ad-auction.js';
import { replayAuctions, type LoggedCandidate } from '../domain/ad-replay.js';
import type { AdsConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { AdCampaignRepository } from '../repositories/ad-campaign.repository.js';
import type { AdFundsRepository } from '../repositories/ad-funds.repository.js';
import type { AdReportRepository, AdRow } from '../repositories/ad-report.repository.js';
import type { BrandRepository } from '../repositories/brand.repository.js';
import { InsufficientFundsError } from '../repositories/ledger.repository.js';
import type { Principal } from './auth.service.js';
import type { AdCampaignService } from './ad-campaign.service.js';
import type { PaymentProvider } from './payments/provider.js';
import { topUpFromCard } from './card-top-up.js';

const WEEK_MS = 7 * 86_400_000;
/** The simulator replays at most this many logged auctions (the newest): it must answer within 2 s. */
const SIMULATION_AUCTIONS = 20_000;

/** The advertiser's money (top-ups, withdrawals, statements), reports, the auction insight and simulator, and the admin's view. */
export class AdAccountService {
  constructor(
    private readonly funds: AdFundsRepository,
    private readonly reports: AdReportRepository,
    private readonly campaigns: AdCampaignRepository,
    private readonly campaignService: AdCampaignService,
    private readonly brands: BrandRepository,
    private readonly payments: PaymentProvider,
    private readonly config: AdsConfig,
    private readonly trustScore: (shopId: string) => Promise<number>,
    private readonly onFundsChanged: () => void,
    private readonly onTakenDown: () => void,
  ) {}

  async account(principal: Principal | null): Promise<AdAccount> {
    const userId = requireUser(principal);
    const cur = this.config.currency;
    const [balance, wallet, shops, topUps, dailyBudgets] = await Promise.all([
      this.funds.balance(userId, cur),
      this.funds.walletAvailable(userId, cur),
      this.campaigns.shopsOwnedBy(userId),
      this.funds.topUps(userId, cur),
      this.campaigns.dailyBudgetsOf(userId),
    ]);
    const shopViews = await Promise.all(
      shops.map(async (s) => {
        const score = Math.round(await this.trustScore(s.id));
        return { id: s.id, name: s.name, walletAvailableMinor: Number(wallet), trustScore: score, eligible: score >= this.config.minTrust };
      }),
    );
    return {
      currency: cur,
      balanceMinor: Number(balance),
      lowBalance: dailyBudgets > 0 && Number(balance) < dailyBudgets,
      shops: shopViews,
      trustThreshold: this.config.minTrust,
      reserves: this.config.reserves,
      topUps: topUps.map((t) => ({ id: t.id, amountMinor: t.amount, source: t.source, createdAt: t.created_at.toISOString() })),
    };
  }

  /** From the card (charged through the provider first) or from a shop's available wallet. */
  async topUp(
    principal: Principal | null,
    body: { amountMinor: number; source: 'card' | 'wallet'; paymentMethod: string; shopId?: string | undefined },
    key: string,
  ): Promise<AdAccount> {
    const userId = requireUser(principal);
    const cur = this.config.currency;
    if (body.source === 'wallet') {
      await this.#ownShop(userId, body.shopId!);
      await this.funds.fromWallet(userId, cur, body.amountMinor, key).catch((err: unknown) => {
        if (err instanceof InsufficientFundsError)
          throw AppError.conflict('insufficient_wallet', 'The shop wallet has less available than that.', 'amountMinor');
        throw err;
      });
    } else {
      await topUpFromCard(this.brands, this.payments, {
        userId,
        amountMinor: body.amountMinor,
        currency: cur,
        paymentMethod: body.paymentMethod,
        key: `ads:${userId}:${key}`,
        description: 'Hawker ad balance top-up',
      });
    }
    this.onFundsChanged();
    return this.account(principal);
  }

  async withdraw(principal: Principal | null, amountMinor: number, shopId: string, key: string): Promise<AdAccount> {
    const userId = requireUser(principal);
    await this.#ownShop(userId, shopId);
    await this.funds.toWallet(userId, this.config.currency, amountMinor, key).catch((err: unknown) => {
      if (err instanceof InsufficientFundsError)
        throw AppError.conflict('insufficient_ad_balance', 'The ad balance is less than that.', 'amountMinor');
      throw err;
    });
    this.onFundsChanged();
    return this.account(principal);
  }

  async receipt(principal: Principal | null, id: string) {
    const userId = requireUser(principal);
    const topUp = (await this.funds.topUps(userId, this.config.currency)).find((t) => t.id === id);
    const payer = await this.funds.payer(userId);
    if (!topUp || !payer) throw AppError.notFound('top-up');
    return {
      id: topUp.id,
      amountMinor: topUp.amount,
      currency: this.config.currency,
      source: topUp.source,
      providerRef: topUp.provider_ref,
      createdAt: topUp.created_at.toISOString(),
      payer: { name: payer.displayName, email: payer.email },
    };
  }

  async statement(principal: Principal | null, month: string): Promise<AdStatement> {
    const userId = requireUser(principal);
    const from = new Date(`${month}-01T00:00:00Z`);
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    const { opening, lines } = await this.funds.statement(userId, this.config.currency, from, to);
    const sum = (kinds: string[]) => lines.filter((l) => kinds.includes(l.kind)).reduce((s, l) => s + Number(l.amount), 0);
    const labels: Record<string, string> = {
      brand_topup: 'Top-up by card',
      ad_topup: 'Top-up from the shop wallet',
      ad_withdraw: 'Withdrawn to the shop wallet',
      ad_charge: 'Clicks billed',
      ad_credit: 'Invalid clicks credited',
      sponsorship: 'Sponsorships',
    };
    const closing = Number(opening) + lines.reduce((s, l) => s + Number(l.amount), 0);
    return {
      month,
      currency: this.config.currency,
      openingMinor: Number(opening),
      topUpsMinor: sum(['brand_topup', 'ad_topup']),
      withdrawalsMinor: -sum(['ad_withdraw']),
      chargesMinor: -sum(['ad_charge']),
      clicksBilled: lines.filter((l) => l.kind === 'ad_charge').reduce((s, l) => s + l.n, 0),
      creditsMinor: sum(['ad_credit']),
      closingMinor: closing,
      lines: lines.map((l) => ({
        at: l.day.toISOString(),
        kind: l.kind,
        amountMinor: Number(l.amount),
        memo: `${labels[l.kind] ?? l.kind}${l.kind === 'ad_charge' ? ` (${l.n} clicks)` : ''}`,
      })),
    };
  }

  async report(principal: Principal | null, campaignId: string): Promise<CampaignReport> {
    const campaign = await this.campaignService.get(principal, campaignId);
    const [days, ads] = await Promise.all([
      this.reports.figures(campaignId, 'day', this.config.currency),
      this.reports.figures(campaignId, 'ad', this.config.currency),
    ]);
    const total = days.reduce(
      (t, d) => ({
        key: '',
        impressions: t.impressions + d.impressions,
        clicks: t.clicks + d.clicks,
        spend: t.spend + d.spend,
        invalid: t.invalid + d.invalid,
        credits: t.credits + d.credits,
        orders: t.orders + d.orders,
        revenue: t.revenue + d.revenue,
      }),
      { key: '', impressions: 0, clicks: 0, spend: 0n, invalid: 0, credits: 0n, orders: 0, revenue: 0n },
    );
    return {
      campaign,
      totals: totals(total),
      days: days.map((d) => ({ day: d.key, ...totals(d) })),
      ads: ads.map((a) => ({ adId: a.key, totals: totals(a) })),
    };
  }

  async insight(principal: Principal | null, adId: string, placement: AdPlacement): Promise<AdInsight> {
    await this.#ownAd(principal, adId);
    const { auctions, wins, latest } = await this.reports.insight(adId, placement, new Date(Date.now() - WEEK_MS));
    const ranked = (latest?.candidates ?? []) as LoggedCandidate[];
    const rank = ranked.findIndex((c) => c.ad === adId);
    const own = ranked[rank];
    return {
      adId,
      placement,
      auctions,
      wins,
      latest:
        latest && own
          ? {
              at: latest.createdAt.toISOString(),
              query: latest.query,
              rank: rank + 1,
              slot: own.slot,
              bidMinor: own.bid,
              quality: own.q,
              score: own.score,
              priceMinor: own.price,
              toWin: bidsToWinHigherSlots(
                ranked.map((c) => ({ adId: c.ad, score: c.score, slot: c.slot })),
                adId,
                own.q,
                this.config.reserves[placement],
              ),
            }
          : null,
    };
  }

  async simulate(principal: Principal | null, adId: string, placement: AdPlacement, bidMinor: number): Promise<AdSimulation> {
    await this.#ownAd(principal, adId);
    const rows = await this.reports.auctionsWith(adId, placement, new Date(Date.now() - WEEK_MS), SIMULATION_AUCTIONS);
    const logged = rows.map((r) => r.candidates as LoggedCandidate[]);
    const slots = AD_SLOT_POSITIONS[placement].length;
    const reserve = this.config.reserves[placement];
    return {
      placement,
      bidMinor,
      auctions: logged.length,
      atBid: replayAuctions(logged, adId, bidMinor, slots, reserve),
      current: replayAuctions(logged, adId, null, slots, reserve),
    };
  }

  async adminRevenue(principal: Principal | null): Promise<AdminAdRevenue> {
    requireAdmin(principal);
    const r = await this.reports.platformRevenue(this.config.currency, new Date(Date.now() - 30 * 86_400_000));
    return {
      currency: this.config.currency,
      adRevenueMinor: Number(r.adRevenue),
      platformFeesMinor: Number(r.fees),
      days: r.days.map((d) => ({ day: d.day, adRevenueMinor: Number(d.revenue), clicks: d.clicks })),
      ads: r.ads.map((a) => ({
        adId: a.ad_id,
        shopName: a.shop,
        title: a.title,
        spendMinor: Number(a.spend),
        clicks: a.clicks,
        takenDown: a.down,
      })),
    };
  }

  async takeDown(principal: Principal | null, adId: string, reason: string): Promise<void> {
    requireAdmin(principal);
    const { count } = await this.campaigns.takeDown(adId, reason);
    if (count === 0 && !(await this.campaigns.findAd(adId))) throw AppError.notFound('ad');
    this.onTakenDown();
  }

  async #ownShop(userId: string, shopId: string): Promise<void> {
    const shop = await this.campaigns.shop(shopId);
    if (!shop || shop.ownerId !== userId) throw AppError.forbidden('That is not your shop.', 'not_shop_owner');
  }

  async #ownAd(principal: Principal | null, adId: string): Promise<void> {
    const userId = requireUser(principal);
    const ad = await this.campaigns.findAd(adId);
    if (!ad || (ad.campaign.shop.ownerId !== userId && !principal!.roles.includes('admin'))) throw AppError.notFound('ad');
  }
}

function totals(r: AdRow): AdTotals {
  const spend = Number(r.spend);
  const revenue = Number(r.revenue);
  return {
    impressions: r.impressions,
    clicks: r.clicks,
    ctr: r.impressions > 0 ? r.clicks / r.impressions : 0,
    avgCpcMinor: r.clicks > 0 ? Math.round(spend / r.clicks) : 0,
    spendMinor: spend,
    orders: r.orders,
    revenueMinor: revenue,
    roas: spend > 0 ? revenue / spend : null,
    invalidClicks: r.invalid,
    creditsMinor: Number(r.credits),
  };
}

function requireUser(principal: Principal | null): string {
  if (!principal) throw AppError.unauthenticated();
  return principal.userId;
}

function requireAdmin(principal: Principal | null): void {
  if (!principal) throw AppError.unauthenticated();
  if (!principal.roles.includes('admin')) throw AppError.forbidden('Admins only.');
}
