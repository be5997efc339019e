import { AppError } from '../errors.js';
import type { BrandRepository } from '../repositories/brand.repository.js';
import type { PaymentProvider } from './payments/provider.js';

/**
 * Adds money to a prepaid `brand_funding` balance from a card (brand
 * sponsorship money and ad money alike): the pending payment row first (its
 * key makes a repeat a 409), then the provider's charge, then the payment and
 * its ledger transfer booked together. A declined card is 402, nothing booked.
 */
export async function topUpFromCard(
  brands: BrandRepository,
  payments: PaymentProvider,
  t: { userId: string; amountMinor: number; currency: string; paymentMethod: string; key: string; description: string },
): Promise<void> {
  const payment = await brands.startTopUp(t.userId, t.amountMinor, t.currency, payments.name, t.key);
  if (!payment) throw AppError.conflict('idempotency_key_reused', 'This top-up was already made.');
  const charge = await payments
    .charge({
      amountMinor: t.amountMinor,
      currency: t.currency,
      paymentMethod: t.paymentMethod,
      idempotencyKey: `topup:${payment.id}`,
      description: t.description,
    })
    .catch(() => ({ status: 'failed' as const, code: 'processing_error' as const, message: 'The payment provider did not answer.' }));
  if (charge.status === 'failed') {
    await brands.failTopUp(payment.id, charge.code);
    throw new AppError(402, 'invalid_request_error', charge.code, charge.message, 'paymentMethod');
  }
  await brands.finishTopUp(payment.id, charge.providerRef);
}
