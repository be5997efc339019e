import type { PrismaClient } from '../generated/prisma/client.js';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.js';
import { accounts } from '../domain/ledger-accounts.js';
import { InsufficientFundsError, type LedgerRepository } from './ledger.repository.js';

const disputeView = {
  id: true,
  orderId: true,
  status: true,
  reason: true,
  sellerResponse: true,
  resolution: true,
  refundMinor: true,
  createdAt: true,
} as const;

/**
 * Disputes and payouts: the other ways money leaves escrow or the platform.
 * Every state change books its ledger transfer in the same transaction.
 */
export class SettlementRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ledger: LedgerRepository,
  ) {}

  /** paid|shipped → disputed, by the buyer, before escrow is released. Null if the order cannot be disputed. */
  async openDispute(orderId: string, buyerId: string, reason: string) {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.order.updateMany({
        where: { id: orderId, buyerId, status: { in: ['paid', 'shipped'] } },
        data: { status: 'disputed' },
      });
      if (count === 0) return null;
      const order = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { streamOffsetMs: true } });
      return tx.dispute.create({
        data: { orderId, openedById: buyerId, reason, streamOffsetMs: order.streamOffsetMs },
        select: disputeView,
      });
    });
  }

  findDispute(id: string) {
    return this.prisma.dispute.findUnique({
      where: { id },
      select: { ...disputeView, order: { select: { buyerId: true, shop: { select: { ownerId: true } } } } },
    });
  }

  listDisputes(status: 'open' | 'seller_responded' | 'resolved' | undefined) {
    return this.prisma.dispute.findMany({ where: status ? { status } : {}, select: disputeView, orderBy: { createdAt: 'asc' }, take: 200 });
  }

  async respond(disputeId: string, sellerId: string, response: string) {
    const { count } = await this.prisma.dispute.updateMany({
      where: { id: disputeId, status: 'open', order: { shop: { ownerId: sellerId } } },
      data: { status: 'seller_responded', sellerResponse: response, respondedAt: new Date() },
    });
    return count === 1 ? this.prisma.dispute.findUnique({ where: { id: disputeId }, select: disputeView }) : null;
  }

  /**
   * An admin settles the dispute: the buyer gets `refundMinor` back from
   * escrow and the seller receives the rest. Null if already resolved; throws
   * RangeError when the refund exceeds what escrow holds.
   */
  async resolve(disputeId: string, adminId: string, resolution: 'refund_full' | 'refund_partial' | 'release', refundMinor?: number) {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.dispute.updateMany({
        where: { id: disputeId, status: { in: ['open', 'seller_responded'] } },
        data: { status: 'resolved' },
      });
      if (count === 0) return null;
      const dispute = await tx.dispute.findUniqueOrThrow({ where: { id: disputeId }, select: { orderId: true } });
      const order = await tx.order.findUniqueOrThrow({
        where: { id: dispute.orderId },
        select: { id: true, buyerId: true, currency: true, shop: { select: { ownerId: true } }, escrow: true },
      });
      const hold = order.escrow!;
      const held = hold.amountMinor - hold.refundedMinor - hold.releasedMinor;
      const refund = resolution === 'refund_full' ? held : resolution === 'release' ? 0 : (refundMinor ?? 0);
      if (refund > held) throw new RangeError(`refund ${refund} exceeds the ${held} held in escrow`);
      const toSeller = held - refund;
      const escrow = accounts.escrow(order.id, order.currency);
      if (refund > 0)
        await this.move(
          tx,
          'refund',
          order.id,
          `refund:dispute:${disputeId}`,
          escrow,
          accounts.buyerFunding(order.buyerId, order.currency),
          refund,
        );
      if (toSeller > 0)
        await this.move(
          tx,
          'escrow_release',
          order.id,
          `release:dispute:${disputeId}`,
          escrow,
          accounts.sellerAvailable(order.shop.ownerId, order.currency),
          toSeller,
        );
      const now = new Date();
      await tx.escrowHold.update({
        where: { orderId: order.id },
        data: {
          refundedMinor: { increment: refund },
          releasedMinor: { increment: toSeller },
          status: refund === 0 ? 'released' : toSeller === 0 ? 'refunded' : 'partially_refunded',
          settledAt: now,
        },
      });
      await tx.order.update({ where: { id: order.id }, data: { status: toSeller === 0 ? 'refunded' : 'completed', completedAt: now } });
      if (refund > 0) {
        await tx.refund.create({
          data: {
            orderId: order.id,
            disputeId,
            amountMinor: refund,
            currency: order.currency,
            reason: `dispute ${resolution}`,
            status: 'succeeded',
            idempotencyKey: `refund:dispute:${disputeId}`,
          },
        });
      }
      return tx.dispute.update({
        where: { id: disputeId },
        data: { resolution, refundMinor: refund, resolvedById: adminId, resolvedAt: now },
        select: disputeView,
      });
    });
  }

  /** Reserves the seller's available money for a payout (fails on insufficient funds). */
  async startPayout(sellerId: string, amountMinor: number, currency: string, provider: string, idempotencyKey: string) {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const payout = await tx.payout.create({
          data: { sellerId, amountMinor, currency, provider, idempotencyKey },
          select: { id: true },
        });
        const transferId = await this.move(
          tx,
          'payout',
          null,
          `payout:${payout.id}`,
          accounts.sellerAvailable(sellerId, currency),
          accounts.payoutsClearing(currency),
          amountMinor,
        );
        await tx.payout.update({ where: { id: payout.id }, data: { transferId } });
        return payout.id;
      });
    } catch (err) {
      if (err instanceof InsufficientFundsError) return null;
      throw err;
    }
  }

  async finishPayout(payoutId: string, outcome: { status: 'paid'; providerRef: string } | { status: 'failed' }): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const payout = await tx.payout.update({
        where: { id: payoutId },
        data: { status: outcome.status, ...(outcome.status === 'paid' ? { providerRef: outcome.providerRef } : {}) },
      });
      // A failed payout returns the money to the seller's available balance.
      if (outcome.status === 'failed') {
        await this.move(
          tx,
          'payout',
          null,
          `payout:reversal:${payoutId}`,
          accounts.payoutsClearing(payout.currency),
          accounts.sellerAvailable(payout.sellerId, payout.currency),
          payout.amountMinor,
        );
      }
    });
  }

  async wallet(sellerId: string) {
    const [available, escrow, payouts] = await Promise.all([
      this.prisma.ledgerAccount.findMany({
        where: { ownerId: sellerId, kind: 'seller_available' },
        select: { currency: true, balance: true },
      }),
      this.prisma.escrowHold.groupBy({
        by: ['currency'],
        where: { order: { shop: { ownerId: sellerId }, status: { in: ['paid', 'shipped', 'disputed'] } } },
        _sum: { amountMinor: true, refundedMinor: true, releasedMinor: true },
      }),
      this.prisma.payout.findMany({
        where: { sellerId },
        orderBy: { createdAt: 'desc' },
        take: 50,
        select: { id: true, amountMinor: true, currency: true, status: true, createdAt: true },
      }),
    ]);
    return { available, escrow, payouts };
  }

  private move(
    tx: TransactionClient,
    kind: 'refund' | 'escrow_release' | 'payout',
    orderId: string | null,
    idempotencyKey: string,
    from: ReturnType<typeof accounts.escrow>,
    to: ReturnType<typeof accounts.escrow>,
    amount: number,
  ) {
    return this.ledger.post(tx, {
      kind,
      orderId,
      idempotencyKey,
      entries: [
        { account: from, amount: -BigInt(amount) },
        { account: to, amount: BigInt(amount) },
      ],
    });
  }
}
