import { z } from 'zod';
import { idSchema } from './ids.js';
import { currencySchema, minorUnitsSchema, seenUnitPriceSchema, storedMinorSchema } from './money.js';

export const orderStatuses = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refunded', 'disputed'] as const;
export const orderStatusSchema = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** A line to buy, with the unit price the buyer was shown: if the price is no longer that, nothing is charged (409 price_changed). */
export const orderItemInputSchema = z
  .object({ listingId: idSchema, quantity: z.number().int().min(1).max(100), unitPriceMinor: seenUnitPriceSchema })
  .strict();

const orderItemsSchema = z
  .array(orderItemInputSchema)
  .min(1)
  .max(50)
  .refine((items) => new Set(items.map((i) => i.listingId)).size === items.length, 'each listing may appear once');

/**
 * Buy now: one order per shop, paid together. `paymentMethod` names a
 * provider's test or saved method. There is no stream field: which stream a
 * sale counts for is decided by the server (purchase:create in the room).
 */
export const createOrderBodySchema = z
  .object({ items: orderItemsSchema, paymentMethod: z.string().min(1).max(100).default('pm_card_visa') })
  .strict();

/** Cart checkout: the lines and prices the buyer saw; if the cart or a price changed since, nothing is charged (409). */
export const cartCheckoutBodySchema = z
  .object({ items: orderItemsSchema, paymentMethod: z.string().min(1).max(100).default('pm_card_visa') })
  .strict();

/** In a 409 price_changed: what each line costs now, so the buyer can confirm the new price. */
export const priceQuoteSchema = z.object({ listingId: idSchema, unitPriceMinor: minorUnitsSchema, currency: currencySchema });
export type PriceQuote = z.infer<typeof priceQuoteSchema>;
export type CreateOrderBody = z.input<typeof createOrderBodySchema>;

export const orderViewSchema = z.object({
  id: idSchema,
  status: orderStatusSchema,
  shop: z.object({ id: idSchema, name: z.string() }),
  buyerId: idSchema,
  items: z.array(
    z.object({
      id: idSchema,
      listingId: idSchema,
      title: z.string(),
      unitPriceMinor: minorUnitsSchema,
      quantity: z.number().int(),
      reviewed: z.boolean(),
    }),
  ),
  subtotalMinor: minorUnitsSchema,
  totalMinor: minorUnitsSchema,
  currency: currencySchema,
  escrow: z.object({ status: z.enum(['held', 'released', 'refunded', 'partially_refunded']), heldMinor: minorUnitsSchema }).nullable(),
  shipment: z.object({ carrier: z.string(), tracking: z.string(), shippedAt: z.iso.datetime() }).nullable(),
  createdAt: z.iso.datetime(),
  paidAt: z.iso.datetime().nullable(),
  autoReleaseAt: z.iso.datetime().nullable(),
});
export type OrderView = z.infer<typeof orderViewSchema>;

export const checkoutResultSchema = z.object({ checkoutId: idSchema, orders: z.array(orderViewSchema) });
export type CheckoutResult = z.infer<typeof checkoutResultSchema>;

export const shipOrderBodySchema = z
  .object({ carrier: z.string().trim().min(1).max(60), tracking: z.string().trim().min(1).max(100) })
  .strict();
export const orderIdParamsSchema = z.object({ id: idSchema }).strict();
export const ordersListSchema = z.object({ data: z.array(orderViewSchema) });

/** `Idempotency-Key` header, required on every order-creating or money-moving request. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

export const openDisputeBodySchema = z.object({ reason: z.string().trim().min(3).max(2000) }).strict();
export const respondDisputeBodySchema = z.object({ response: z.string().trim().min(1).max(2000) }).strict();
export const resolveDisputeBodySchema = z
  .object({
    resolution: z.enum(['refund_full', 'refund_partial', 'release']),
    refundMinor: storedMinorSchema.optional(),
  })
  .strict()
  .refine((b) => (b.resolution === 'refund_partial') === (b.refundMinor !== undefined), {
    message: 'refundMinor is required for refund_partial and only for it',
    path: ['refundMinor'],
  });

export const disputeViewSchema = z.object({
  id: idSchema,
  orderId: idSchema,
  status: z.enum(['open', 'seller_responded', 'resolved']),
  reason: z.string(),
  sellerResponse: z.string().nullable(),
  resolution: z.enum(['refund_full', 'refund_partial', 'release']).nullable(),
  refundMinor: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
});
export type DisputeView = z.infer<typeof disputeViewSchema>;

export const walletSchema = z.object({
  balances: z.array(z.object({ currency: currencySchema, availableMinor: z.number().int(), inEscrowMinor: z.number().int() })),
  payouts: z.array(
    z.object({
      id: idSchema,
      amountMinor: z.number().int(),
      currency: currencySchema,
      status: z.enum(['pending', 'paid', 'failed']),
      createdAt: z.iso.datetime(),
    }),
  ),
});
export type Wallet = z.infer<typeof walletSchema>;

/** `source`: the seller's sales (default) or a creator's commissions and sponsorship fees. */
export const createPayoutBodySchema = z
  .object({ amountMinor: storedMinorSchema.min(1), currency: currencySchema, source: z.enum(['seller', 'creator']).default('seller') })
  .strict();

/** A creator's money: what is pending in escrow, available, paid out, per show and per day. */
export const earningsSchema = z.object({
  balances: z.array(
    z.object({
      currency: currencySchema,
      pendingMinor: z.number().int(),
      availableMinor: z.number().int(),
      paidOutMinor: z.number().int(),
    }),
  ),
  shows: z.array(
    z.object({
      streamId: idSchema,
      title: z.string(),
      startedAt: z.iso.datetime().nullable(),
      currency: z.string(),
      orders: z.number().int(),
      gmvMinor: z.number().int(),
      earnedMinor: z.number().int(),
      pendingMinor: z.number().int(),
    }),
  ),
  daily: z.array(z.object({ day: z.string(), currency: z.string(), earnedMinor: z.number().int() })),
  payouts: z.array(
    z.object({ id: idSchema, amountMinor: z.number().int(), currency: z.string(), status: z.string(), createdAt: z.iso.datetime() }),
  ),
});
export type Earnings = z.infer<typeof earningsSchema>;
