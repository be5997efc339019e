import type { PrismaClient } from '../generated/prisma/client.js';

export type ListingPageQuery = {
  limit: number;
  /** Keyset cursor: rows strictly older than this (createdAt, id). */
  after?: { createdAt: Date; id: string };
  shopId?: string;
  category?: string;
};

export class ListingRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Newest active listings first; fetches limit + 1 rows so callers know if more exist. */
  page(q: ListingPageQuery) {
    return this.prisma.listing.findMany({
      where: {
        status: 'active',
        ...(q.shopId ? { shopId: q.shopId } : {}),
        ...(q.category ? { category: q.category } : {}),
        ...(q.after
          ? {
              OR: [{ createdAt: { lt: q.after.createdAt } }, { createdAt: q.after.createdAt, id: { lt: q.after.id } }],
            }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      select: {
        id: true,
        title: true,
        priceMinor: true,
        currency: true,
        stock: true,
        category: true,
        createdAt: true,
        shop: { select: { id: true, name: true } },
        images: { select: { storageKey: true }, orderBy: { position: 'asc' }, take: 1 },
      },
    });
  }
}
