import type { PrismaClient } from '../generated/prisma/client.js';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.js';
import { accounts } from '../domain/ledger-accounts.js';
import { InsufficientFundsError, type LedgerRepository } from './ledger.repository.js';
import type { OrderRepository } from './order.repository.js';
import { splitClawback, splitRelease } from '../domain/commission.js';

/** How long after release a buyer may still dispute (and be refunded out of the seller's and creator's balances). */
export type PayoutSource = 'seller' | 'creator';

export const AFTER_RELEASE_WINDOW_MS = 30 * 86_400_000;

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
    private readonly orders: OrderRepository,
    private readonly platformFeeBps = 0,
  ) {}

  /**
   * The buyer disputes an order: paid or shipped (money still in escrow), or
   * completed within the last 30 days (a refund then comes back out of what
   * the seller and the creator were paid). Null if it cannot be disputed.
   */
  async openDispute(orderId: string, buyerId: string, reason: string) {
    return this.prisma.$transaction(async (tx) => {
      const recently = new Date(Date.now() - AFTER_RELEASE_WINDOW_MS);
      const { count } = await tx.order.updateMany({
        where: {
          id: orderId,
          buyerId,
          OR: [{ status: { in: ['paid', 'shipped'] } }, { status: 'completed', completedAt: { gte: recently } }],
        },
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
   * An admin settles the dispute. Before release, the buyer's refund leaves
   * escrow and the rest is released (commission split and all). After
   * release, the refund comes back from the seller's available balance and
   * the creator's earnings (clawed back pro rata) and the platform's fee. The
   * refund itself is reserved in the refunds clearing account until the
   * provider accepts it (finishRefund / failRefund). Null if already
   * resolved; RangeError when the refund exceeds what can be refunded;
   * InsufficientFundsError when the seller's balance cannot cover its part.
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
      const released = hold.status === 'released' || hold.status === 'partially_refunded' ? hold.releasedMinor : 0;
      const refundedAfter = await tx.refund.aggregate({ where: { orderId: order.id, afterRelease: true }, _sum: { amountMinor: true } });
      const refundable =
        released > 0 ? released - (refundedAfter._sum.amountMinor ?? 0) : hold.amountMinor - hold.refundedMinor - hold.releasedMinor;
      const refund = resolution === 'refund_full' ? refundable : resolution === 'release' ? 0 : (refundMinor ?? 0);
      if (refund > refundable) throw new RangeError(`refund ${refund} exceeds the ${refundable} that can be refunded`);
      const now = new Date();
      const key = `refund:dispute:${disputeId}`;
      if (released > 0) {
        if (refund > 0) await this.clawBack(tx, order, released, refund, key);
        await tx.order.update({ where: { id: order.id }, data: { status: refund === refundable ? 'refunded' : 'completed' } });
      } else {
        const toSeller = refundable - refund;
        if (refund > 0)
          await this.move(
            tx,
            'refund',
            order.id,
            key,
            accounts.escrow(order.id, order.currency),
            accounts.refundsClearing(order.currency),
            refund,
          );
        if (toSeller > 0)
          await this.orders.postRelease(tx, order.id, order.currency, order.shop.ownerId, toSeller, `release:dispute:${disputeId}`);
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
      }
      const refundRow =
        refund > 0
          ? await tx.refund.create({
              data: {
                orderId: order.id,
                disputeId,
                amountMinor: refund,
                currency: order.currency,
                reason: `dispute ${resolution}`,
                status: 'pending',
                idempotencyKey: key,
                afterRelease: released > 0,
              },
              select: { id: true },
            })
          : null;
      const resolved = await tx.dispute.update({
        where: { id: disputeId },
        data: { resolution, refundMinor: refund, resolvedById: adminId, resolvedAt: now },
        select: disputeView,
      });
      return { dispute: resolved, refundId: refundRow?.id ?? null };
    });
  }

  /** Takes a refund after release back from those who were paid, in proportion (domain/commission.ts). */
  private async clawBack(
    tx: TransactionClient,
    order: { id: string; currency: string; shop: { ownerId: string } },
    releasedMinor: number,
    refund: number,
    key: string,
  ): Promise<void> {
    const [total, lines] = await this.orders.commissionLines(tx, order.id);
    const back = splitClawback(refund, splitRelease(releasedMinor, total, lines, this.platformFeeBps), releasedMinor);
    await this.ledger.post(tx, {
      kind: 'commission_clawback',
      orderId: order.id,
      idempotencyKey: key,
      entries: [
        { account: accounts.refundsClearing(order.currency), amount: BigInt(refund) },
        ...(back.sellerMinor > 0
          ? [{ account: accounts.sellerAvailable(order.shop.ownerId, order.currency), amount: -BigInt(back.sellerMinor) }]
          : []),
        ...(back.platformMinor > 0 ? [{ account: accounts.platformRevenue(order.currency), amount: -BigInt(back.platformMinor) }] : []),
        ...[...back.creators].map(([creatorId, c]) => ({
          account: accounts.creatorEarnings(creatorId, order.currency),
          amount: -BigInt(c),
        })),
      ],
    });
  }

  /** The charge a refund goes back against, and the refund itself. */
  refundFacts(refundId: string) {
    return this.prisma.refund.findUniqueOrThrow({
      where: { id: refundId },
      select: {
        id: true,
        amountMinor: true,
        currency: true,
        idempotencyKey: true,
        status: true,
        order: {
          select: {
            id: true,
            buyerId: true,
            checkout: { select: { payments: { where: { status: 'succeeded' }, select: { providerRef: true } } } },
          },
        },
      },
    });
  }

  /** The provider accepted the refund: it leaves the clearing account for the buyer's card. */
  async finishRefund(refundId: string, providerRef: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const claimed = await tx.refund.updateMany({
        where: { id: refundId, status: { in: ['pending', 'failed'] } },
        data: { status: 'succeeded', providerRef },
      });
      if (claimed.count === 0) return;
      const r = await tx.refund.findUniqueOrThrow({
        where: { id: refundId },
        select: { amountMinor: true, currency: true, orderId: true, order: { select: { buyerId: true } } },
      });
      await this.move(
        tx,
        'refund',
        r.orderId,
        `refund:paid:${refundId}`,
        accounts.refundsClearing(r.currency),
        accounts.buyerFunding(r.order.buyerId, r.currency),
        r.amountMinor,
      );
    });
  }

  /** The provider refused (or did not answer): not done; the money waits in clearing and is tried again. */
  async failRefund(refundId: string): Promise<void> {
    await this.prisma.refund.updateMany({ where: { id: refundId, status: 'pending' }, data: { status: 'failed' } });
  }

  /** Refunds the provider has not accepted yet (for the retry job). */
  unfinishedRefunds(limit: number) {
    return this.prisma.refund.findMany({
      where: { status: { in: ['pending', 'failed'] }, createdAt: { lt: new Date(Date.now() - 60_000) } },
      select: { id: true },
      take: limit,
    });
  }

  /**
   * Reserves available money for a payout (null on insufficient funds): the
   * seller's sales, or a creator's earnings. Creator earnings have no floor
   * (clawbacks may take them below zero), so their balance is checked here
   * under the account's row lock.
   */
  async startPayout(
    userId: string,
    amountMinor: number,
    currency: string,
    provider: string,
    idempotencyKey: string,
    source: PayoutSource = 'seller',
  ) {
    const from = source === 'creator' ? accounts.creatorEarnings(userId, currency) : accounts.sellerAvailable(userId, currency);
    try {
      return await this.prisma.$transaction(async (tx) => {
        if (source === 'creator') {
          const [row] = await tx.$queryRaw<{ balance: bigint }[]>`SELECT balance FROM ledger_accounts WHERE code = ${from.code} FOR UPDATE`;
          if (!row || row.balance < BigInt(amountMinor)) throw new InsufficientFundsError([from.code]);
        }
        const payout = await tx.payout.create({
          data: { sellerId: userId, amountMinor, currency, provider, idempotencyKey, source },
          select: { id: true },
        });
        const transferId = await this.move(
          tx,
          'payout',
          null,
          `payout:${payout.id}`,
          from,
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
      // A failed payout returns the money to the balance it came from.
      if (outcome.status === 'failed') {
        const back =
          payout.source === 'creator'
            ? accounts.creatorEarnings(payout.sellerId, payout.currency)
            : accounts.sellerAvailable(payout.sellerId, payout.currency);
        await this.move(
          tx,
          'payout',
          null,
          `payout:reversal:${payoutId}`,
          accounts.payoutsClearing(payout.currency),
          back,
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
    kind: 'refund' | 'escrow_release' | 'payout' | 'sponsorship' | 'brand_topup',
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
