import type { NotificationKind, NotificationPreferences, NotificationsPage } from '@hawker/shared';
import { apiFetch } from '../api.js';

// The notification endpoints, in one place so pages and managers never build
// URLs by hand (unmuting a creator is setMuted in lib/creators.ts). Only types
// come from @hawker/shared: its values would bring zod into the bundle.

export interface NotificationsQuery {
  /** ISO time: only what came after it (what was missed while disconnected). */
  since?: string;
  /** ISO time: only what came before it (older pages). */
  before?: string;
  /** 1 to 100; the api's default is 30. */
  limit?: number;
}

/** Which notifications to mark read: some by id (up to 100), or all of them. */
export type MarkReadTarget = { ids: string[] } | { all: true };

export type ChannelChanges = { inApp?: boolean; email?: boolean };

/** Newest first, with how many are unread in all. */
export function listNotifications(query: NotificationsQuery = {}, signal?: AbortSignal): Promise<NotificationsPage> {
  const params = new URLSearchParams();
  if (query.since !== undefined) params.set('since', query.since);
  if (query.before !== undefined) params.set('before', query.before);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  const search = params.toString();
  return apiFetch<NotificationsPage>(`/api/notifications${search ? `?${search}` : ''}`, { signal });
}

/** Answers how many are still unread afterwards. */
export const markNotificationsRead = (target: MarkReadTarget) => apiFetch<{ unread: number }>('/api/notifications/read', { body: target });

export const getNotificationPreferences = (signal?: AbortSignal) =>
  apiFetch<NotificationPreferences>('/api/notifications/preferences', { signal });

/** Switches one kind on or off per channel; answers every preference as it now stands. */
export const setNotificationPreference = (kind: NotificationKind, changes: ChannelChanges) =>
  apiFetch<NotificationPreferences>('/api/notifications/preferences', { method: 'PUT', body: { kind, ...changes } });
