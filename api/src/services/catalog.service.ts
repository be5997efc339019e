import type { ListingSummary, ListingsPage, CurrencyCode } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { ListingRepository } from '../repositories/listing.repository.js';

type Cursor = { createdAt: Date; id: string };

export class CatalogService {
  constructor(
    private readonly listings: ListingRepository,
    private readonly imageUrl: (storageKey: string) => string,
  ) {}

  async browse(q: {
    limit: number;
    cursor?: string | undefined;
    shopId?: string | undefined;
    category?: string | undefined;
  }): Promise<ListingsPage> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.listings.page({
      limit: q.limit,
      ...(after ? { after } : {}),
      ...(q.shopId ? { shopId: q.shopId } : {}),
      ...(q.category ? { category: q.category } : {}),
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const data: ListingSummary[] = page.map((r) => ({
      id: r.id,
      title: r.title,
      priceMinor: r.priceMinor,
      currency: r.currency as CurrencyCode,
      stock: r.stock,
      category: r.category,
      imageUrl: r.images[0] ? this.imageUrl(r.images[0].storageKey) : null,
      shop: r.shop,
    }));
    return { data, nextCursor: rows.length > q.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
  }
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  const [iso, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime()))
    throw AppError.badRequest('invalid_cursor', 'The pagination cursor is not valid.', 'cursor');
  return { createdAt, id };
}
