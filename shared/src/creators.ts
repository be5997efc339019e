import { z } from 'zod';
import { idSchema } from './ids.js';
import { streamSummarySchema } from './streams.js';

/** 3–30 of a–z, 0–9 and _; typed in any case, kept lowercase, unique. */
export const handleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_]{3,30}$/, '3 to 30 letters, digits or _');

export const CREATOR_TERMS_VERSION = '2026-12';

export const becomeCreatorBodySchema = z
  .object({
    handle: handleSchema,
    displayName: z.string().trim().min(1).max(60),
    bio: z.string().trim().max(500).default(''),
    /** The creator terms, accepted explicitly. */
    acceptTerms: z.literal(true, 'accept the creator terms to continue'),
    /** Whether brands may see the GMV of this creator's past shows. */
    showGmvToBrands: z.boolean().default(false),
  })
  .strict();
export type BecomeCreatorBody = z.input<typeof becomeCreatorBodySchema>;

export const updateCreatorBodySchema = z
  .object({
    displayName: z.string().trim().min(1).max(60),
    bio: z.string().trim().max(500),
    showGmvToBrands: z.boolean(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

export const handleParamsSchema = z.object({ handle: handleSchema }).strict();

export const creatorProfileSchema = z.object({
  id: idSchema,
  handle: z.string(),
  displayName: z.string(),
  bio: z.string(),
  avatarUrl: z.string().nullable(),
  followerCount: z.number().int().nonnegative(),
  /** The person asking follows / muted this creator (false for guests). */
  following: z.boolean(),
  muted: z.boolean(),
  live: streamSummarySchema.nullable(),
  upcoming: z.array(streamSummarySchema),
  past: z.array(streamSummarySchema.extend({ replayUrl: z.string().nullable(), endedAt: z.iso.datetime().nullable() })),
  shop: z.object({ id: idSchema, name: z.string(), slug: z.string() }).nullable(),
  trust: z.object({ score: z.number() }).nullable(),
});
export type CreatorProfile = z.infer<typeof creatorProfileSchema>;

export const followStateSchema = z.object({ following: z.boolean(), muted: z.boolean(), followerCount: z.number().int() });
export type FollowState = z.infer<typeof followStateSchema>;
