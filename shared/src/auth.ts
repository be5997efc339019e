import { z } from 'zod';
import { idSchema } from './ids.js';

/** One account can hold several roles: a creator is usually a seller too. */
export const roles = ['buyer', 'seller', 'creator', 'brand', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const emailSchema = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
export const passwordSchema = z.string().min(8).max(200);

export const loginBodySchema = z.object({ email: emailSchema, password: z.string().min(1).max(200) }).strict();
export type LoginBody = z.input<typeof loginBodySchema>;

export const registerBodySchema = z
  .object({
    email: emailSchema,
    password: passwordSchema,
    displayName: z.string().trim().min(1).max(60),
  })
  .strict();
export type RegisterBody = z.input<typeof registerBodySchema>;

export const publicUserSchema = z.object({
  id: idSchema,
  email: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
});
export type PublicUser = z.infer<typeof publicUserSchema>;

export const shopSummarySchema = z.object({
  id: idSchema,
  name: z.string(),
  slug: z.string(),
  followerCount: z.number().int().nonnegative(),
});
export type ShopSummary = z.infer<typeof shopSummarySchema>;

export const userResponseSchema = z.object({ user: publicUserSchema });
export type UserResponse = z.infer<typeof userResponseSchema>;

export const meResponseSchema = z.object({ user: publicUserSchema, shops: z.array(shopSummarySchema) });
export type MeResponse = z.infer<typeof meResponseSchema>;
