import { formatMoney, type CreateSponsorshipBody, type SponsorshipReport, type SponsorshipView } from '@hawker/shared';
import type { Logger } from 'pino';
import { deliveredShareBps } from '../domain/commission.js';
import { AppError } from '../errors.js';
import type { CreatorRepository } from '../repositories/creator.repository.js';
import type { SponsorshipReportRepository } from '../repositories/sponsorship-report.repository.js';
import type { Delivery, SponsorshipRepository, SponsorshipRow } from '../repositories/sponsorship.repository.js';
import type { StreamRepository } from '../repositories/stream.repository.js';
import type { Principal } from './auth.service.js';
import { requireBrand } from './brand.service.js';
import type { NotificationService } from './notification.service.js';

/** After the last covered show ends, either side has this long to dispute before the fee is released. */
export const RELEASE_AFTER_MS = 72 * 3_600_000;

/**
 * Sponsorships: a brand offers a creator a flat fee (held in escrow from
 * acceptance) and a commission rate on the brand's listings sold in the
 * covered shows; Hawker measures the deliverables when the covered shows are
 * over and releases fee × mean(min(1, delivered ÷ required)) to the creator
 * 72 hours later, the rest back to the brand, unless a side disputes.
 */
export class SponsorshipService {
  constructor(
    private readonly sponsorships: SponsorshipRepository,
    private readonly reports: SponsorshipReportRepository,
    private readonly creators: CreatorRepository,
    private readonly streams: StreamRepository,
    private readonly notifications: NotificationService,
    private readonly logger: Logger,
  ) {}

  async offer(
    principal: Principal | null,
    body: CreateSponsorshipBody & { flatFeeMinor: number; currency: string },
  ): Promise<SponsorshipView> {
    const brandId = requireBrand(principal);
    const creator = await this.creators.byId(body.creatorId);
    if (!creator) throw AppError.notFound('Creator');
    if (Date.parse(body.expiresAt) <= Date.now())
      throw AppError.badRequest('invalid_expiry', 'The offer must expire in the future.', 'expiresAt');
    let streamId: string | null = null;
    if ('streamId' in body.coverage) {
      const show = await this.streams.find(body.coverage.streamId);
      if (!show || show.creatorId !== creator.id || show.status === 'ended' || show.cancelledAt)
        throw AppError.badRequest('invalid_show', "Cover one of this creator's upcoming or live shows.", 'coverage');
      streamId = show.id;
    }
    const row = await this.sponsorships.create({
      brandId,
      creatorId: creator.id,
      flatFeeMinor: body.flatFeeMinor,
      currency: body.currency,
      commissionBps: body.commissionBps ?? 0,
      minLiveMinutes: body.minLiveMinutes ?? 0,
      minPinnedMinutes: body.minPinnedMinutes ?? 0,
      minFlashDeals: body.minFlashDeals ?? 0,
      coverage: streamId ? 'show' : 'next',
      streamId,
      showsCount: 'nextShows' in body.coverage ? body.coverage.nextShows : 1,
      expiresAt: new Date(body.expiresAt),
      message: body.message ?? '',
    });
    const view = toView(row);
    await this.notifications.notifyUser(creator.id, 'sponsorship.offer', {
      title: `${view.brand.companyName} wants to sponsor you`,
      body: `${formatMoney(row.flatFeeMinor, row.currency)} and ${row.commissionBps / 100} % on their products. Answer in the studio.`,
      url: '/studio',
    });
    return view;
  }

  async list(principal: Principal | null, as: 'brand' | 'creator'): Promise<{ data: SponsorshipView[] }> {
    if (!principal) throw AppError.unauthenticated();
    await this.sponsorships.expireOld(new Date());
    const rows = await this.sponsorships.list(as === 'brand' ? { brandId: requireBrand(principal) } : { creatorId: principal.userId });
    return { data: rows.map(toView) };
  }

