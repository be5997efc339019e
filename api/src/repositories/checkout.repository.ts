import { MAX_INT32, type PriceQuote } from '@hawker/shared';
import { SQL_UTC_NOW as UTC_NOW, type SqlDatabase, type SqlExecutor, type SqlStatement } from './db/sql.js';
import { uuidv7 } from './db/uuid7.js';
import { MAX_COMMISSION_BPS } from '../domain/commission.js';

/** A line to buy: `unitPriceMinor` is the price the buyer was shown; any other price refuses the checkout. */
export type ReserveItem = { listingId: string; quantity: number; unitPriceMinor: number; dealId?: string | undefined };
export type ReservedLine = {
  listingId: string;
  title: string;
  unitPriceMinor: number;
  quantity: number;
  orderId: string;
  /** The stream the line counts for (attribution), if any. */
  streamId: string | null;
};
export type ReserveResult =
  | { ok: true; checkoutId: string; paymentId: string; totalMinor: number; currency: string; orderIds: string[]; lines: ReservedLine[] }
  | {
      ok: false;
      reason:
        | 'out_of_stock'
        | 'not_found'
        | 'own_listing'
        | 'mixed_currency'
        | 'deal_over'
        | 'buyer_limit'
        | 'price_changed'
        | 'amount_too_large'
        | 'stream_not_live'
        | 'not_pinned';
      listingId?: string;
      /** With price_changed: every line's current unit price. */
      prices?: PriceQuote[];
    };

