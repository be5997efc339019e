import { z } from 'zod';
import { idSchema } from './ids.js';

/** Chat text is plain text: clients render it as text, never as HTML. */
export const CHAT_MAX_LENGTH = 500;

export const chatSendSchema = z.object({ streamId: idSchema, text: z.string().trim().min(1).max(CHAT_MAX_LENGTH) }).strict();
export const chatDeleteSchema = z.object({ streamId: idSchema, messageId: idSchema }).strict();
export const modTargetSchema = z.object({ streamId: idSchema, userId: idSchema }).strict();
export const modTimeoutSchema = z.object({ streamId: idSchema, userId: idSchema, seconds: z.number().int().min(10).max(86_400) }).strict();
export const modSlowModeSchema = z.object({ streamId: idSchema, seconds: z.number().int().min(0).max(600) }).strict();
export const modBlockedWordsSchema = z.object({ streamId: idSchema, words: z.array(z.string().trim().min(1).max(40)).max(200) }).strict();

export interface ChatMessageView {
  id: string;
  streamId: string;
  user: { id: string; displayName: string };
  text: string;
  createdAt: string;
}

export interface ChatSettings {
  slowModeSeconds: number;
  blockedWords: string[];
}

export const pinSetSchema = z.object({ streamId: idSchema, listingIds: z.array(idSchema).max(10) }).strict();

/** A product the creator pinned over the video; offsetMs is when in the recording it was shown. */
export interface PinnedProduct {
  listingId: string;
  title: string;
  priceMinor: number;
  currency: string;
  stock: number;
  imageUrl: string | null;
  pinnedAt: string;
  offsetMs: number;
}
