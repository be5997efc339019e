import { z } from 'zod';

/** Every entity id is a UUID (v7 from the database: time-ordered, index friendly). */
export const idSchema = z.uuid();
export type Id = z.infer<typeof idSchema>;

/**
 * Idempotency keys are chosen by clients (Stripe's convention): any printable
 * string of 8 to 255 characters. A UUID is a good default.
 */
export const idempotencyKeySchema = z
  .string()
  .min(8)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/** Opaque pagination cursor (base64url of the last row's sort key). */
export const cursorSchema = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9_-]*$/);
export const pageLimitSchema = z.coerce.number().int().min(1).max(100).default(24);