type TakenLine = { shopId: string; ownerId: string; priceMinor: number; currency: string; title: string };
type Attribution = { streamId: string | null; creatorId: string | null; sponsorshipId: string | null; bps: number };
const NONE: Attribution = { streamId: null, creatorId: null, sponsorshipId: null, bps: 0 };
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
  // Reads the deal and takes the buyer's per-deal advisory lock (held to COMMIT) in one round trip:
  // a row comes back only once the lock is held, so the count that follows runs under it.
  lockedDealFacts: {
    name: 'reserve_deal_locked_facts_v2',
    text: `SELECT d."dealPriceMinor" AS "priceMinor", d.currency, l.title, l."shopId"::text AS "shopId", s."ownerId"::text AS "ownerId", d."perBuyerLimit",
                  d."streamId"::text AS "streamId", st.status::text AS "streamStatus"
             FROM (SELECT pg_advisory_xact_lock(hashtextextended($2, 0)) OFFSET 0) AS buyer_lock,
                  flash_deals d JOIN listings l ON l.id = d."listingId" JOIN shops s ON s.id = l."shopId" JOIN streams st ON st.id = d."streamId"
            WHERE d.id = $1::uuid`,
  },
  // A listing counts as bought in a stream only while that stream is live and the listing is pinned there.
  pinnedInStream: {
    name: 'reserve_pinned_in_stream_v1',
    text: `SELECT st.status::text AS status,
                  EXISTS (SELECT 1 FROM stream_pins p WHERE p."streamId" = st.id AND p."listingId" = $2::uuid AND p."unpinnedAt" IS NULL) AS pinned
             FROM streams st WHERE st.id = $1::uuid`,
  },
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
  // The checkout, its orders (one per shop), their items and the payment in one statement: the
  // foreign keys between them are checked at its end, when every row is there.
  // Which stream (if any) a line counts for, the creator it pays and at what rate. Bought in a room: that
  // stream. Otherwise the buyer's latest room, if they were there in the last 30 minutes and the listing
  // was shown there (pinned or featured). The rate: the sponsorship's when the listing's shop belongs to a
  // brand sponsoring that show, else the listing's affiliate rate; 0 for the creator's own listings.
  lineAttribution: {
    name: 'reserve_line_attribution_v1',
    text: `WITH target AS (
             SELECT coalesce($1::uuid, (SELECT v."streamId" FROM room_visits v
                                         WHERE v."userId" = $3::uuid AND v."lastSeenAt" >= ${UTC_NOW} - interval '30 minutes')) AS sid
           ), shown AS (
             SELECT t.sid FROM target t
              WHERE t.sid IS NOT NULL AND ($1::uuid IS NOT NULL
                 OR EXISTS (SELECT 1 FROM stream_pins p WHERE p."streamId" = t.sid AND p."listingId" = $2::uuid)
                 OR EXISTS (SELECT 1 FROM stream_features f WHERE f."streamId" = t.sid AND f."listingId" = $2::uuid))
           )
           SELECT st.id::text AS "streamId", st."creatorId"::text AS "creatorId", sp.id::text AS "sponsorshipId",
                  CASE WHEN s."ownerId" = st."creatorId" THEN 0 ELSE coalesce(sp."commissionBps", l."affiliateRateBps", 0) END AS bps
             FROM shown JOIN streams st ON st.id = shown.sid
             JOIN listings l ON l.id = $2::uuid JOIN shops s ON s.id = l."shopId"
             LEFT JOIN LATERAL (
               SELECT sp.id, sp."commissionBps" FROM sponsorships sp JOIN sponsorship_streams ss ON ss."sponsorshipId" = sp.id
                WHERE ss."streamId" = st.id AND sp."brandId" = s."ownerId" AND sp.status IN ('accepted', 'measured', 'released', 'disputed', 'resolved')
                ORDER BY sp."createdAt" LIMIT 1) sp ON true`,
  },
  insertCheckout: {
    name: 'reserve_insert_checkout_v3',
    text: `WITH checkout AS (
             INSERT INTO checkouts (id, "buyerId", "totalMinor", currency) VALUES ($1::uuid, $2::uuid, $3, $4)
           ), order_rows AS (
             INSERT INTO orders (id, "buyerId", "shopId", "checkoutId", "subtotalMinor", "totalMinor", currency, "streamId", "streamOffsetMs", "flashDealId", "updatedAt")
             SELECT o.id, $2::uuid, o.shop, $1::uuid, o.subtotal, o.subtotal, $4, $5::uuid, $6::int, o.deal, ${UTC_NOW}
               FROM unnest($7::uuid[], $8::uuid[], $9::int[], $10::uuid[]) AS o(id, shop, subtotal, deal)
           ), item_rows AS (
             INSERT INTO order_items (id, "orderId", "listingId", "flashDealId", title, "unitPriceMinor", quantity,
                                      "attributedStreamId", "creatorId", "commissionBps", "sponsorshipId")
             SELECT * FROM unnest($11::uuid[], $12::uuid[], $13::uuid[], $14::uuid[], $15::text[], $16::int[], $17::int[],
                                  $21::uuid[], $22::uuid[], $23::int[], $24::uuid[])
           )
           INSERT INTO payments (id, "payerId", "checkoutId", provider, "amountMinor", currency, "idempotencyKey", "updatedAt")
           VALUES ($18::uuid, $2::uuid, $1::uuid, $19, $3, $4, $20, ${UTC_NOW})`,
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
    /** The live stream whose room this was bought in (purchase:create only): checked here, recorded on the orders. */
    stream?: { id: string; offsetMs: number } | null;
  }): Promise<ReserveResult> {
    try {
      return await this.db.transaction(async (tx) => {
        // Sorted, so concurrent checkouts lock rows in the same order (no deadlocks).
        const items = [...input.items].sort((x, y) => (x.listingId < y.listingId ? -1 : 1));
        const taken: (ReserveItem & TakenLine & { attribution: Attribution })[] = [];
        for (const item of items) {
          const line = await lineFor(tx, item, input.buyerId, input.stream?.id ?? null);
          const [attribution] = await tx.query<Attribution>(sql.lineAttribution, [input.stream?.id ?? null, item.listingId, input.buyerId]);
          taken.push({ ...item, ...line, attribution: attribution ?? NONE });
        }
        const currency = taken[0]!.currency;
        if (taken.some((t) => t.currency !== currency)) throw new Rollback({ ok: false, reason: 'mixed_currency' });
        // The buyer is charged the price they saw, or nothing: any difference sends back every line's price now.
        if (taken.some((t) => t.priceMinor !== t.unitPriceMinor)) {
          const prices = taken.map((t) => ({
            listingId: t.listingId,
            unitPriceMinor: t.priceMinor,
            currency: t.currency as PriceQuote['currency'],
          }));
          throw new Rollback({ ok: false, reason: 'price_changed', prices });
        }
        // Totals are written to 32-bit columns: refuse what would not fit rather than fail on insert.
        if (taken.reduce((sum, t) => sum + t.priceMinor * t.quantity, 0) > MAX_INT32)
          throw new Rollback({ ok: false, reason: 'amount_too_large' });
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
    input: { buyerId: string; provider: string; idempotencyKey: string; stream?: { id: string; offsetMs: number } | null },
    taken: (ReserveItem & TakenLine & { attribution: Attribution })[],
    currency: string,
  ): Promise<ReserveResult> {
    const byShop = new Map<string, typeof taken>();
    for (const t of taken) byShop.set(t.shopId, [...(byShop.get(t.shopId) ?? []), t]);
    const totalMinor = taken.reduce((s, t) => s + t.priceMinor * t.quantity, 0);
    const checkoutId = uuidv7();
    const paymentId = uuidv7();
    const orders: { id: string; shopId: string; subtotal: number; dealId: string | null }[] = [];
    const items: (ReserveItem & TakenLine & { attribution: Attribution; orderId: string })[] = [];
    for (const [shopId, shopLines] of byShop) {
      const orderId = uuidv7();
      const subtotal = shopLines.reduce((s, t) => s + t.priceMinor * t.quantity, 0);
      orders.push({ id: orderId, shopId, subtotal, dealId: shopLines.find((t) => t.dealId)?.dealId ?? null });
      for (const t of shopLines) items.push({ ...t, orderId });
    }
    await tx.query(sql.insertCheckout, [
      checkoutId,
      input.buyerId,
      totalMinor,
      currency,
      input.stream?.id ?? null,
      input.stream?.offsetMs ?? null,
      orders.map((o) => o.id),
      orders.map((o) => o.shopId),
      orders.map((o) => o.subtotal),
      orders.map((o) => o.dealId),
      items.map(() => uuidv7()),
      items.map((t) => t.orderId),
      items.map((t) => t.listingId),
      items.map((t) => t.dealId ?? null),
      items.map((t) => t.title),
      items.map((t) => t.priceMinor),
      items.map((t) => t.quantity),
      paymentId,
      input.provider,
      input.idempotencyKey,
      items.map((t) => t.attribution.streamId),
      items.map((t) => t.attribution.creatorId),
      items.map((t) => Math.min(t.attribution.bps, MAX_COMMISSION_BPS)),
      items.map((t) => t.attribution.sponsorshipId),
    ]);
    const orderIds = orders.map((o) => o.id);
    const lines: ReservedLine[] = items.map((t) => ({
      listingId: t.listingId,
      title: t.title,
      unitPriceMinor: t.priceMinor,
      quantity: t.quantity,
      orderId: t.orderId,
      streamId: t.attribution.streamId,
    }));
    return { ok: true, checkoutId, paymentId, totalMinor, currency, orderIds, lines };
  }
}

/**
 * What the order line records (price, title, shop), whether this buyer may
 * buy it at all, and — when the purchase claims a stream — whether it really
 * was on sale in that live stream (its deal, or pinned there).
 */
async function lineFor(tx: SqlExecutor, item: ReserveItem, buyerId: string, streamId: string | null): Promise<TakenLine> {
  if (!item.dealId) {
    const [listing] = await tx.query<TakenLine & { status: string }>(sql.listingFacts, [item.listingId]);
    if (!listing || listing.status !== 'active') throw new Rollback({ ok: false, reason: 'not_found', listingId: item.listingId });
    if (listing.ownerId === buyerId) throw new Rollback({ ok: false, reason: 'own_listing', listingId: item.listingId });
    if (streamId) {
      const [where] = await tx.query<{ status: string; pinned: boolean }>(sql.pinnedInStream, [streamId, item.listingId]);
      if (where?.status !== 'live') throw new Rollback({ ok: false, reason: 'stream_not_live' });
      if (!where.pinned) throw new Rollback({ ok: false, reason: 'not_pinned', listingId: item.listingId });
    }
    return listing;
  }
  // The buyer's limit is held under a per-buyer, per-deal advisory lock: two of their own purchases
  // cannot both pass the count below.
  const [deal] = await tx.query<TakenLine & { perBuyerLimit: number; streamId: string; streamStatus: string }>(sql.lockedDealFacts, [
    item.dealId,
    `${item.dealId}:${buyerId}`,
  ]);
  if (!deal || (streamId !== null && deal.streamId !== streamId)) throw new Rollback({ ok: false, reason: 'deal_over' });
  if (deal.streamStatus !== 'live') throw new Rollback({ ok: false, reason: 'stream_not_live' });
  if (deal.ownerId === buyerId) throw new Rollback({ ok: false, reason: 'own_listing' });
  const [bought] = await tx.query<{ units: number }>(sql.boughtInDeal, [item.dealId, buyerId]);
  if ((bought?.units ?? 0) + item.quantity > deal.perBuyerLimit) throw new Rollback({ ok: false, reason: 'buyer_limit' });
  const { streamId: _stream, streamStatus: _status, ...line } = deal;
  return line;
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
