import type { AdInput, AdView, CampaignView } from '@hawker/shared';
import type { z } from 'zod';
import type { adBidInputSchema, adUpdateBodySchema, campaignCreateBodySchema, campaignUpdateBodySchema } from '@hawker/shared';
import { utcDay } from '../domain/ad-pacing.js';
import { searchTerms } from '../domain/search-terms.js';
import type { AdsConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { AdCampaignRepository, BidRow, NewAd } from '../repositories/ad-campaign.repository.js';
import type { Principal } from './auth.service.js';

type CampaignRow = NonNullable<Awaited<ReturnType<AdCampaignRepository['find']>>>;
type AdRow = CampaignRow['ads'][number];

/**
 * Campaigns and ads as their shop's owner edits them. Only a shop whose
 * trust score reaches AD_MIN_TRUST may advertise; the answer says why not.
 * Every change tells every node's ad index (AdServer.changed).
 */
export class AdCampaignService {
  constructor(
    private readonly repo: AdCampaignRepository,
    private readonly config: AdsConfig,
    private readonly trustScore: (shopId: string) => Promise<number>,
    private readonly balanceOf: (ownerId: string) => Promise<number>,
    private readonly changed: () => void,
    private readonly imageUrl: (key: string) => string,
    private readonly now: () => number = Date.now,
  ) {}

  async list(principal: Principal | null): Promise<{ data: CampaignView[] }> {
    if (!principal) throw AppError.unauthenticated();
    const rows = await this.repo.listForOwner(principal.userId);
    return { data: await this.#views(rows) };
  }

  async get(principal: Principal | null, id: string): Promise<CampaignView> {
    const row = await this.#owned(principal, id);
    return (await this.#views([row]))[0]!;
  }

  async create(principal: Principal | null, body: z.infer<typeof campaignCreateBodySchema>): Promise<CampaignView> {
    if (!principal) throw AppError.unauthenticated();
    const shop = await this.repo.shop(body.shopId);
    if (!shop || shop.ownerId !== principal.userId) throw AppError.forbidden('You can advertise only your own shop.', 'not_shop_owner');
    await this.#requireTrust(shop.id);
    const startsAt = body.startsAt ? new Date(body.startsAt) : new Date(this.now());
    const endsAt = body.endsAt ? new Date(body.endsAt) : null;
    if (endsAt && endsAt <= startsAt) throw AppError.badRequest('invalid_dates', 'The campaign must end after it starts.', 'endsAt');
    const ads = await Promise.all(body.ads.map((a) => this.#checkAd(shop.id, shop.ownerId, a)));
    const id = await this.repo.create(
      {
        shopId: shop.id,
        name: body.name,
        dailyBudgetMinor: body.dailyBudgetMinor,
        totalBudgetMinor: body.totalBudgetMinor,
        currency: this.config.currency,
        startsAt,
        endsAt,
      },
      ads,
    );
    this.changed();
    return this.get(principal, id);
  }

  async update(principal: Principal | null, id: string, body: z.infer<typeof campaignUpdateBodySchema>): Promise<CampaignView> {
    const row = await this.#owned(principal, id);
    if (row.status === 'ended' && body.status !== undefined && body.status !== 'ended')
      throw AppError.conflict('campaign_ended', 'An ended campaign cannot run again; create a new one.');
    if (body.status === 'active') await this.#requireTrust(row.shopId);
    const startsAt = body.startsAt ? new Date(body.startsAt) : undefined;
    const endsAt = body.endsAt === undefined ? undefined : body.endsAt === null ? null : new Date(body.endsAt);
    if ((endsAt ?? row.endsAt) && (endsAt ?? row.endsAt)! <= (startsAt ?? row.startsAt))
      throw AppError.badRequest('invalid_dates', 'The campaign must end after it starts.', 'endsAt');
    await this.repo.update(id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...(body.dailyBudgetMinor !== undefined ? { dailyBudgetMinor: body.dailyBudgetMinor } : {}),
      ...(body.totalBudgetMinor !== undefined ? { totalBudgetMinor: body.totalBudgetMinor } : {}),
      ...(startsAt ? { startsAt } : {}),
      ...(endsAt !== undefined ? { endsAt } : {}),
    });
    this.changed();
    return this.get(principal, id);
  }

  async addAd(principal: Principal | null, campaignId: string, body: AdInput): Promise<AdView> {
    const row = await this.#owned(principal, campaignId);
    if (row.ads.length >= 100) throw AppError.conflict('too_many_ads', 'A campaign holds at most 100 ads.');
    const ad = await this.#checkAd(row.shopId, row.shop.ownerId, body);
    const adId = await this.repo.addAd(campaignId, ad);
    this.changed();
    const view = await this.get(principal, campaignId);
    return view.ads.find((a) => a.id === adId)!;
  }

  async updateAd(principal: Principal | null, adId: string, body: z.infer<typeof adUpdateBodySchema>): Promise<AdView> {
    if (!principal) throw AppError.unauthenticated();
    const ad = await this.repo.findAd(adId);
    if (!ad || ad.campaign.shop.ownerId !== principal.userId) throw AppError.notFound('ad');
    if (body.bids) this.#checkTargetPlacements(ad.listingId !== null, body.bids);
    const bids = body.bids?.map((b) => this.#bidRow(b));
    await this.repo.updateAd(
      adId,
      { ...(body.active !== undefined ? { active: body.active } : {}), ...(body.categories ? { categories: body.categories } : {}) },
      bids,
    );
    this.changed();
    const view = await this.get(principal, ad.campaignId);
    return view.ads.find((a) => a.id === adId)!;
  }

  async #owned(principal: Principal | null, id: string): Promise<CampaignRow> {
    if (!principal) throw AppError.unauthenticated();
    const row = await this.repo.find(id);
    if (!row || (row.shop.ownerId !== principal.userId && !principal.roles.includes('admin'))) throw AppError.notFound('campaign');
    return row;
  }

  async #requireTrust(shopId: string): Promise<number> {
    const score = await this.trustScore(shopId);
    if (score < this.config.minTrust)
      throw AppError.forbidden(
        `Your shop's trust score is ${Math.round(score)}; advertising needs ${this.config.minTrust}. Ship on time and resolve disputes to raise it.`,
        'ad_trust_too_low',
      );
    return score;
  }

  async #checkAd(shopId: string, ownerId: string, a: AdInput): Promise<NewAd> {
    if (a.listingId) {
      const listing = await this.repo.listingOf(a.listingId);
      if (!listing || listing.shopId !== shopId)
        throw AppError.badRequest('not_your_listing', 'An ad promotes one of this shop’s listings.', 'listingId');
    }
    if (a.streamId) {
      const stream = await this.repo.streamOf(a.streamId);
      if (!stream || (stream.creatorId !== ownerId && stream.shopId !== shopId))
        throw AppError.badRequest('not_your_show', 'An ad promotes this shop’s own show.', 'streamId');
      if (stream.status === 'ended' || stream.cancelledAt) throw AppError.badRequest('show_over', 'That show is over.', 'streamId');
    }
    this.#checkTargetPlacements(a.listingId !== undefined, a.bids);
    return {
      listingId: a.listingId ?? null,
      streamId: a.streamId ?? null,
      categories: a.categories,
      active: a.active,
      bids: a.bids.map((b) => this.#bidRow(b)),
    };
  }

  #checkTargetPlacements(isListing: boolean, bids: z.infer<typeof adBidInputSchema>[]): void {
    if (bids.some((b) => (b.placement === 'live_now') === isListing))
      throw AppError.badRequest('wrong_placement', 'Listings run in search, home and related; shows run in "Live now".', 'bids');
  }

  #bidRow(b: z.infer<typeof adBidInputSchema>): BidRow {
    const reserve = this.config.reserves[b.placement];
    if (b.maxCpcMinor < reserve)
      throw AppError.badRequest('bid_below_reserve', `The lowest bid for ${b.placement} is ${reserve} (minor units).`, 'maxCpcMinor');
    const terms = b.keyword ? searchTerms(b.keyword) : [];
    if (b.placement === 'search' && terms.length === 0) throw AppError.badRequest('invalid_keyword', 'A keyword needs a word.', 'keyword');
    // The seller's words in their order for display; sorted for the index.
    return { placement: b.placement, keyword: terms.join(' '), terms: [...terms].sort(), maxCpcMinor: b.maxCpcMinor };
  }

  async #views(rows: CampaignRow[]): Promise<CampaignView[]> {
    if (rows.length === 0) return [];
    const day = utcDay(this.now());
    const states = new Map(
      (
        await this.repo.campaignStates(
          rows.map((r) => r.id),
          day,
        )
      ).map((s) => [s.id, s]),
    );
    const trust = new Map<string, number>();
    const balances = new Map<string, number>();
    for (const r of rows) {
      if (!trust.has(r.shopId)) trust.set(r.shopId, await this.trustScore(r.shopId));
      if (!balances.has(r.shop.ownerId)) balances.set(r.shop.ownerId, await this.balanceOf(r.shop.ownerId));
    }
    return rows.map((r) => {
      const spentToday = states.get(r.id)?.spent_today ?? 0;
      const ctx = { campaign: r, spentToday, trust: trust.get(r.shopId)!, balance: balances.get(r.shop.ownerId)! };
      return {
        id: r.id,
        shopId: r.shopId,
        name: r.name,
        status: r.status,
        dailyBudgetMinor: r.dailyBudgetMinor,
        totalBudgetMinor: r.totalBudgetMinor,
        currency: r.currency,
        startsAt: r.startsAt.toISOString(),
        endsAt: r.endsAt?.toISOString() ?? null,
        spentTodayMinor: spentToday,
        spentMinor: Number(r.spentMinor),
        createdAt: r.createdAt.toISOString(),
        ads: r.ads.map((a) => this.#adView(a, ctx)),
      };
    });
  }

  #adView(a: AdRow, ctx: { campaign: CampaignRow; spentToday: number; trust: number; balance: number }): AdView {
    const target: AdView['target'] = a.listing
      ? {
          kind: 'listing',
          listingId: a.listing.id,
          title: a.listing.title,
          imageUrl: a.listing.images[0] ? this.imageUrl(a.listing.images[0].storageKey) : null,
          status: a.listing.status,
          stock: a.listing.stock,
        }
      : { kind: 'show', streamId: a.stream!.id, title: a.stream!.title, status: a.stream!.cancelledAt ? 'cancelled' : a.stream!.status };
    return {
      id: a.id,
      campaignId: a.campaignId,
      target,
      categories: a.categories,
      active: a.active,
      takenDown: a.takenDownAt ? { at: a.takenDownAt.toISOString(), reason: a.takenDownReason ?? '' } : null,
      bids: a.bids.map((b) => ({ id: b.id, placement: b.placement, keyword: b.keyword || null, maxCpcMinor: b.maxCpcMinor })),
      serving: this.#serving(a, target, ctx),
    };
  }

  /** Whether the ad can win auctions now, or the first reason it cannot. */
  #serving(
    a: AdRow,
    target: AdView['target'],
    ctx: { campaign: CampaignRow; spentToday: number; trust: number; balance: number },
  ): AdView['serving'] {
    const c = ctx.campaign;
    const now = this.now();
    const minReserve = Math.min(...a.bids.map((b) => this.config.reserves[b.placement]));
    const reason = a.takenDownAt
      ? `Taken down by Hawker: ${a.takenDownReason ?? ''}`
      : !a.active
        ? 'This ad is paused.'
        : c.status !== 'active'
          ? `The campaign is ${c.status}.`
          : c.startsAt.getTime() > now
            ? `The campaign starts ${c.startsAt.toISOString()}.`
            : c.endsAt && c.endsAt.getTime() <= now
              ? 'The campaign has ended.'
              : ctx.trust < this.config.minTrust
                ? `The shop's trust score (${Math.round(ctx.trust)}) is below ${this.config.minTrust}.`
                : target.kind === 'listing' && target.status !== 'active'
                  ? 'The listing is not active.'
                  : target.kind === 'listing' && target.stock <= 0
                    ? 'The listing is out of stock.'
                    : target.kind === 'show' && target.status !== 'live'
                      ? 'It runs while the show is live.'
                      : ctx.balance < minReserve
                        ? 'The ad balance is below the lowest price of a click.'
                        : ctx.spentToday >= c.dailyBudgetMinor
                          ? "Today's budget is spent."
                          : c.totalBudgetMinor !== null && Number(c.spentMinor) >= c.totalBudgetMinor
                            ? 'The total budget is spent.'
                            : null;
    return { ok: reason === null, reason };
  }
}
