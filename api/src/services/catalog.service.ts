import type { CurrencyCode, ListingDetail, ListingsPage, ListingSummary, ShopDetail } from '@hawker/shared';
import { trustScore } from '../domain/trust.js';
import { AppError } from '../errors.js';
import type { ListingRepository, ListingRow } from '../repositories/listing.repository.js';
import type { ShopRepository } from '../repositories/shop.repository.js';
import type { Principal } from './auth.service.js';

export type BrowseQuery = {
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  shopId?: string | undefined;
  category?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  affiliate?: boolean | undefined;
  sort?: 'relevance' | 'newest' | 'price_asc' | 'price_desc' | undefined;
};

type ListingFields = {
  title?: string;
  description?: string;
  priceMinor?: number;
  currency?: string;
  stock?: number;
  category?: string;
  affiliateRateBps?: number | null;
  affiliateMinDealPriceMinor?: number | null;
  affiliateMaxDealUnits?: number | null;
};

/** Shops (free to open) and their listings: search, detail, create and edit by the owner only. */
export class CatalogService {
  constructor(
    private readonly listings: ListingRepository,
    private readonly shops: ShopRepository,
    readonly imageUrl: (storageKey: string) => string,
    /** Told after a listing changed, so live rooms that pin it show the change (pin:changed). */
    private readonly onListingChanged: (listingId: string) => Promise<void> = () => Promise.resolve(),
  ) {}

  async browse(q: BrowseQuery): Promise<ListingsPage> {
    const offset = q.cursor ? decodeOffset(q.cursor) : 0;
    const sort = q.sort ?? (q.q ? 'relevance' : 'newest');
    if (sort === 'relevance' && !q.q) throw AppError.badRequest('invalid_query', 'sort=relevance needs a search query q.', 'sort');
    const rows = await this.listings.search({
      q: q.q,
      shopId: q.shopId,
      category: q.category,
      minPrice: q.minPrice,
      maxPrice: q.maxPrice,
      affiliate: q.affiliate,
      sort,
      limit: q.limit,
      offset,
    });
    const page = rows.slice(0, q.limit);
    return { data: page.map((r) => this.summary(r)), nextCursor: rows.length > q.limit ? encodeOffset(offset + q.limit) : null };
  }

  async listing(id: string, principal: Principal | null): Promise<ListingDetail> {
    const row = await this.listings.find(id);
    // Drafts and archived listings are visible to their owner only.
    if (!row || (row.status !== 'active' && row.shop.ownerId !== principal?.userId)) throw AppError.notFound('Listing');
    const rating = await this.listings.ratingOf(id);
    return {
      id: row.id,
      title: row.title,
      description: row.description,
      priceMinor: row.priceMinor,
      currency: row.currency as CurrencyCode,
      stock: row.stock,
      category: row.category,
      status: row.status,
      affiliate:
        row.affiliateRateBps === null
          ? null
          : { rateBps: row.affiliateRateBps, minDealPriceMinor: row.affiliateMinDealPriceMinor, maxDealUnits: row.affiliateMaxDealUnits },
      shop: { id: row.shop.id, name: row.shop.name },
      imageUrl: row.images[0] ? this.imageUrl(row.images[0].storageKey) : null,
      images: row.images.map((i) => ({ id: i.id, url: this.imageUrl(i.storageKey) })),
      rating: { average: rating._avg.rating === null ? null : Math.round(rating._avg.rating * 100) / 100, count: rating._count },
    };
  }

  async createListing(
    principal: Principal | null,
    input: ListingFields & {
      shopId?: string | undefined;
      title: string;
      description: string;
      priceMinor: number;
      currency: string;
      stock: number;
      category: string;
    },
  ) {
    if (!principal) throw AppError.unauthenticated();
    const owned = await this.shops.ownedBy(principal.userId);
    const shopId = input.shopId ?? owned[0]?.id;
    if (!shopId) throw AppError.forbidden('Open a shop first (POST /api/shops).', 'shop_required');
    if (!owned.some((s) => s.id === shopId)) throw AppError.forbidden('You can only list in your own shop.');
    const { id } = await this.listings.create({
      shopId,
      title: input.title,
      description: input.description,
      priceMinor: input.priceMinor,
      currency: input.currency,
      stock: input.stock,
      category: input.category,
      affiliateRateBps: input.affiliateRateBps ?? null,
      affiliateMinDealPriceMinor: input.affiliateMinDealPriceMinor ?? null,
      affiliateMaxDealUnits: input.affiliateMaxDealUnits ?? null,
    });
    return this.listing(id, principal);
  }

  async updateListing(principal: Principal | null, id: string, changes: ListingFields & { status?: 'draft' | 'active' | 'archived' }) {
    if (!principal) throw AppError.unauthenticated();
    const existing = await this.listings.find(id);
    if (!existing) throw AppError.notFound('Listing');
    if (!(await this.listings.update(id, principal.userId, changes))) throw AppError.forbidden('Only the shop owner edits this listing.');
    await this.onListingChanged(id);
    return this.listing(id, principal);
  }

  async openShop(principal: Principal | null, name: string, description: string): Promise<ShopDetail> {
    if (!principal) throw AppError.unauthenticated();
    const slug = `${
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 50) || 'shop'
    }-${principal.userId.slice(-6)}`;
    const shop = await this.shops.open(principal.userId, name, slug, description);
    if (!shop) throw AppError.conflict('shop_exists', 'You already have a shop with this name.', 'name');
    return this.shop(shop.id, principal);
  }

  async shop(id: string, principal: Principal | null): Promise<ShopDetail> {
    const shop = await this.shops.find(id);
    if (!shop) throw AppError.notFound('Shop');
    const [following, inputs] = await Promise.all([
      principal ? this.shops.isFollowing(principal.userId, id) : false,
      this.shops.trustInputs(id),
    ]);
    return { ...shop, following, trust: trustScore(inputs) };
  }

  async follow(principal: Principal | null, shopId: string, on: boolean): Promise<ShopDetail> {
    if (!principal) throw AppError.unauthenticated();
    if (!(await this.shops.find(shopId))) throw AppError.notFound('Shop');
    if (on) await this.shops.follow(principal.userId, shopId);
    else await this.shops.unfollow(principal.userId, shopId);
    return this.shop(shopId, principal);
  }

  summary(r: ListingRow): ListingSummary {
    return {
      id: r.id,
      title: r.title,
      priceMinor: r.priceMinor,
      currency: r.currency as CurrencyCode,
      stock: r.stock,
      category: r.category,
      imageUrl: r.imageKey ? this.imageUrl(r.imageKey) : null,
      shop: { id: r.shopId, name: r.shopName },
    };
  }
}

function encodeOffset(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeOffset(raw: string): number {
  const m = /^o:(\d{1,6})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!m) throw AppError.badRequest('invalid_cursor', 'The pagination cursor is not valid.', 'cursor');
  return Number(m[1]);
}
