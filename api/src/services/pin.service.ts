import type { CurrencyCode, PinnedProduct, ShowableListing } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { ChatRepository } from '../repositories/chat.repository.js';
import type { PinRepository, ShowableRow } from '../repositories/pin.repository.js';
import type { Principal } from './auth.service.js';
import type { DomainEvents } from './domain-events.js';

/** Each group of showable listings (own, sponsor's, offered to creators) is capped at this many, newest first. */
const SHOWABLE_PER_GROUP = 100;

/**
 * The creator pins listings over the video (their own, the sponsor's in a
 * sponsored show, or ones offered to creators); late joiners get the pins in
 * the join ack.
 */
export class PinService {
  constructor(
    private readonly pins: PinRepository,
    private readonly streams: ChatRepository,
    private readonly events: DomainEvents,
    private readonly imageUrl: (key: string) => string,
  ) {}

  async set(principal: Principal | null, streamId: string, listingIds: string[]): Promise<PinnedProduct[]> {
    if (!principal) throw AppError.unauthenticated();
    const stream = await this.streams.streamOwner(streamId);
    if (!stream) throw AppError.notFound('Stream');
    if (stream.creatorId !== principal.userId) throw AppError.forbidden('Only the creator pins products.');
    if (stream.status === 'ended') throw AppError.conflict('stream_ended', 'This stream has ended.');
    const unique = [...new Set(listingIds)];
    const pinnable = await this.pins.pinnable(principal.userId, unique, streamId);
    if (pinnable.length !== unique.length)
      throw AppError.forbidden('Pin your own active listings, or listings their shops offer to creators.', 'not_your_listing');
    const offsetMs = stream.startedAt ? Math.max(0, Date.now() - stream.startedAt.getTime()) : 0;
    await this.pins.replace(streamId, unique, offsetMs);
    const pins = await this.current(streamId);
    this.events.emit('pin.changed', { streamId, pins });
    return pins;
  }

  /** The listings the creator may pin or put on a deal in this stream, with the commission each earns them. */
  async showable(principal: Principal | null, streamId: string): Promise<{ data: ShowableListing[] }> {
    if (!principal) throw AppError.unauthenticated();
    const stream = await this.streams.streamOwner(streamId);
    if (!stream) throw AppError.notFound('Stream');
    if (stream.creatorId !== principal.userId) throw AppError.forbidden('Only the creator sees what they can show.');
    const groups = await this.pins.showable(principal.userId, streamId, SHOWABLE_PER_GROUP);
    const view = (row: ShowableRow, source: ShowableListing['source'], commissionBps: number | null): ShowableListing => ({
      id: row.id,
      title: row.title,
      priceMinor: row.priceMinor,
      currency: row.currency as CurrencyCode,
      stock: row.stock,
      category: row.category,
      imageUrl: row.images[0] ? this.imageUrl(row.images[0].storageKey) : null,
      shop: row.shop,
      source,
      commissionBps,
      minDealPriceMinor: source === 'affiliate' ? row.affiliateMinDealPriceMinor : null,
      maxDealUnits: source === 'affiliate' ? row.affiliateMaxDealUnits : null,
    });
    return {
      data: [
        ...groups.own.map((r) => view(r, 'own', null)),
        ...groups.sponsor.map((r) => view(r, 'sponsor', groups.sponsorCommissionBps)),
        ...groups.affiliate.map((r) => view(r, 'affiliate', r.affiliateRateBps)),
      ],
    };
  }

  /** A pinned listing was edited: every live room showing it gets the new card (price, stock, title) at once. */
  async listingChanged(listingId: string): Promise<void> {
    for (const streamId of await this.pins.liveStreamsPinning(listingId)) {
      this.events.emit('pin.changed', { streamId, pins: await this.current(streamId) });
    }
  }

  async current(streamId: string): Promise<PinnedProduct[]> {
    return (await this.pins.current(streamId)).map((p) => ({
      listingId: p.listingId,
      title: p.listing.title,
      priceMinor: p.listing.priceMinor,
      currency: p.listing.currency,
      stock: p.listing.stock,
      imageUrl: p.listing.images[0] ? this.imageUrl(p.listing.images[0].storageKey) : null,
      pinnedAt: p.pinnedAt.toISOString(),
      offsetMs: p.offsetMs,
    }));
  }
}
