/**
 * A payment provider (card processor, wallet, payout rail). Every call carries
 * an idempotency key so a retry after a timeout never charges twice. The
 * built-in `sandbox` provider is the default; Stripe or Alipay plug in behind
 * the same interface.
 */
export type ChargeResult =
  | { status: 'succeeded'; providerRef: string }
  | { status: 'failed'; code: 'card_declined' | 'insufficient_funds' | 'processing_error'; message: string };

export type PayoutResult = { status: 'paid'; providerRef: string } | { status: 'failed'; code: string; message: string };

export interface PaymentProvider {
  readonly name: string;
  charge(input: {
    amountMinor: number;
    currency: string;
    paymentMethod: string;
    idempotencyKey: string;
    description: string;
  }): Promise<ChargeResult>;
  refund(input: { providerRef: string; amountMinor: number; currency: string; idempotencyKey: string }): Promise<{ providerRef: string }>;
  payout(input: { sellerId: string; amountMinor: number; currency: string; idempotencyKey: string }): Promise<PayoutResult>;
}
