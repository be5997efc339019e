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

export interface PurchaseResult {
  orderId: string;
  status: string;
  totalMinor: number;
  currency: string;
}
