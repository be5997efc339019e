import type { BecomeCreatorBody, CreatorProfile, FollowState, StreamDetail, StreamsResponse } from '@hawker/shared';
import { apiFetch } from './api.js';

// The creator endpoints (profile, follows, scheduled shows) in one place, so pages never build URLs by hand.

const at = (id: string) => encodeURIComponent(id);

export const becomeCreator = (body: BecomeCreatorBody) => apiFetch<CreatorProfile>('/api/creator', { body });

export const getCreator = (handle: string, signal?: AbortSignal) => apiFetch<CreatorProfile>(`/api/creators/${at(handle)}`, { signal });

export const setFollowing = (creatorId: string, follow: boolean) =>
  apiFetch<FollowState>(`/api/creators/${at(creatorId)}/follow`, { method: follow ? 'POST' : 'DELETE' });

export const setMuted = (creatorId: string, mute: boolean) =>
  apiFetch<FollowState>(`/api/creators/${at(creatorId)}/mute`, { method: mute ? 'POST' : 'DELETE' });

/** The file goes as raw bytes with its own type; it comes back as a 256 px square. */
export const uploadAvatar = (file: Blob) => apiFetch<{ url: string }>('/api/me/avatar', { method: 'POST', body: file });

export type ShowDraft = { title: string; scheduledAt: string; description: string; featuredListingIds: string[] };

export const scheduleShow = (show: ShowDraft) => apiFetch<StreamDetail>('/api/streams', { body: show });

export const rescheduleShow = (id: string, changes: Partial<ShowDraft>) =>
  apiFetch<StreamDetail>(`/api/streams/${at(id)}`, { method: 'PATCH', body: changes });

export const cancelShow = (id: string) => apiFetch<StreamDetail>(`/api/streams/${at(id)}/cancel`, { method: 'POST' });

export const setReminder = (id: string, on: boolean) =>
  apiFetch<StreamDetail>(`/api/streams/${at(id)}/remind`, { method: on ? 'POST' : 'DELETE' });

export const upcomingShows = (signal?: AbortSignal) => apiFetch<StreamsResponse>('/api/streams?upcoming=true', { signal });

/** "Fri 12 Dec, 19:30" in the viewer's own time zone. */
export function showTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const sameYear = d.getFullYear() === now.getFullYear();
  return d.toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A datetime-local value (the viewer's wall clock) as an ISO instant, or null when empty or invalid. */
export function localToIso(value: string): string | null {
  if (!value) return null;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
