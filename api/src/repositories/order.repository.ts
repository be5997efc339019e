import type { PrismaClient } from '../generated/prisma/client.js';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.js';
import { accounts } from '../domain/ledger-accounts.js';
import type { LedgerRepository } from './ledger.repository.js';
import type { SqlDatabase, SqlStatement } from './db/sql.js';

export type ReserveItem = { listingId: string; quantity: number; dealId?: string | undefined };
export type ReserveResult =
  | { ok: true; checkoutId: string; paymentId: string; totalMinor: number; currency: string; orderIds: string[] }
  | {
      ok: false;
      reason: 'out_of_stock' | 'not_found' | 'own_listing' | 'mixed_currency' | 'deal_over' | 'buyer_limit';
      listingId?: string;
    };

type TakenLine = { shopId: string; ownerId: string; priceMinor: number; currency: string; title: string };

// Prisma writes timestamps as UTC into `timestamp(3)` columns and sets @updatedAt itself; raw SQL must do both.
const UTC_NOW = `(now() AT TIME ZONE 'UTC')`;
const CAPTURE_PAYMENT: SqlStatement = {
  name: 'capture_payment_v1',
  text: `UPDATE payments SET status = 'succeeded', "providerRef" = $2, "updatedAt" = ${UTC_NOW}
          WHERE id = $1::uuid RETURNING "payerId"::text AS "payerId", "checkoutId"::text AS "checkoutId"`,
};
const MARK_ORDERS_PAID: SqlStatement = {
  name: 'capture_orders_paid_v1',
  text: `UPDATE orders SET status = 'paid', "paidAt" = ${UTC_NOW}, "updatedAt" = ${UTC_NOW}
          WHERE "checkoutId" = $1::uuid AND status = 'pending_payment'
      RETURNING id::text AS id, "totalMinor", currency`,
};
const INSERT_ESCROW_HOLD: SqlStatement = {
  name: 'capture_escrow_hold_v1',
  text: `INSERT INTO escrow_holds (id, "orderId", "accountId", "amountMinor", currency)
         VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3, $4)`,
};

class Rollback extends Error {
  constructor(readonly result: ReserveResult & { ok: false }) {
    super(result.reason);
  }
}

const orderView = {
  id: true,
  status: true,
  buyerId: true,
  subtotalMinor: true,
  totalMinor: true,
  currency: true,
  createdAt: true,
  paidAt: true,
  autoReleaseAt: true,
  shop: { select: { id: true, name: true, ownerId: true } },
  items: { select: { id: true, listingId: true, title: true, unitPriceMinor: true, quantity: true, review: { select: { id: true } } } },
  escrow: { select: { status: true, amountMinor: true, refundedMinor: true, releasedMinor: true } },
  shipment: { select: { carrier: true, tracking: true, shippedAt: true } },
} as const;

/**
 * Orders, stock and escrow. Each method is one database transaction that
 * changes state and books the matching ledger transfer together, so money
 * and order state can never disagree.
 */
