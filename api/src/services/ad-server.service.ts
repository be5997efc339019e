import { randomUUID } from 'node:crypto';
import { AD_SLOT_POSITIONS, type AdDecision, type AdDecisionQuery, type SponsoredCard } from '@hawker/shared';
import type { Logger } from 'pino';
import { utcDay } from '../domain/ad-pacing.js';
import { searchTerms } from '../domain/search-terms.js';
import type { AdsConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { Principal } from './auth.service.js';
import { ImpressionNotYetError, type AdBillingRepository, type ClickFacts } from '../repositories/ad-billing.repository.js';
import type { AdCampaignRepository } from '../repositories/ad-campaign.repository.js';
import type { AdSignal, AdSignalBus } from '../repositories/ad-signal.js';
import { AdIndex, type AdStats, type IndexedBid, type RankedAd } from './ad-index.js';
import { AdLogBuffer } from './ad-log-buffer.js';
import { CLICK_TTL_MS, type AdTokenPayload, type AdTokens } from './ad-token.js';
import { isBotUserAgent } from './ad-bots.js';

/** Who is looking: the signed-in person or the anonymous visitor cookie. */
export type AdViewer = { key: string; userId: string | null };
export type ClickRequest = AdViewer & { ipPrefix: string; userAgent: string };

const RELOAD_EVERY_MS = 5_000;
const TRUST_TTL_MS = 60_000;

/**
 * The ad server: decisions from this node's in-memory index, impressions and
 * clicks through signed tokens, billing through AdBillingRepository. Every
 * node keeps its index current through the signal bus: a paused or exhausted
 * campaign leaves every node's auctions within a reload (milliseconds), and
 * the index is rebuilt from PostgreSQL every 5 s in any case.
 */
export class AdServer {
  readonly index = new AdIndex();
  readonly #trust = new Map<string, { score: number; at: number }>();
  readonly #lowBalanceTold = new Map<string, string>();
  readonly #logs: AdLogBuffer;
  #timer: NodeJS.Timeout | undefined;
  #qualityTimer: NodeJS.Timeout | undefined;
  #reloading: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(
    private readonly campaigns: AdCampaignRepository,
    private readonly billing: AdBillingRepository,
    private readonly bus: AdSignalBus,
    private readonly tokens: AdTokens,
    private readonly trustScore: (shopId: string) => Promise<number>,
    private readonly config: AdsConfig,
    private readonly lowBalance: (ownerId: string, balanceMinor: number, day: string) => Promise<void>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.#logs = new AdLogBuffer(
      billing,
      (ads) => this.bus.publish({ type: 'stats', counts: ads }),
      logger,
      () => utcDay(this.now()),
    );
  }

  async start(): Promise<void> {
    this.bus.subscribe((s) => this.#apply(s));
    await this.billing
      .prepareRevenue(this.config.currency)
      .catch((err: unknown) => this.logger.warn({ err }, 'ad revenue accounts not prepared'));
    await this.reload();
    this.#timer = setInterval(() => void this.reload(), RELOAD_EVERY_MS);
    this.#timer.unref();
    this.#qualityTimer = setInterval(() => this.index.refreshQuality(), 1_000);
    this.#qualityTimer.unref();
    this.#logs.start();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    clearInterval(this.#qualityTimer);
    await this.#reloading;
    await this.#logs.close();
  }

  /** Tells every node to rebuild its index (a campaign, ad or bid changed). */
  changed(): void {
    this.bus.publish({ type: 'reload' });
  }

  #apply(signal: AdSignal): void {
    if (signal.type === 'reload') void this.reload();
    else if (signal.type === 'spend') this.index.applySpend(signal);
    else for (const c of signal.counts) this.index.addStats(c.adId, c.impressions, c.clicks);
  }

  /** Rebuilds the index from PostgreSQL; a reload asked for while one runs runs once more after it. */
  reload(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#reloading) {
      this.#again = true;
      return this.#reloading;
    }
    this.#reloading = this.#load()
      .catch((err: unknown) => this.logger.error({ err }, 'ad index reload failed'))
      .finally(() => {
        this.#reloading = undefined;
        if (this.#again) {
          this.#again = false;
          void this.reload();
        }
      });
    return this.#reloading;
  }

  async #load(): Promise<void> {
    const rows = await this.campaigns.servingBids(this.config.currency);
    const eligibleShops = new Set<string>();
    for (const shopId of new Set(rows.map((r) => r.shop_id)))
      if ((await this.#trustOf(shopId)) >= this.config.minTrust) eligibleShops.add(shopId);
    const bids: IndexedBid[] = [];
    const stats = new Map<string, AdStats>();
    for (const r of rows) {
      if (!eligibleShops.has(r.shop_id)) continue;
      stats.set(r.ad_id, { impressions: r.impressions, clicks: r.clicks });
      bids.push({
        bidId: r.bid_id,
        adId: r.ad_id,
        campaignId: r.campaign_id,
        shopId: r.shop_id,
        ownerId: r.owner_id,
        placement: r.placement,
        keyword: r.keyword,
        terms: r.terms,
        maxCpcMinor: r.max_cpc,
        listingId: r.listing_id,
        streamId: r.stream_id,
        categories: r.categories,
        card: {
          title: r.title,
          imageUrl: r.image_key ? `/api/media/images/${encodeURIComponent(r.image_key)}` : null,
          priceMinor: r.price_minor,
          currency: r.currency,
          shopName: r.shop_name,
        },
      });
    }
    const day = utcDay(this.now());
    const campaignIds = [...new Set(bids.map((b) => b.campaignId))];
    const states = campaignIds.length > 0 ? await this.campaigns.campaignStates(campaignIds, day) : [];
    const owners = [...new Set(states.map((s) => s.owner_id))];
    const balances = owners.length > 0 ? await this.campaigns.balances(owners, this.config.currency) : [];
    this.index.replace(
      bids,
      states.map((s) => ({
        campaignId: s.id,
        ownerId: s.owner_id,
        dailyBudgetMinor: s.daily,
        totalBudgetMinor: s.total,
        spentTotalMinor: Number(s.spent_total),
        spentTodayMinor: s.spent_today ?? 0,
        day,
      })),
      new Map(balances.map((b) => [b.owner_id, Number(b.balance)])),
      stats,
    );
  }

  async #trustOf(shopId: string): Promise<number> {
    const cached = this.#trust.get(shopId);
    if (cached && this.now() - cached.at < TRUST_TTL_MS) return cached.score;
    const score = await this.trustScore(shopId);
    this.#trust.set(shopId, { score, at: this.now() });
    return score;
  }

  /**
   * One placement's auction for one page view. An ad whose advertiser cannot
   * pay its price is dropped and the auction run again without it, so every
   * shown ad's click can be billed at the price it was given.
   */
  decide(query: AdDecisionQuery, viewer: AdViewer): AdDecision {
    const placement = query.placement;
    const positions = AD_SLOT_POSITIONS[placement];
    const reserve = this.config.reserves[placement];
    const queryTerms = query.q ? searchTerms(query.q) : [];
    if (placement === 'search' && queryTerms.length === 0) return { placement, ads: [] };
    const ctx = { placement, queryTerms, category: query.category ?? null, listingId: query.listingId ?? null };
    const now = this.now();
    const excluded = new Set<string>();
    let ranked: RankedAd[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      ranked = this.index.auction(ctx, positions.length, reserve, now, excluded);
      const unpaid = ranked.filter((r) => r.slot !== null && this.index.balance(r.entry.ownerId) < r.priceMinor!);
      if (unpaid.length === 0) break;
      for (const r of unpaid) excluded.add(r.adId);
    }
    const shown = ranked.filter((r) => r.slot !== null);
    if (ranked.length > 0) this.#logs.auction(placement, query.q ?? '', ranked);
    return { placement, ads: shown.map((r) => this.#card(r, positions[r.slot! - 1]!, viewer, now, query)) };
  }

  #card(r: RankedAd, position: number, viewer: AdViewer, now: number, query: AdDecisionQuery): SponsoredCard {
    const e = r.entry;
    const payload: AdTokenPayload = {
      id: randomUUID(),
      ad: r.adId,
      campaign: e.campaignId,
      placement: e.placement,
      position,
      priceMinor: r.priceMinor!,
      viewer: viewer.key,
      target: e.listingId ? `/listings/${e.listingId}` : `/live/${e.streamId}`,
      issuedAt: now,
    };
    const token = this.tokens.sign(payload);
    const detail =
      r.reason === 'keyword'
        ? `It bid on the words "${e.keyword}", which are in your search.`
        : r.reason === 'category'
          ? `It targets the category ${query.category}.`
          : `It bid for this spot on the page.`;
    return {
      token,
      placement: e.placement,
      position,
      kind: e.listingId ? 'listing' : 'show',
      listingId: e.listingId,
      streamId: e.streamId,
      ...e.card,
      clickUrl: `/api/ads/click/${token}`,
      why: { advertiser: e.card.shopName, reason: r.reason, detail },
    };
  }

  /** The impression beacon: counted once per token, for the viewer it was shown to, within the click window. */
  async impression(token: string, viewer: AdViewer): Promise<void> {
    const p = this.tokens.verify(token);
    if (!p || p.viewer !== viewer.key || this.now() - p.issuedAt > CLICK_TTL_MS) return;
    await this.#logs.impression({
      id: p.id,
      adId: p.ad,
      campaignId: p.campaign,
      placement: p.placement,
      position: p.position,
      priceMinor: p.priceMinor,
      viewerKey: p.viewer,
    });
  }

  /**
   * A click through a signed URL: always answers with where to go; records
   * and bills it when the token is genuine and within 30 minutes. Rate rules
   * decide billing only, never whether the person gets to the listing.
   */
  async click(token: string, who: ClickRequest): Promise<string> {
    const p = this.tokens.verify(token);
    if (!p) return unverifiedTarget(token);
    if (this.now() - p.issuedAt > CLICK_TTL_MS) return p.target;
    const invalidReason = isBotUserAgent(who.userAgent) ? 'bot' : p.viewer !== who.key ? 'no_impression' : null;
    const day = utcDay(this.now());
    const facts: ClickFacts = {
      tokenId: p.id,
      adId: p.ad,
      campaignId: p.campaign,
      placement: p.placement,
      viewerKey: who.key,
      userId: who.userId,
      ipPrefix: who.ipPrefix,
      userAgent: who.userAgent,
      priceMinor: p.priceMinor,
      invalidReason,
      currency: this.config.currency,
      day,
    };
    // The beacon may still be in a batch on this node (flushed here) or on another (committing within ~100 ms).
    await this.#logs.flushImpressions();
    const outcome = await this.billing.click(facts, true).catch(async (err: unknown) => {
      if (!(err instanceof ImpressionNotYetError)) throw err;
      await new Promise((r) => setTimeout(r, 250));
      return this.billing.click(facts, false);
    });
    if (outcome.billedMinor > 0 && outcome.spend) {
      this.bus.publish({ type: 'spend', ...outcome.spend });
      this.bus.publish({ type: 'stats', counts: [{ adId: p.ad, impressions: 0, clicks: 1 }] });
      await this.#maybeLowBalance(outcome.spend.ownerId, outcome.spend.balanceMinor, day);
    }
    return p.target;
  }

  async #maybeLowBalance(ownerId: string, balanceMinor: number, day: string): Promise<void> {
    if (this.#lowBalanceTold.get(ownerId) === day) return;
    const dailyBudgets = this.index.dailyBudgetsOf(ownerId);
    if (balanceMinor >= dailyBudgets) return;
    this.#lowBalanceTold.set(ownerId, day);
    await this.lowBalance(ownerId, balanceMinor, day).catch((err: unknown) => this.logger.warn({ err }, 'low-balance notice failed'));
  }

  /** An admin found a billed click invalid: its price goes back to the advertiser (once). */
  async credit(principal: Principal | null, clickId: string): Promise<void> {
    if (!principal?.roles.includes('admin')) throw AppError.forbidden('Admins only.');
    const credited = await this.billing.credit(clickId, this.config.currency);
    if (!credited) throw AppError.conflict('not_creditable', 'That click was not billed, or was credited already.');
    this.bus.publish({ type: 'stats', counts: [{ adId: credited.adId, impressions: 0, clicks: -1 }] });
    this.changed();
  }

  /** Writes what is buffered (impressions, the auction log) now. */
  async flush(): Promise<void> {
    await this.#logs.flushImpressions();
    await this.#logs.flushAuctions();
  }

  /** Seven days of auctions are kept. */
  purgeAuctionLog(): Promise<unknown> {
    return this.billing.purgeAuctions(new Date(this.now() - 7 * 86_400_000));
  }
}

/** A forged or damaged token still takes the person somewhere sensible: its claimed listing or show, or home. */
function unverifiedTarget(token: string): string {
  try {
    const body = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { target?: unknown };
    return typeof body.target === 'string' && /^\/(listings|live)\/[0-9a-f-]{36}$/.test(body.target) ? body.target : '/';
  } catch {
    return '/';
  }
}
