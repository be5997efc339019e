import { z } from 'zod';
import { cursorSchema, idSchema, pageLimitSchema } from './ids.js';
import { currencySchema, minorUnitsSchema } from './money.js';

export const listingSummarySchema = z.object({
  id: idSchema,
  title: z.string(),
  priceMinor: minorUnitsSchema,
  currency: currencySchema,
  stock: z.number().int().nonnegative(),
  category: z.string(),
  imageUrl: z.string().nullable(),
  shop: z.object({ id: idSchema, name: z.string() }),
});
export type ListingSummary = z.infer<typeof listingSummarySchema>;

export const listingsPageSchema = z.object({
  data: z.array(listingSummarySchema),
  nextCursor: z.string().nullable(),
});
export type ListingsPage = z.infer<typeof listingsPageSchema>;

export const listingsQuerySchema = z
  .object({
    limit: pageLimitSchema,
    cursor: cursorSchema.optional(),
    shopId: idSchema.optional(),
    category: z.string().max(60).optional(),
  })
  .strict();
export type ListingsQuery = z.input<typeof listingsQuerySchema>;
