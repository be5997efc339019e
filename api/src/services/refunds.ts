import type { SettlementRepository } from '../repositories/settlement.repository.js';
import type { PaymentProvider } from './payments/provider.js';

/**
 * Refunds reach the payment provider, against the original charge, with the
 * refund's own idempotency key. A refund is booked in two steps: reserved in
 * the refunds clearing account when it is decided (cancel, dispute), paid out
 * to the buyer's card only when the provider accepts it. A refusal (or no
 * answer) leaves it pending, and the scheduler sends it again.
 */
export class Refunds {
  constructor(
    private readonly settlement: SettlementRepository,
    private readonly payments: PaymentProvider,
  ) {}

  /** True when the provider accepted (now or before). */
  async send(refundId: string): Promise<boolean> {
    const r = await this.settlement.refundFacts(refundId);
    if (r.status === 'succeeded') return true;
    const charge = r.order.checkout?.payments[0]?.providerRef;
    const result = charge
      ? await this.payments
          .refund({ providerRef: charge, amountMinor: r.amountMinor, currency: r.currency, idempotencyKey: r.idempotencyKey })
          .then(
            (ok) => ok,
            () => null,
          )
      : null;
    if (!result) {
      await this.settlement.failRefund(refundId);
      return false;
    }
    await this.settlement.finishRefund(refundId, result.providerRef);
    return true;
  }

  /** Scheduler hook: refunds the provider has not accepted yet are sent again. */
  async retry(): Promise<void> {
    for (const { id } of await this.settlement.unfinishedRefunds(50)) await this.send(id);
  }
}
