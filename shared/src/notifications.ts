import { z } from 'zod';
import { idSchema } from './ids.js';

/**
 * What Hawker tells people about, in the bell and (when mail is set up) by
 * email. Each kind can be switched off per channel in the preferences.
 */
export const notificationKinds = [
  'creator.live',
  'show.starting',
  'show.rescheduled',
  'show.cancelled',
  'deal.started',
  'order.paid',
  'order.shipped',
  'order.delivered',
  'dispute.opened',
  'dispute.resolved',
  'sponsorship.offer',
  'sponsorship.answer',
  'payout.paid',
  'account.security',
  'ads.low_balance',
] as const;
export const notificationKindSchema = z.enum(notificationKinds);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

/** What the bell shows: a title, a line of text, and where clicking takes the person. */
export const notificationPayloadSchema = z.object({
  title: z.string(),
  body: z.string(),
  url: z.string(),
  /** The creator it is about, when there is one (muting a creator silences these). */
  creatorId: idSchema.optional(),
});
export type NotificationPayload = z.infer<typeof notificationPayloadSchema>;

export const notificationViewSchema = z.object({
  id: idSchema,
  kind: notificationKindSchema,
  payload: notificationPayloadSchema,
  readAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type NotificationView = z.infer<typeof notificationViewSchema>;

export const notificationsQuerySchema = z
  .object({
    /** Only those after this time (what was missed while disconnected). */
    since: z.iso.datetime().optional(),
    before: z.iso.datetime().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .strict();

export const notificationsPageSchema = z.object({ data: z.array(notificationViewSchema), unread: z.number().int() });
export type NotificationsPage = z.infer<typeof notificationsPageSchema>;

export const markReadBodySchema = z
  .object({ ids: z.array(idSchema).min(1).max(100).optional(), all: z.literal(true).optional() })
  .strict()
  .refine((b) => (b.ids === undefined) !== (b.all === undefined), 'send either ids or all: true');

export const notificationPreferencesSchema = z.object({
  kinds: z.array(z.object({ kind: notificationKindSchema, inApp: z.boolean(), email: z.boolean() })),
  muted: z.array(z.object({ id: idSchema, displayName: z.string(), handle: z.string().nullable() })),
});
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;

export const setPreferenceBodySchema = z
  .object({ kind: notificationKindSchema, inApp: z.boolean().optional(), email: z.boolean().optional() })
  .strict();

/** Pushed on the person's own channel (every socket of theirs, on any api node). */
export type NotificationPush = {
  kind: NotificationKind;
  payload: NotificationPayload;
  createdAt: string;
};
