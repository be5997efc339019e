import { createHash } from 'node:crypto';
import type { ChargeResult, PaymentProvider, PayoutResult } from './provider.js';

/**
 * A simulated card processor, like a payment provider's test mode. Payment
 * methods name the outcome: `pm_card_visa` (and any other) succeeds,
 * `pm_card_chargeDeclined` is declined, `pm_card_insufficientFunds` lacks
 * funds, and `pm_card_refundRefused` is charged but refuses every refund (the
 * account was closed since), to exercise refunds the provider will not take. Results are deterministic per idempotency key, as a real provider's
 * idempotency would make them.
 */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';

  charge(input: { amountMinor: number; currency: string; paymentMethod: string; idempotencyKey: string }): Promise<ChargeResult> {
    if (input.paymentMethod === 'pm_card_chargeDeclined') {
      return Promise.resolve({ status: 'failed', code: 'card_declined', message: 'Your card was declined.' });
    }
    if (input.paymentMethod === 'pm_card_insufficientFunds') {
      return Promise.resolve({ status: 'failed', code: 'insufficient_funds', message: 'Your card has insufficient funds.' });
    }
    const closed = input.paymentMethod === 'pm_card_refundRefused' ? 'closed_' : '';
    return Promise.resolve({ status: 'succeeded', providerRef: `sb_ch_${closed}${ref(input.idempotencyKey)}` });
  }

  refund(input: { providerRef: string; idempotencyKey: string }): Promise<{ providerRef: string }> {
    if (!input.providerRef.startsWith('sb_ch_')) return Promise.reject(new Error('no such charge'));
    if (input.providerRef.startsWith('sb_ch_closed_')) return Promise.reject(new Error('the card account is closed'));
    return Promise.resolve({ providerRef: `sb_re_${ref(input.idempotencyKey)}` });
  }

  payout(input: { idempotencyKey: string }): Promise<PayoutResult> {
    return Promise.resolve({ status: 'paid', providerRef: `sb_po_${ref(input.idempotencyKey)}` });
  }
}

function ref(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}
