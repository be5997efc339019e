import { z } from 'zod';

/** Error categories, after Stripe's error object (type, code, message, param). */
export const errorTypes = [
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'conflict_error',
  'idempotency_error',
  'rate_limit_error',
  'api_error',
] as const;
export type ErrorType = (typeof errorTypes)[number];

/** Current unit prices, sent with price_changed (kept here, not imported from orders.ts, to keep this file dependency-free). */
const currentPricesSchema = z.array(z.object({ listingId: z.string(), unitPriceMinor: z.number().int(), currency: z.string() }));

export const apiErrorSchema = z.object({
  type: z.enum(errorTypes),
  code: z.string(),
  message: z.string(),
  param: z.string().optional(),
  /** With `price_changed`: what the lines cost now. */
  prices: currentPricesSchema.optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** The body of every non-2xx REST response. */
export const apiErrorBodySchema = z.object({ error: apiErrorSchema });
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

/** Socket.IO acknowledgements carry either data or a code + message. */
export const ackErrorSchema = z.object({ code: z.string(), message: z.string(), prices: currentPricesSchema.optional() });
export type AckError = z.infer<typeof ackErrorSchema>;
export type AckResponse<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type Ack<T> = (response: AckResponse<T>) => void;
