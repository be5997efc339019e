import type { PrismaClient } from '../generated/prisma/client.js';

export type ListingSearch = {
  q?: string | undefined;
  shopId?: string | undefined;
  category?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  sort: 'relevance' | 'newest' | 'price_asc' | 'price_desc';
  limit: number;
  offset: number;
  affiliate?: boolean | undefined;
};

export type ListingRow = {
  id: string;
  title: string;
  priceMinor: number;
  currency: string;
  stock: number;
  category: string;
  shopId: string;
  shopName: string;
  imageKey: string | null;
};

// Must match the expression of the GIN index "listings_search_idx" (migration 20261122090000).
const DOCUMENT = `(setweight(to_tsvector('simple', coalesce(l.title, '')), 'A') || setweight(to_tsvector('simple', coalesce(l.description, '')), 'B'))`;

const orderBy: Record<ListingSearch['sort'], string> = {
  relevance: 'rank DESC, l."createdAt" DESC, l.id DESC',
  newest: 'l."createdAt" DESC, l.id DESC',
  price_asc: 'l."priceMinor" ASC, l.id ASC',
  price_desc: 'l."priceMinor" DESC, l.id DESC',
};

export class ListingRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Full-text search with filters; fetches limit + 1 rows so callers know if more exist. */
  search(s: ListingSearch): Promise<ListingRow[]> {
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`l.status = 'active'`];
    let rank = '0::real';
    if (s.q) {
      const query = `websearch_to_tsquery('simple', ${p(s.q)})`;
      where.push(`${DOCUMENT} @@ ${query}`);
      rank = `ts_rank_cd(${DOCUMENT}, ${query})`;
    }
    if (s.shopId) where.push(`l."shopId" = ${p(s.shopId)}::uuid`);
    if (s.category) where.push(`l.category = ${p(s.category)}`);
    if (s.minPrice !== undefined) where.push(`l."priceMinor" >= ${p(s.minPrice)}`);
    if (s.maxPrice !== undefined) where.push(`l."priceMinor" <= ${p(s.maxPrice)}`);
    if (s.affiliate) where.push(`l."affiliateRateBps" IS NOT NULL`);
    return this.prisma.$queryRawUnsafe<ListingRow[]>(
      `SELECT l.id::text, l.title, l."priceMinor", l.currency, l.stock, l.category, l."shopId"::text AS "shopId", s.name AS "shopName",
              (SELECT i."storageKey" FROM listing_images i WHERE i."listingId" = l.id ORDER BY i.position LIMIT 1) AS "imageKey",
              ${rank} AS rank
         FROM listings l JOIN shops s ON s.id = l."shopId"
        WHERE ${where.join(' AND ')}
        ORDER BY ${orderBy[s.sort]}
        LIMIT ${p(s.limit + 1)} OFFSET ${p(s.offset)}`,
      ...params,
    );
  }

  find(id: string) {
    return this.prisma.listing.findUnique({
      where: { id },
      select: {
        id: true,
        title: true,
        description: true,
        priceMinor: true,
        currency: true,
        stock: true,
        category: true,
        status: true,
        affiliateRateBps: true,
        affiliateMinDealPriceMinor: true,
        affiliateMaxDealUnits: true,
        shop: { select: { id: true, name: true, ownerId: true } },
        images: { select: { id: true, storageKey: true }, orderBy: { position: 'asc' } },
      },
    });
  }

  ratingOf(listingId: string) {
    return this.prisma.review.aggregate({ where: { listingId }, _avg: { rating: true }, _count: true });
  }

  create(data: {
    shopId: string;
    title: string;
    description: string;
    priceMinor: number;
    currency: string;
    stock: number;
    category: string;
    affiliateRateBps?: number | null;
    affiliateMinDealPriceMinor?: number | null;
    affiliateMaxDealUnits?: number | null;
  }) {
    return this.prisma.listing.create({ data, select: { id: true } });
  }

  /** Updates only if the listing belongs to a shop owned by `ownerId`; false otherwise. */
  async update(
    id: string,
    ownerId: string,
    data: Partial<{
      title: string;
      description: string;
      priceMinor: number;
      currency: string;
      stock: number;
      category: string;
      status: 'draft' | 'active' | 'archived';
      affiliateRateBps: number | null;
      affiliateMinDealPriceMinor: number | null;
      affiliateMaxDealUnits: number | null;
    }>,
  ) {
    const { count } = await this.prisma.listing.updateMany({ where: { id, shop: { ownerId } }, data });
    return count === 1;
  }

  /**
   * Adds an image unless the listing already has `perListing` images or the
   * owner's images would pass `bytesPerUser`. Both counts are taken under a
   * per-owner lock, so concurrent uploads cannot slip past either limit.
   */
  addImageWithinLimits(
    data: { listingId: string; storageKey: string; contentType: string; bytes: number },
    limits: { ownerId: string; perListing: number; bytesPerUser: number },
  ): Promise<{ ok: true; image: { id: string; storageKey: string } } | { ok: false; reason: 'too_many_images' | 'quota' }> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`images:${limits.ownerId}`}, 0))`;
      const position = await tx.listingImage.count({ where: { listingId: data.listingId } });
      if (position >= limits.perListing) return { ok: false as const, reason: 'too_many_images' as const };
      const used = await tx.listingImage.aggregate({ where: { listing: { shop: { ownerId: limits.ownerId } } }, _sum: { bytes: true } });
      if ((used._sum.bytes ?? 0) + data.bytes > limits.bytesPerUser) return { ok: false as const, reason: 'quota' as const };
      const image = await tx.listingImage.create({ data: { ...data, position }, select: { id: true, storageKey: true } });
      return { ok: true as const, image };
    });
  }

  findImageByKey(storageKey: string) {
    return this.prisma.listingImage.findFirst({ where: { storageKey }, select: { contentType: true } });
  }
}
