import { SQL_UTC_NOW as UTC_NOW, type SqlDatabase, type SqlExecutor, type SqlStatement } from './db/sql.js';
import { uuidv7 } from './db/uuid7.js';

export type ReserveItem = { listingId: string; quantity: number; dealId?: string | undefined };
export type ReservedLine = { listingId: string; title: string; unitPriceMinor: number; quantity: number; orderId: string };
export type ReserveResult =
  | { ok: true; checkoutId: string; paymentId: string; totalMinor: number; currency: string; orderIds: string[]; lines: ReservedLine[] }
  | {
      ok: false;
      reason: 'out_of_stock' | 'not_found' | 'own_listing' | 'mixed_currency' | 'deal_over' | 'buyer_limit';
      listingId?: string;
    };

type TakenLine = { shopId: string; ownerId: string; priceMinor: number; currency: string; title: string };
type Refusal = ReserveResult & { ok: false };

class Rollback extends Error {
  constructor(readonly result: Refusal) {
    super(result.reason);
  }
}

// Prisma sets @updatedAt itself; statements on the lean path set it explicitly.

const sql = {
  listingFacts: {
    name: 'reserve_listing_facts_v1',
    text: `SELECT l."priceMinor", l.currency, l.title, l.status::text AS status, l."shopId"::text AS "shopId", s."ownerId"::text AS "ownerId"
             FROM listings l JOIN shops s ON s.id = l."shopId" WHERE l.id = $1::uuid`,
  },
  dealFacts: {
    name: 'reserve_deal_facts_v1',
    text: `SELECT d."dealPriceMinor" AS "priceMinor", d.currency, l.title, l."shopId"::text AS "shopId", s."ownerId"::text AS "ownerId", d."perBuyerLimit"
             FROM flash_deals d JOIN listings l ON l.id = d."listingId" JOIN shops s ON s.id = l."shopId" WHERE d.id = $1::uuid`,
  },
  lockBuyerInDeal: { name: 'reserve_deal_lock_v1', text: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))` },
  boughtInDeal: {
    name: 'reserve_deal_bought_v1',
    text: `SELECT coalesce(sum(i.quantity), 0)::int AS units FROM order_items i JOIN orders o ON o.id = i."orderId"
            WHERE i."flashDealId" = $1::uuid AND o."buyerId" = $2::uuid AND o.status <> 'cancelled'`,
  },
  takeFromListing: {
    name: 'reserve_take_listing_v2',
    text: `UPDATE listings SET stock = stock - $2, "updatedAt" = ${UTC_NOW} WHERE id = $1::uuid AND status = 'active' AND stock >= $2 RETURNING 1 AS taken`,
  },
  takeFromDeal: {
    name: 'reserve_take_deal_v2',
    text: `UPDATE flash_deals SET "soldCount" = "soldCount" + $2
            WHERE id = $1::uuid AND status = 'active' AND "soldCount" + $2 <= quantity
              AND ${UTC_NOW} <= "endsAt" + "graceMs" * interval '1 millisecond' RETURNING 1 AS taken`,
  },
  insertCheckout: {
    name: 'reserve_checkout_v1',
    text: `INSERT INTO checkouts (id, "buyerId", "totalMinor", currency) VALUES ($1::uuid, $2::uuid, $3, $4)`,
  },
  insertOrder: {
    name: 'reserve_order_v1',
    text: `INSERT INTO orders (id, "buyerId", "shopId", "checkoutId", "subtotalMinor", "totalMinor", currency, "streamId", "streamOffsetMs", "flashDealId", "updatedAt")
           VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $5, $6, $7::uuid, $8, $9::uuid, ${UTC_NOW})`,
  },
  insertItems: {
    name: 'reserve_items_v1',
    text: `INSERT INTO order_items (id, "orderId", "listingId", "flashDealId", title, "unitPriceMinor", quantity)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::int[])`,
  },
  insertPayment: {
    name: 'reserve_payment_v1',
    text: `INSERT INTO payments (id, "payerId", "checkoutId", provider, "amountMinor", currency, "idempotencyKey", "updatedAt")
           VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, ${UTC_NOW})`,
  },
} satisfies Record<string, SqlStatement>;

/**
 * The first step of the checkout saga: take stock and create the orders and
 * the payment, in one transaction on the lean SQL path (every purchase passes
 * here; in a flash-deal rush hundreds a second). Stock is taken with
 * conditional UPDATEs, so concurrent buyers can never take more than exists.
 */
export class CheckoutRepository {
  constructor(private readonly db: SqlDatabase) {}

  async reserve(input: {
    buyerId: string;
    items: ReserveItem[];
    provider: string;
    idempotencyKey: string;
    streamId?: string | null;
    streamOffsetMs?: number | null;
  }): Promise<ReserveResult> {
    try {
      return await this.db.transaction(async (tx) => {
        // Sorted, so concurrent checkouts lock rows in the same order (no deadlocks).
        const items = [...input.items].sort((x, y) => (x.listingId < y.listingId ? -1 : 1));
        const taken: (ReserveItem & TakenLine)[] = [];
        for (const item of items) taken.push({ ...item, ...(await lineFor(tx, item, input.buyerId)) });
        const currency = taken[0]!.currency;
        if (taken.some((t) => t.currency !== currency)) throw new Rollback({ ok: false, reason: 'mixed_currency' });
        const reserved = await this.#createOrders(tx, input, taken, currency);
        // Stock last: a popular listing's (or a flash deal's) row is locked from this UPDATE to the
        // COMMIT only, not for the whole transaction — that row is what every buyer queues on.
        for (const item of items) await take(tx, item);
        return reserved;
      });
    } catch (err) {
      if (err instanceof Rollback) return err.result;
      throw err;
    }
  }

  async #createOrders(
    tx: SqlExecutor,
    input: { buyerId: string; provider: string; idempotencyKey: string; streamId?: string | null; streamOffsetMs?: number | null },
    taken: (ReserveItem & TakenLine)[],
    currency: string,
  ): Promise<ReserveResult> {
    const byShop = new Map<string, typeof taken>();
    for (const t of taken) byShop.set(t.shopId, [...(byShop.get(t.shopId) ?? []), t]);
    const totalMinor = taken.reduce((s, t) => s + t.priceMinor * t.quantity, 0);
    const checkoutId = uuidv7();
    await tx.query(sql.insertCheckout, [checkoutId, input.buyerId, totalMinor, currency]);
    const orderIds: string[] = [];
    const lines: ReservedLine[] = [];
    for (const [shopId, shopLines] of byShop) {
      const orderId = uuidv7();
      const subtotal = shopLines.reduce((s, t) => s + t.priceMinor * t.quantity, 0);
      const dealId = shopLines.find((t) => t.dealId)?.dealId ?? null;
      await tx.query(sql.insertOrder, [
        orderId,
        input.buyerId,
        shopId,
        checkoutId,
        subtotal,
        currency,
        input.streamId ?? null,
        input.streamOffsetMs ?? null,
        dealId,
      ]);
      await tx.query(sql.insertItems, [
        shopLines.map(() => uuidv7()),
        shopLines.map(() => orderId),
        shopLines.map((t) => t.listingId),
        shopLines.map((t) => t.dealId ?? null),
        shopLines.map((t) => t.title),
        shopLines.map((t) => t.priceMinor),
        shopLines.map((t) => t.quantity),
      ]);
      orderIds.push(orderId);
      for (const t of shopLines)
        lines.push({ listingId: t.listingId, title: t.title, unitPriceMinor: t.priceMinor, quantity: t.quantity, orderId });
    }
    const paymentId = uuidv7();
    await tx.query(sql.insertPayment, [paymentId, input.buyerId, checkoutId, input.provider, totalMinor, currency, input.idempotencyKey]);
    return { ok: true, checkoutId, paymentId, totalMinor, currency, orderIds, lines };
  }
}

/** What the order line records (price, title, shop), and whether this buyer may buy it at all. */
async function lineFor(tx: SqlExecutor, item: ReserveItem, buyerId: string): Promise<TakenLine> {
  if (!item.dealId) {
    const [listing] = await tx.query<TakenLine & { status: string }>(sql.listingFacts, [item.listingId]);
    if (!listing || listing.status !== 'active') throw new Rollback({ ok: false, reason: 'not_found', listingId: item.listingId });
    if (listing.ownerId === buyerId) throw new Rollback({ ok: false, reason: 'own_listing', listingId: item.listingId });
    return listing;
  }
  // The buyer's limit is held under a per-buyer, per-deal advisory lock: two of their own purchases
  // cannot both pass the count below.
  await tx.query(sql.lockBuyerInDeal, [`${item.dealId}:${buyerId}`]);
  const [deal] = await tx.query<TakenLine & { perBuyerLimit: number }>(sql.dealFacts, [item.dealId]);
  if (!deal) throw new Rollback({ ok: false, reason: 'deal_over' });
  if (deal.ownerId === buyerId) throw new Rollback({ ok: false, reason: 'own_listing' });
  const [bought] = await tx.query<{ units: number }>(sql.boughtInDeal, [item.dealId, buyerId]);
  if ((bought?.units ?? 0) + item.quantity > deal.perBuyerLimit) throw new Rollback({ ok: false, reason: 'buyer_limit' });
  return deal;
}

/**
 * Conditional UPDATEs: a listing's stock never goes below zero, a flash deal
 * (whose units were moved out of the listing at launch) never sells more than
 * its quantity or outside its window plus grace — whatever the concurrency.
 */
async function take(tx: SqlExecutor, item: ReserveItem): Promise<void> {
  const rows = await tx.query<{ taken: number }>(item.dealId ? sql.takeFromDeal : sql.takeFromListing, [
    item.dealId ?? item.listingId,
    item.quantity,
  ]);
  if (rows.length > 0) return;
  throw new Rollback(item.dealId ? { ok: false, reason: 'deal_over' } : { ok: false, reason: 'out_of_stock', listingId: item.listingId });
}
