import type { DisputeView, Wallet } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { PayoutSource, SettlementRepository } from '../repositories/settlement.repository.js';
import { InsufficientFundsError } from '../repositories/ledger.repository.js';
import type { Principal } from './auth.service.js';
import type { PaymentProvider } from './payments/provider.js';
import type { OrderNotices } from './order-notices.js';
import type { Refunds } from './refunds.js';

type DisputeRow = {
  id: string;
  orderId: string;
  status: DisputeView['status'];
  reason: string;
  sellerResponse: string | null;
  resolution: DisputeView['resolution'];
  refundMinor: number | null;
  createdAt: Date;
};

/** Disputes (buyer opens, seller responds, admin resolves) and seller payouts. */
export class SettlementService {
  constructor(
    private readonly settlement: SettlementRepository,
    private readonly payments: PaymentProvider,
    private readonly refunds: Refunds,
    private readonly notices: OrderNotices | null = null,
  ) {}

  async openDispute(principal: Principal | null, orderId: string, reason: string): Promise<DisputeView> {
    if (!principal) throw AppError.unauthenticated();
    const dispute = await this.settlement.openDispute(orderId, principal.userId, reason);
    if (!dispute)
      throw AppError.conflict('invalid_order_state', 'Only the buyer can dispute a paid or shipped order before it is released.');
    this.notices?.disputeOpened(orderId);
    return toView(dispute);
  }

  async respond(principal: Principal | null, disputeId: string, response: string): Promise<DisputeView> {
    const existing = await this.visibleDispute(principal, disputeId);
    if (existing.order.shop.ownerId !== principal!.userId) throw AppError.forbidden('Only the seller responds to a dispute.');
    const updated = await this.settlement.respond(disputeId, principal!.userId, response);
    if (!updated) throw AppError.conflict('invalid_dispute_state', 'This dispute is no longer open for a response.');
    return toView(updated);
  }

  async resolve(
    principal: Principal | null,
    disputeId: string,
    resolution: 'refund_full' | 'refund_partial' | 'release',
    refundMinor?: number,
  ): Promise<DisputeView> {
    if (!principal?.roles.includes('admin')) throw AppError.forbidden('Only an admin resolves disputes.');
    let resolved: Awaited<ReturnType<SettlementRepository['resolve']>>;
    try {
      resolved = await this.settlement.resolve(disputeId, principal.userId, resolution, refundMinor);
    } catch (err) {
      if (err instanceof RangeError) throw AppError.badRequest('refund_too_large', err.message, 'refundMinor');
      if (err instanceof InsufficientFundsError)
        throw AppError.conflict('seller_balance_insufficient', "The seller's available balance cannot cover its part of this refund.");
      throw err;
    }
    if (!resolved) throw AppError.conflict('invalid_dispute_state', 'This dispute is already resolved (or does not exist).');
    if (resolved.refundId) await this.refunds.send(resolved.refundId);
    this.notices?.disputeResolved(resolved.dispute.orderId);
    return toView(resolved.dispute);
  }

  async listDisputes(principal: Principal | null, status?: DisputeView['status']): Promise<{ data: DisputeView[] }> {
    if (!principal?.roles.includes('admin')) throw AppError.forbidden('Admins only.');
    return { data: (await this.settlement.listDisputes(status)).map(toView) };
  }

  async wallet(principal: Principal | null): Promise<Wallet> {
    if (!principal) throw AppError.unauthenticated();
    const w = await this.settlement.wallet(principal.userId);
    const currencies = new Set([...w.available.map((a) => a.currency), ...w.escrow.map((e) => e.currency)]);
    return {
      balances: [...currencies].sort().map((currency) => {
        const e = w.escrow.find((x) => x.currency === currency)?._sum;
        return {
          currency: currency as Wallet['balances'][number]['currency'],
          availableMinor: Number(w.available.find((a) => a.currency === currency)?.balance ?? 0n),
          inEscrowMinor: e ? (e.amountMinor ?? 0) - (e.refundedMinor ?? 0) - (e.releasedMinor ?? 0) : 0,
        };
      }),
      payouts: w.payouts.map((p) => ({
        ...p,
        currency: p.currency as Wallet['balances'][number]['currency'],
        createdAt: p.createdAt.toISOString(),
      })),
    };
  }

  /** Moves available money out through the provider; the ledger reserves it first so it can never be paid twice. */
  async payout(
    principal: Principal | null,
    amountMinor: number,
    currency: string,
    idempotencyKey: string,
    source: PayoutSource = 'seller',
  ): Promise<Wallet> {
    if (!principal) throw AppError.unauthenticated();
    if (source === 'seller' && !principal.roles.includes('seller')) throw AppError.forbidden('Only sellers have sales payouts.');
    if (source === 'creator' && !principal.roles.includes('creator')) throw AppError.forbidden('Only creators have earnings payouts.');
    const payoutId = await this.settlement.startPayout(principal.userId, amountMinor, currency, this.payments.name, idempotencyKey, source);
    if (!payoutId) throw AppError.conflict('insufficient_funds', 'The available balance is lower than the payout.', 'amountMinor');
    const result = await this.payments
      .payout({ sellerId: principal.userId, amountMinor, currency, idempotencyKey: `payout:${payoutId}` })
      .catch(() => ({ status: 'failed' as const }));
    await this.settlement.finishPayout(
      payoutId,
      result.status === 'paid' ? { status: 'paid', providerRef: result.providerRef } : { status: 'failed' },
    );
    this.notices?.payout(principal.userId, payoutId, amountMinor, currency, result.status === 'paid');
    return this.wallet(principal);
  }

  private async visibleDispute(principal: Principal | null, disputeId: string) {
    if (!principal) throw AppError.unauthenticated();
    const d = await this.settlement.findDispute(disputeId);
    const visible =
      d && (d.order.buyerId === principal.userId || d.order.shop.ownerId === principal.userId || principal.roles.includes('admin'));
    if (!d || !visible) throw AppError.notFound('Dispute');
    return d;
  }
}

function toView(d: DisputeRow): DisputeView {
  return { ...d, createdAt: d.createdAt.toISOString() };
}