  async get(principal: Principal | null, id: string): Promise<SponsorshipView> {
    return toView(await this.visible(principal, id));
  }

  /** The creator accepts: the fee moves into escrow now, or acceptance fails and the brand is told to top up. */
  async accept(principal: Principal | null, id: string): Promise<SponsorshipView> {
    const s = await this.visible(principal, id);
    if (s.creatorId !== principal!.userId) throw AppError.forbidden('Only the creator accepts this offer.');
    const outcome = await this.sponsorships.accept(id, s.creatorId);
    const brandName = toView(s).brand.companyName;
    if (outcome === 'insufficient') {
      await this.notifications.notifyUser(s.brandId, 'sponsorship.answer', {
        title: `${s.creator.displayName} tried to accept your offer`,
        body: `Your balance cannot cover the ${formatMoney(s.flatFeeMinor, s.currency)} fee. Top up: the offer stays open.`,
        url: '/brand',
      });
      throw new AppError(
        402,
        'invalid_request_error',
        'brand_insufficient_funds',
        `${brandName} cannot pay the fee right now; they have been told. The offer stays open.`,
      );
    }
    if (outcome === 'not_open') throw AppError.conflict('offer_not_open', 'This offer was answered already or has expired.');
    await this.notifications.notifyUser(s.brandId, 'sponsorship.answer', {
      title: `${s.creator.displayName} accepted your sponsorship`,
      body: `The ${formatMoney(s.flatFeeMinor, s.currency)} fee is held in escrow until the shows are measured.`,
      url: '/brand',
    });
    return this.get(principal, id);
  }

  async decline(principal: Principal | null, id: string): Promise<SponsorshipView> {
    const s = await this.visible(principal, id);
    if (s.creatorId !== principal!.userId) throw AppError.forbidden('Only the creator declines this offer.');
    if (!(await this.sponsorships.decline(id, s.creatorId))) throw AppError.conflict('offer_not_open', 'This offer was answered already.');
    await this.notifications.notifyUser(s.brandId, 'sponsorship.answer', {
      title: `${s.creator.displayName} declined your offer`,
      body: '',
      url: '/brand',
    });
    return this.get(principal, id);
  }

  /** Once accepted, the brand may raise the fee or the commission, never lower them. */
  async raise(principal: Principal | null, id: string, fee: number | undefined, bps: number | undefined): Promise<SponsorshipView> {
    const brandId = requireBrand(principal);
    const outcome = await this.sponsorships.raise(id, brandId, fee, bps);
    if (outcome === 'lower') throw AppError.badRequest('rates_only_rise', 'Once accepted, the fee and the commission can only be raised.');
    if (outcome === 'not_open') throw AppError.conflict('not_accepted', 'Only an accepted sponsorship of yours can be raised.');
    if (outcome === 'insufficient')
      throw new AppError(402, 'invalid_request_error', 'insufficient_funds', 'Your balance cannot cover the higher fee; top up first.');
    return this.get(principal, id);
  }

  async dispute(principal: Principal | null, id: string, reason: string): Promise<SponsorshipView> {
    await this.visible(principal, id);
    if (!(await this.sponsorships.dispute(id, principal!.userId, reason)))
      throw AppError.conflict('not_disputable', 'A sponsorship can be disputed after it is measured and before its fee is released.');
    return this.get(principal, id);
  }

  async resolve(principal: Principal | null, id: string, releaseBps: number): Promise<SponsorshipView> {
    if (!principal?.roles.includes('admin')) throw AppError.forbidden('Only an admin resolves sponsorship disputes.');
    if (!(await this.sponsorships.resolve(id, releaseBps)))
      throw AppError.conflict('not_disputed', 'Only a disputed sponsorship can be resolved.');
    return this.get(principal, id);
  }

  /** Media hook: a creator went live; sponsorships covering their next shows take this one. */
  async streamLive(creatorId: string, streamId: string): Promise<void> {
    await this.sponsorships.coverLiveStream(creatorId, streamId);
  }

