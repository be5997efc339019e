import type { PrismaClient } from '../generated/prisma/client.js';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.js';
import { accounts } from '../domain/ledger-accounts.js';
import type { LedgerRepository } from './ledger.repository.js';
import { SQL_UTC_NOW as UTC_NOW, type SqlDatabase, type SqlStatement } from './db/sql.js';
import { uuidv7 } from './db/uuid7.js';

// Prisma sets @updatedAt itself; statements on the lean path set it explicitly.
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
         VALUES ($5::uuid, $1::uuid, $2::uuid, $3, $4)`,
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
  ) {}

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
        await tx.query(INSERT_ESCROW_HOLD, [o.id, ids.get(escrow.code)!, o.totalMinor, o.currency, uuidv7()]);
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