export class OrderRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ledger: LedgerRepository,
    private readonly sql: SqlDatabase,
  ) {}

  /**
   * Takes stock with conditional UPDATEs (never below zero, whatever the
   * concurrency), and creates one pending order per shop plus the payment.
   */
  async reserve(input: {
    buyerId: string;
    items: ReserveItem[];
    provider: string;
    idempotencyKey: string;
    streamId?: string | null;
    streamOffsetMs?: number | null;
  }): Promise<ReserveResult> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const taken: (ReserveItem & TakenLine)[] = [];
        // Sorted, so concurrent checkouts lock listing rows in the same order (no deadlocks).
        for (const item of [...input.items].sort((a, b) => (a.listingId < b.listingId ? -1 : 1))) {
          const row = item.dealId
            ? await this.takeFromDeal(tx, item.dealId, item.quantity, input.buyerId)
            : await this.takeFromListing(tx, item, input.buyerId);
          if (!row.ok)
            throw new Rollback(
              row.reason === 'check'
                ? await this.whyNot(tx, item.listingId, input.buyerId)
                : { ok: false, reason: row.reason, listingId: item.listingId },
            );
          taken.push({ ...item, ...row.line });
        }
        const currency = taken[0]!.currency;
        if (taken.some((t) => t.currency !== currency)) throw new Rollback({ ok: false, reason: 'mixed_currency' });
        const byShop = new Map<string, typeof taken>();
        for (const t of taken) byShop.set(t.shopId, [...(byShop.get(t.shopId) ?? []), t]);
        const totalMinor = taken.reduce((s, t) => s + t.priceMinor * t.quantity, 0);
        const checkout = await tx.checkout.create({ data: { buyerId: input.buyerId, totalMinor, currency }, select: { id: true } });
        const orderIds: string[] = [];
        for (const [shopId, lines] of byShop) {
          const subtotal = lines.reduce((s, t) => s + t.priceMinor * t.quantity, 0);
          const order = await tx.order.create({
            data: {
              buyerId: input.buyerId,
              shopId,
              checkoutId: checkout.id,
              subtotalMinor: subtotal,
              totalMinor: subtotal,
              currency,
              streamId: input.streamId ?? null,
              streamOffsetMs: input.streamOffsetMs ?? null,
              flashDealId: lines.find((t) => t.dealId)?.dealId ?? null,
              items: {
                create: lines.map((t) => ({
                  listingId: t.listingId,
                  flashDealId: t.dealId ?? null,
                  title: t.title,
                  unitPriceMinor: t.priceMinor,
                  quantity: t.quantity,
                })),
              },
            },
            select: { id: true },
          });
          orderIds.push(order.id);
        }
        const payment = await tx.payment.create({
          data: {
            payerId: input.buyerId,
            checkoutId: checkout.id,
            provider: input.provider,
            amountMinor: totalMinor,
            currency,
            idempotencyKey: input.idempotencyKey,
          },
          select: { id: true },
        });
        return { ok: true as const, checkoutId: checkout.id, paymentId: payment.id, totalMinor, currency, orderIds };
      });
    } catch (err) {
      if (err instanceof Rollback) return err.result;
      throw err;
    }
  }

  /** Conditional UPDATE on the listing: never below zero, whatever the concurrency. */
  private async takeFromListing(
    tx: TransactionClient,
    item: ReserveItem,
    buyerId: string,
  ): Promise<{ ok: true; line: TakenLine } | { ok: false; reason: 'check' }> {
    const rows = await tx.$queryRaw<TakenLine[]>`
      UPDATE listings l SET stock = l.stock - ${item.quantity}, "updatedAt" = now()
        FROM shops s
       WHERE l.id = ${item.listingId}::uuid AND s.id = l."shopId" AND l.status = 'active'
         AND l.stock >= ${item.quantity} AND s."ownerId" <> ${buyerId}::uuid
      RETURNING l."shopId"::text AS "shopId", s."ownerId"::text AS "ownerId", l."priceMinor", l.currency, l.title`;
    return rows[0] ? { ok: true, line: rows[0] } : { ok: false, reason: 'check' };
  }

  /**
   * A flash deal's units were moved out of the listing at launch, so a deal
   * purchase takes from the deal's own counter (conditional UPDATE, inside the
   * deal's window plus grace) and holds the buyer's limit under a per-buyer,
   * per-deal advisory lock.
   */
  private async takeFromDeal(
    tx: TransactionClient,
    dealId: string,
    quantity: number,
    buyerId: string,
  ): Promise<{ ok: true; line: TakenLine } | { ok: false; reason: 'deal_over' | 'buyer_limit' | 'own_listing' }> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${dealId}:${buyerId}`}, 0))`;
    const deal = await tx.flashDeal.findUnique({
      where: { id: dealId },
      select: { perBuyerLimit: true, listing: { select: { shop: { select: { ownerId: true } } } } },
    });
    if (!deal) return { ok: false, reason: 'deal_over' };
    if (deal.listing.shop.ownerId === buyerId) return { ok: false, reason: 'own_listing' };
    const bought = await tx.orderItem.aggregate({
      where: { flashDealId: dealId, order: { buyerId, status: { not: 'cancelled' } } },
      _sum: { quantity: true },
    });
    if ((bought._sum.quantity ?? 0) + quantity > deal.perBuyerLimit) return { ok: false, reason: 'buyer_limit' };
    const rows = await tx.$queryRaw<TakenLine[]>`
      UPDATE flash_deals d SET "soldCount" = d."soldCount" + ${quantity}
        FROM listings l, shops s
       WHERE d.id = ${dealId}::uuid AND l.id = d."listingId" AND s.id = l."shopId" AND d.status = 'active'
         AND d."soldCount" + ${quantity} <= d.quantity
         AND now() <= d."endsAt" + d."graceMs" * interval '1 millisecond'
      RETURNING l."shopId"::text AS "shopId", s."ownerId"::text AS "ownerId", d."dealPriceMinor" AS "priceMinor", d.currency, l.title`;
    return rows[0] ? { ok: true, line: rows[0] } : { ok: false, reason: 'deal_over' };
  }

  private async whyNot(tx: TransactionClient, listingId: string, buyerId: string): Promise<ReserveResult & { ok: false }> {
    const listing = await tx.listing.findUnique({
      where: { id: listingId },
      select: { status: true, shop: { select: { ownerId: true } } },
    });
    if (!listing || listing.status !== 'active') return { ok: false, reason: 'not_found', listingId };
    if (listing.shop.ownerId === buyerId) return { ok: false, reason: 'own_listing', listingId };
    return { ok: false, reason: 'out_of_stock', listingId };
  }

  /**
   * Payment captured: orders paid, and each order's total moves from the
   * buyer's card into its own escrow account. Every purchase passes here, so it
   * runs on the lean SQL path (prepared statements, no Prisma round trips).
   */
  async capture(paymentId: string, providerRef: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      const [payment] = await tx.query<{ payerId: string; checkoutId: string }>(CAPTURE_PAYMENT, [paymentId, providerRef]);
      if (!payment) throw new Error(`payment ${paymentId} not found`);
      const orders = await tx.query<{ id: string; totalMinor: number; currency: string }>(MARK_ORDERS_PAID, [payment.checkoutId]);
      for (const o of orders) {
        const funding = accounts.buyerFunding(payment.payerId, o.currency);
        const escrow = accounts.escrow(o.id, o.currency);
        const ids = await this.ledger.ensureAccounts(tx, [funding, escrow]);
        await this.ledger.post(
          tx,
          {
            kind: 'payment_capture',
            orderId: o.id,
            paymentId,
            idempotencyKey: `capture:${o.id}`,
            entries: [
              { account: funding, amount: -BigInt(o.totalMinor) },
              { account: escrow, amount: BigInt(o.totalMinor) },
            ],
          },
          ids,
        );
        await tx.query(INSERT_ESCROW_HOLD, [o.id, ids.get(escrow.code)!, o.totalMinor, o.currency]);
      }
    });
  }

  /** Payment failed: orders cancelled and their stock returned. */
  async failPayment(paymentId: string, failureCode: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const payment = await tx.payment.update({
        where: { id: paymentId },
        data: { status: 'failed', failureCode },
        select: { checkoutId: true },
      });
      const orders = await tx.order.findMany({
        where: { checkoutId: payment.checkoutId!, status: 'pending_payment' },
        select: { id: true },
      });
      for (const o of orders) await this.cancelAndRestock(tx, o.id);
    });
  }

  /** Cancels and returns the units where they came from: the flash deal (while it runs) or the listing. */
  private async cancelAndRestock(tx: TransactionClient, orderId: string): Promise<void> {
    await tx.order.update({ where: { id: orderId }, data: { status: 'cancelled', cancelledAt: new Date() } });
    const items = await tx.orderItem.findMany({ where: { orderId }, select: { listingId: true, quantity: true, flashDealId: true } });
    for (const i of items) {
      const backToDeal = i.flashDealId
        ? (
            await tx.flashDeal.updateMany({
              where: { id: i.flashDealId, status: 'active' },
              data: { soldCount: { decrement: i.quantity } },
            })
          ).count === 1
        : false;
      if (!backToDeal) await tx.listing.update({ where: { id: i.listingId }, data: { stock: { increment: i.quantity } } });
    }
  }

  /** paid → shipped (seller only); starts the auto-release clock. Returns false if the order was not in `paid`. */
  async ship(orderId: string, sellerId: string, shipment: { carrier: string; tracking: string }, autoReleaseAt: Date): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.order.updateMany({
        where: { id: orderId, status: 'paid', shop: { ownerId: sellerId } },
        data: { status: 'shipped', shippedAt: new Date(), autoReleaseAt },
      });
      if (count === 0) return false;
      await tx.shipment.create({ data: { orderId, ...shipment } });
      return true;
    });
  }

  /** shipped → completed: escrow released to the seller's available balance. Returns false if not shipped (or not this buyer's). */
  async release(orderId: string, buyerId: string | null): Promise<boolean> {
    return this.prisma.$transaction((tx) => this.releaseIn(tx, orderId, buyerId));
  }

  private async releaseIn(tx: TransactionClient, orderId: string, buyerId: string | null): Promise<boolean> {
    const { count } = await tx.order.updateMany({
      where: { id: orderId, status: 'shipped', ...(buyerId ? { buyerId } : {}) },
      data: { status: 'completed', completedAt: new Date() },
    });
    if (count === 0) return false;
    const order = await tx.order.findUniqueOrThrow({
      where: { id: orderId },
      select: { currency: true, shop: { select: { ownerId: true } }, escrow: true },
    });
    const hold = order.escrow!;
    const amount = hold.amountMinor - hold.refundedMinor - hold.releasedMinor;
    if (amount > 0) {
      await this.ledger.post(tx, {
        kind: 'escrow_release',
        orderId,
        idempotencyKey: `release:${orderId}`,
        entries: [
          { account: accounts.escrow(orderId, order.currency), amount: -BigInt(amount) },
          { account: accounts.sellerAvailable(order.shop.ownerId, order.currency), amount: BigInt(amount) },
        ],
      });
    }
    await tx.escrowHold.update({
      where: { orderId },
      data: { status: 'released', releasedMinor: { increment: amount }, settledAt: new Date() },
    });
    return true;
  }

  /**
   * Releases escrow for shipped orders whose buyer did nothing in time. Safe
   * with several api nodes: rows are claimed with FOR UPDATE SKIP LOCKED, so
   * two schedulers never release the same order.
   */
  async releaseDue(now: Date, limit: number): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM orders WHERE status = 'shipped' AND "autoReleaseAt" <= ${now}
        ORDER BY "autoReleaseAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      const released: string[] = [];
      for (const { id } of due) if (await this.releaseIn(tx, id, null)) released.push(id);
      return released;
    });
  }

  /** paid (not shipped) → cancelled: escrow refunded to the buyer, stock returned. */
  async cancelPaid(orderId: string, actorId: string): Promise<{ amountMinor: number; currency: string } | null> {
    return this.prisma.$transaction(async (tx) => {
      const order = await tx.order.findFirst({
        where: { id: orderId, status: 'paid', OR: [{ buyerId: actorId }, { shop: { ownerId: actorId } }] },
        select: { buyerId: true, currency: true, escrow: true },
      });
      if (!order?.escrow) return null;
      const amount = order.escrow.amountMinor - order.escrow.refundedMinor - order.escrow.releasedMinor;
      await this.cancelAndRestock(tx, orderId);
      await this.ledger.post(tx, {
        kind: 'refund',
        orderId,
        idempotencyKey: `refund:cancel:${orderId}`,
        entries: [
          { account: accounts.escrow(orderId, order.currency), amount: -BigInt(amount) },
          { account: accounts.buyerFunding(order.buyerId, order.currency), amount: BigInt(amount) },
        ],
      });
      await tx.escrowHold.update({
        where: { orderId },
        data: { status: 'refunded', refundedMinor: { increment: amount }, settledAt: new Date() },
      });
      await tx.refund.create({
        data: {
          orderId,
          amountMinor: amount,
          currency: order.currency,
          reason: 'cancelled before shipping',
          status: 'succeeded',
          idempotencyKey: `refund:cancel:${orderId}`,
        },
      });
      return { amountMinor: amount, currency: order.currency };
    });
  }

  find(orderId: string) {
    return this.prisma.order.findUnique({ where: { id: orderId }, select: orderView });
  }

  findByIds(ids: string[]) {
    return this.prisma.order.findMany({ where: { id: { in: ids } }, select: orderView, orderBy: { createdAt: 'asc' } });
  }

  listForBuyer(buyerId: string) {
    return this.prisma.order.findMany({ where: { buyerId }, select: orderView, orderBy: { createdAt: 'desc' }, take: 100 });
  }

  listForSeller(sellerId: string) {
    return this.prisma.order.findMany({
      where: { shop: { ownerId: sellerId } },
      select: orderView,
      orderBy: { createdAt: 'desc' },
      take: 100,
    });
  }
}

export type OrderRow = NonNullable<Awaited<ReturnType<OrderRepository['find']>>>;