  /** Media hook: a show ended; sponsorships whose covered shows are all over are measured. */
  async streamEnded(streamId: string): Promise<void> {
    for (const id of await this.sponsorships.readyToMeasure(streamId)) {
      const s = (await this.sponsorships.find(id))!;
      const d = await this.sponsorships.deliveryOf(id);
      const bps = shareOf(s, d);
      if (!(await this.sponsorships.markMeasured(id, d, bps, new Date(Date.now() + RELEASE_AFTER_MS)))) continue;
      const payload = {
        title: 'Sponsorship measured',
        body: `Delivered ${bps / 100} % of what was agreed; ${formatMoney(Math.floor((s.flatFeeMinor * bps) / 10_000), s.currency)} is released in 72 hours unless disputed.`,
        url: '/studio',
      };
      await this.notifications.notifyUser(s.creatorId, 'sponsorship.answer', payload);
      await this.notifications.notifyUser(s.brandId, 'sponsorship.answer', { ...payload, url: `/brand/sponsorships/${id}` });
    }
  }

  /** Scheduler hook: measured sponsorships past their 72 hours are settled. */
  async releaseDue(now = new Date()): Promise<string[]> {
    const released = await this.sponsorships.releaseDue(now);
    if (released.length > 0) this.logger.info({ released }, 'sponsorship fees released');
    return released;
  }

  async report(principal: Principal | null, id: string): Promise<SponsorshipReport> {
    const s = await this.visible(principal, id);
    const streamIds = s.streams.map((x) => x.streamId);
    const r = await this.reports.report(id, s.brandId, streamIds);
    const spent = s.releasedMinor + r.commissionMinor;
    return {
      sponsorship: toView(s),
      minutes: r.minutes.map((m) => ({ at: m.minute.toISOString(), viewers: m.viewers, orders: m.orders, gmvMinor: m.gmvMinor })),
      totals: { ...r.totals, costPerOrderMinor: r.totals.orders > 0 ? Math.round(spent / r.totals.orders) : null },
    };
  }

  private async visible(principal: Principal | null, id: string): Promise<SponsorshipRow> {
    if (!principal) throw AppError.unauthenticated();
    const s = await this.sponsorships.find(id);
    if (!s || (s.brandId !== principal.userId && s.creatorId !== principal.userId && !principal.roles.includes('admin')))
      throw AppError.notFound('Sponsorship');
    return s;
  }
}

/** The released share: the mean over the deliverables asked for of min(1, delivered ÷ required). */
function shareOf(s: SponsorshipRow, d: Delivery): number {
  return deliveredShareBps([
    { required: s.minLiveMinutes, delivered: d.liveMinutes },
    { required: s.minPinnedMinutes, delivered: d.pinnedMinutes },
    { required: s.minFlashDeals, delivered: d.flashDeals },
  ]);
}

export function toView(s: SponsorshipRow): SponsorshipView {
  const delivery = s.delivery as (Delivery & { deliveredBps: number }) | null;
  return {
    id: s.id,
    status: s.status,
    brand: { id: s.brand.id, companyName: s.brand.brandProfile?.companyName ?? s.brand.displayName },
    creator: s.creator,
    flatFeeMinor: s.flatFeeMinor,
    currency: s.currency,
    commissionBps: s.commissionBps,
    minLiveMinutes: s.minLiveMinutes,
    minPinnedMinutes: s.minPinnedMinutes,
    minFlashDeals: s.minFlashDeals,
    coverage: { streamId: s.streamId, shows: s.showsCount },
    coveredStreamIds: s.streams.map((x) => x.streamId),
    message: s.message,
    expiresAt: s.expiresAt.toISOString(),
    createdAt: s.createdAt.toISOString(),
    releaseAt: s.releaseAt?.toISOString() ?? null,
    delivery,
    releasedMinor: s.releasedMinor,
    returnedMinor: s.returnedMinor,
  };
}
