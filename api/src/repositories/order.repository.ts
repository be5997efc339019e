import type { PrismaClient } from '../generated/prisma/client.js';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.js';
import { accounts } from '../domain/ledger-accounts.js';
import { splitRelease, type CommissionLine } from '../domain/commission.js';
import { accountColumns, type LedgerRepository } from './ledger.repository.js';
import type { SqlDatabase, SqlStatement } from './db/sql.js';

// Prisma sets @updatedAt itself; statements on the lean path set it explicitly.
const CAPTURE: SqlStatement = {
  name: 'checkout_capture_v1',
  text: `SELECT checkout_capture($1::uuid, $2, $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::bigint[],
           $9, $10::uuid[], $11::text[], $12::text[]) AS captured`,
};

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
    /** The platform's fee on each release (basis points); 0: listings are free, ads pay. */
    private readonly platformFeeBps = 0,
  ) {}

  /**
   * Payment captured: orders paid, and each order's total moves from the
   * buyer's card into its own escrow account, held. Every purchase passes
   * here, so it is one statement (the `checkout_capture` function, see its
   * migration): this side names the accounts and the orders it reserved.
   */
  async capture(
    checkout: { paymentId: string; buyerId: string; currency: string; orderIds: string[] },
    providerRef: string,
  ): Promise<void> {
    const funding = accounts.buyerFunding(checkout.buyerId, checkout.currency);
    const escrows = checkout.orderIds.map((id) => accounts.escrow(id, checkout.currency));
    await this.sql.query(CAPTURE, [
      checkout.paymentId,
      providerRef,
      ...accountColumns([funding, ...escrows]),
      funding.code,
      checkout.orderIds,
      escrows.map((r) => r.code),
      // The capture's business key per order: booking it twice is impossible.
      checkout.orderIds.map((id) => `capture:${id}`),
    ]);
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
    await this.restock(tx, orderId);
  }

  private async restock(tx: TransactionClient, orderId: string): Promise<void> {
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
      // One conditional UPDATE (see cancelPaid): a cancel that committed first leaves it matching nothing.
      const shipped = await tx.$queryRaw<unknown[]>`
        UPDATE orders o SET status = 'shipped', "shippedAt" = ${new Date()}, "autoReleaseAt" = ${autoReleaseAt}, "updatedAt" = ${new Date()}
         WHERE o.id = ${orderId}::uuid AND o.status = 'paid'
           AND EXISTS (SELECT 1 FROM shops s WHERE s.id = o."shopId" AND s."ownerId" = ${sellerId}::uuid)
        RETURNING 1`;
      if (shipped.length === 0) return false;
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
    if (amount > 0) await this.postRelease(tx, orderId, order.currency, order.shop.ownerId, amount, `release:${orderId}`);
    await tx.escrowHold.update({
      where: { orderId },
      data: { status: 'released', releasedMinor: { increment: amount }, settledAt: new Date() },
    });
    return true;
  }

  /**
   * One transfer out of the order's escrow: the creator who sold it gets
   * their commission (pro rata when part was refunded first), the platform
   * its fee, the seller the rest (domain/commission.ts).
   */
  async postRelease(
    tx: TransactionClient,
    orderId: string,
    currency: string,
    sellerId: string,
    amount: number,
    key: string,
  ): Promise<void> {
    const split = splitRelease(amount, ...(await this.commissionLines(tx, orderId)), this.platformFeeBps);
    await this.ledger.post(tx, {
      kind: 'escrow_release',
      orderId,
      idempotencyKey: key,
      entries: [
        { account: accounts.escrow(orderId, currency), amount: -BigInt(amount) },
        ...(split.sellerMinor > 0 ? [{ account: accounts.sellerAvailable(sellerId, currency), amount: BigInt(split.sellerMinor) }] : []),
        ...(split.platformMinor > 0 ? [{ account: accounts.platformRevenue(currency), amount: BigInt(split.platformMinor) }] : []),
        ...[...split.creators].map(([creatorId, c]) => ({ account: accounts.creatorEarnings(creatorId, currency), amount: BigInt(c) })),
      ],
    });
  }

  /** The order's total and its lines as the commission split needs them. */
  async commissionLines(tx: TransactionClient, orderId: string): Promise<[number, CommissionLine[]]> {
    const order = await tx.order.findUniqueOrThrow({
      where: { id: orderId },
      select: { totalMinor: true, items: { select: { creatorId: true, commissionBps: true, unitPriceMinor: true, quantity: true } } },
    });
    return [
      order.totalMinor,
      order.items.map((i) => ({ creatorId: i.creatorId, commissionBps: i.commissionBps, lineTotalMinor: i.unitPriceMinor * i.quantity })),
    ];
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

  /**
   * paid (not shipped) → cancelled: escrow refunded to the buyer, stock returned.
   * The claim is one conditional UPDATE, which takes the row's lock: a ship or
   * a dispute that committed first leaves it matching nothing (PostgreSQL
   * re-checks the condition on the row as it is now), so a cancel can never
   * overwrite them; one that comes after waits for this transaction and then
   * finds the order cancelled. Returns the charge to refund, or null.
   */
  async cancelPaid(orderId: string, actorId: string): Promise<{ refundId: string } | null> {
    return this.prisma.$transaction(async (tx) => {
      const claimed = await tx.$queryRaw<{ buyerId: string; currency: string }[]>`
        UPDATE orders o SET status = 'cancelled', "cancelledAt" = ${new Date()}, "updatedAt" = ${new Date()}
         WHERE o.id = ${orderId}::uuid AND o.status = 'paid'
           AND (o."buyerId" = ${actorId}::uuid OR EXISTS (SELECT 1 FROM shops s WHERE s.id = o."shopId" AND s."ownerId" = ${actorId}::uuid))
        RETURNING o."buyerId"::text AS "buyerId", o.currency::text AS currency`;
      const order = claimed[0];
      if (!order) return null;
      const hold = await tx.escrowHold.findUniqueOrThrow({ where: { orderId } });
      const amount = hold.amountMinor - hold.refundedMinor - hold.releasedMinor;
      await this.restock(tx, orderId);
      // Reserved for the buyer; it reaches their card when the provider accepts the refund (services/refunds.ts).
      await this.ledger.post(tx, {
        kind: 'refund',
        orderId,
        idempotencyKey: `refund:cancel:${orderId}`,
        entries: [
          { account: accounts.escrow(orderId, order.currency), amount: -BigInt(amount) },
          { account: accounts.refundsClearing(order.currency), amount: BigInt(amount) },
        ],
      });
      await tx.escrowHold.update({
        where: { orderId },
        data: { status: 'refunded', refundedMinor: { increment: amount }, settledAt: new Date() },
      });
      const refund = await tx.refund.create({
        data: {
          orderId,
          amountMinor: amount,
          currency: order.currency,
          reason: 'cancelled before shipping',
          status: 'pending',
          idempotencyKey: `refund:cancel:${orderId}`,
        },
        select: { id: true },
      });
      return { refundId: refund.id };
    });
  }

  /** Who is told about an order, and how it is described to them. */
  async noticeFacts(orderId: string) {
    const o = await this.prisma.order.findUnique({
      where: { id: orderId },
      select: {
        id: true,
        buyerId: true,
        totalMinor: true,
        currency: true,
        shop: { select: { ownerId: true } },
        items: { select: { title: true }, take: 2 },
      },
    });
    if (!o) return null;
    const title = o.items.length > 1 ? `${o.items[0]!.title} and more` : (o.items[0]?.title ?? 'your order');
    return { id: o.id, buyerId: o.buyerId, sellerId: o.shop.ownerId, title, totalMinor: o.totalMinor, currency: o.currency };
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
