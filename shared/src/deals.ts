import { z } from 'zod';
import { idempotencyKeySchema, idSchema } from './ids.js';
import { seenUnitPriceSchema, storedMinorSchema } from './money.js';

export const dealLaunchSchema = z
  .object({
    streamId: idSchema,
    listingId: idSchema,
    dealPriceMinor: storedMinorSchema.min(1),
    quantity: z.number().int().min(1).max(100_000),
    perBuyerLimit: z.number().int().min(1).max(100),
    durationSeconds: z.number().int().min(5).max(3600),
  })
  .strict();

/**
 * Buying inside the stream's room: a flash deal (dealId) or a listing pinned
 * there at its list price (listingId), at the unit price the buyer was shown
 * (a price that changed since is refused with the current one, nothing charged).
 */
export const purchaseCreateSchema = z
  .object({
    streamId: idSchema,
    dealId: idSchema.optional(),
    listingId: idSchema.optional(),
    quantity: z.number().int().min(1).max(100),
    unitPriceMinor: seenUnitPriceSchema,
    idempotencyKey: idempotencyKeySchema,
    paymentMethod: z.string().min(1).max(100).default('pm_card_visa'),
  })
  .strict()
  .refine((p) => (p.dealId === undefined) !== (p.listingId === undefined), 'name exactly one of dealId or listingId');

export interface DealView {
  id: string;
  streamId: string;
  listingId: string;
  title: string;
  dealPriceMinor: number;
  listPriceMinor: number;
  currency: string;
  quantity: number;
  remaining: number;
  perBuyerLimit: number;
  startsAt: string;
  endsAt: string;
  /** Purchases are accepted until endsAt + graceMs: HLS viewers see the countdown seconds late. */
  graceMs: number;
  /** Server clock when this view was made, for the client's countdown skew. */
  serverTime: string;
}

/** A paid order: the answer to buying a pinned listing, and what a deal's reservation becomes. */
export interface PurchaseResult {
  orderId: string;
  status: 'paid';
  totalMinor: number;
  currency: string;
}

/**
 * A flash deal's press is answered as soon as the gate decides, before any
 * payment: the unit is the buyer's, and the order is paid behind the answer
 * (`purchase:paid` or `purchase:failed` on the buyer's own channel, or
 * GET /api/purchases/:idempotencyKey for a buyer who reconnects).
 */
export interface PurchaseReserved {
  status: 'reserved';
  reservationId: string;
  dealId: string;
  idempotencyKey: string;
  /** When the payment completes by, or the unit goes back on sale (ISO time). */
  payBy: string;
}

/** What `purchase:create` answers: a paid order (pinned listings), or a deal's reservation. */
export type PurchaseAnswer = PurchaseResult | PurchaseReserved;

/** Refusals the deal gate answers at once (error acks with these codes). */
export const dealRefusalCodes = ['deal_sold_out', 'deal_limit_reached', 'deal_closed'] as const;

type OutcomeOf = { reservationId: string; dealId: string; idempotencyKey: string };
export type PurchasePaid = OutcomeOf & { status: 'paid'; order: PurchaseResult };
/** The payment did not go through (or was not made in time): the unit went back on sale; a new press needs a new key. */
export type PurchaseFailed = OutcomeOf & { status: 'failed'; error: { code: string; message: string } };

/** A reservation as it stands: what the pull endpoint returns. */
export type PurchaseState = PurchaseReserved | PurchasePaid | PurchaseFailed;

export const purchaseKeyParamsSchema = z.object({ idempotencyKey: idempotencyKeySchema }).strict();

const outcomeIds = { reservationId: z.string(), dealId: z.string(), idempotencyKey: z.string() };
/** GET /api/purchases/:idempotencyKey, for the OpenAPI document (the types above are the contract). */
export const purchaseStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('reserved'), ...outcomeIds, payBy: z.string() }),
  z.object({
    status: z.literal('paid'),
    ...outcomeIds,
    order: z.object({ orderId: z.string(), status: z.literal('paid'), totalMinor: z.number().int(), currency: z.string() }),
  }),
  z.object({ status: z.literal('failed'), ...outcomeIds, error: z.object({ code: z.string(), message: z.string() }) }),
]);
