import {
  markReadBodySchema,
  notificationKindSchema,
  notificationPreferencesSchema,
  notificationsPageSchema,
  notificationsQuerySchema,
  setPreferenceBodySchema,
} from '@hawker/shared';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { Mailer } from '../../services/mailer.js';
import type { NotificationService } from '../../services/notification.service.js';
import { route, type AnyRouteSpec } from '../route.js';

export function notificationRoutes(notifications: NotificationService, mailer: Mailer): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/notifications',
      summary: 'Your notifications, newest first, and how many are unread (?since= for what was missed while away)',
      tags: ['notifications'],
      auth: 'required',
      query: notificationsQuerySchema,
      response: notificationsPageSchema,
      handler: ({ principal, query }) => notifications.list(principal, query),
    }),
    route({
      method: 'post',
      path: '/notifications/read',
      summary: 'Mark notifications read (some ids, or all)',
      tags: ['notifications'],
      auth: 'required',
      body: markReadBodySchema,
      response: z.object({ unread: z.number().int() }),
      handler: ({ principal, body }) => notifications.markRead(principal, body.all ? 'all' : (body.ids ?? [])),
    }),
    route({
      method: 'get',
      path: '/notifications/preferences',
      summary: 'Which kinds you get in the app and by email, and the creators you muted',
      tags: ['notifications'],
      auth: 'required',
      response: notificationPreferencesSchema,
      handler: ({ principal }) => notifications.preferences(principal),
    }),
    route({
      method: 'put',
      path: '/notifications/preferences',
      summary: 'Switch one kind on or off, in the app and/or by email',
      tags: ['notifications'],
      auth: 'required',
      body: setPreferenceBodySchema,
      response: notificationPreferencesSchema,
      handler: ({ principal, body }) => notifications.setPreference(principal, body.kind, body),
    }),
    route({
      method: 'get',
      path: '/notifications/unsubscribe',
      summary: 'The link at the bottom of a notification email: stops that kind of email for that person',
      tags: ['notifications'],
      auth: 'none',
      query: z.object({ u: z.uuid(), k: notificationKindSchema, s: z.string().min(10).max(100) }).strict(),
      response: z.object({ unsubscribed: z.literal(true), kind: notificationKindSchema }),
      errors: [403],
      async handler({ query }) {
        if (!mailer.verifyUnsubscribe(query.u, query.k, query.s)) throw AppError.forbidden('This unsubscribe link is not valid.');
        await notifications.unsubscribe(query.u, query.k);
        return { unsubscribed: true as const, kind: query.k };
      },
    }),
  ];
}
