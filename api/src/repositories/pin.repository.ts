import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

const pinView = {
  listingId: true,
  pinnedAt: true,
  offsetMs: true,
  listing: {
    select: {
      title: true,
      priceMinor: true,
      currency: true,
      stock: true,
      images: { select: { storageKey: true }, orderBy: { position: 'asc' as const }, take: 1 },
    },
  },
} as const;

const showableView = {
  id: true,
  title: true,
  priceMinor: true,
  currency: true,
  stock: true,
  category: true,
  affiliateRateBps: true,
  affiliateMinDealPriceMinor: true,
  affiliateMaxDealUnits: true,
  shop: { select: { id: true, name: true } },
  images: { select: { storageKey: true }, orderBy: { position: 'asc' as const }, take: 1 },
} as const;

export type ShowableRow = Prisma.ListingGetPayload<{ select: typeof showableView }>;

export class PinRepository {
  constructor(private readonly prisma: PrismaClient) {}

  current(streamId: string) {
    return this.prisma.streamPin.findMany({ where: { streamId, unpinnedAt: null }, select: pinView, orderBy: { pinnedAt: 'asc' } });
  }

  /** Live streams where the listing is pinned now (their viewers see its price and stock). */
  async liveStreamsPinning(listingId: string): Promise<string[]> {
    const rows = await this.prisma.streamPin.findMany({
      where: { listingId, unpinnedAt: null, stream: { status: 'live' } },
      select: { streamId: true },
      distinct: ['streamId'],
    });
    return rows.map((r) => r.streamId);
  }

  /**
   * Listings among `ids` a creator may show: their own active ones, active
   * ones offered to creators, and (in a sponsored show) the sponsor's.
   */
  pinnable(creatorId: string, ids: string[], streamId?: string) {
    return this.prisma.listing.findMany({
      where: {
        id: { in: ids },
        status: 'active',
        OR: [
          { shop: { ownerId: creatorId } },
          { affiliateRateBps: { not: null } },
          ...(streamId
            ? [{ shop: { owner: { sponsorships: { some: { status: 'accepted' as const, streams: { some: { streamId } } } } } } }]
            : []),
        ],
      },
      select: { id: true },
    });
  }

  /**
   * What a creator may show in a stream, each group newest first and capped at
   * `perGroup`: their own active listings, the sponsor's (when an accepted
   * sponsorship covers this stream; at its commission), and listings offered
   * to creators by other shops.
   */
  async showable(creatorId: string, streamId: string, perGroup: number) {
    const sponsorship = await this.prisma.sponsorship.findFirst({
      where: { creatorId, status: 'accepted', streams: { some: { streamId } } },
      select: { brandId: true, commissionBps: true },
    });
    const pick = (where: Prisma.ListingWhereInput) =>
      this.prisma.listing.findMany({
        where: { status: 'active', ...where },
        select: showableView,
        orderBy: { createdAt: 'desc' },
        take: perGroup,
      });
    const [own, sponsor, affiliate] = await Promise.all([
      pick({ shop: { ownerId: creatorId } }),
      sponsorship ? pick({ shop: { ownerId: sponsorship.brandId } }) : [],
      pick({
        affiliateRateBps: { not: null },
        shop: { ownerId: { notIn: [creatorId, ...(sponsorship ? [sponsorship.brandId] : [])] } },
      }),
    ]);
    return { own, sponsor, affiliate, sponsorCommissionBps: sponsorship?.commissionBps ?? 0 };
  }

  /** Listings among `ids` that belong to a shop of `ownerId` and are active. */
  ownedActive(ownerId: string, ids: string[]) {
    return this.prisma.listing.findMany({ where: { id: { in: ids }, status: 'active', shop: { ownerId } }, select: { id: true } });
  }

  /**
   * Replaces the pinned set: pins not in `listingIds` are closed (kept for the
   * replay's product timeline), new ones are opened at `offsetMs`.
   */
  async replace(streamId: string, listingIds: string[], offsetMs: number): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const now = new Date();
      await tx.streamPin.updateMany({ where: { streamId, unpinnedAt: null, listingId: { notIn: listingIds } }, data: { unpinnedAt: now } });
      const open = await tx.streamPin.findMany({ where: { streamId, unpinnedAt: null }, select: { listingId: true } });
      const fresh = listingIds.filter((id) => !open.some((p) => p.listingId === id));
      if (fresh.length > 0)
        await tx.streamPin.createMany({ data: fresh.map((listingId) => ({ streamId, listingId, pinnedAt: now, offsetMs })) });
    });
  }
}
