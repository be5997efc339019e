import type { NotificationKind } from '@hawker/shared';
import { safeNextPath } from '../match.js';

/**
 * What each kind means to a person, for the preferences table. Typed as a
 * Record over the shared kinds, so a kind added to the api fails to compile
 * here until it has a label.
 */
export const KIND_LABELS: Record<NotificationKind, string> = {
  'creator.live': 'A creator you follow goes live',
  'show.starting': 'A show you asked to be reminded of is starting',
  'show.rescheduled': 'A show you asked to be reminded of moves to a new time',
  'show.cancelled': 'A show you asked to be reminded of is cancelled',
  'deal.started': 'A creator you follow starts a flash deal',
  'order.paid': 'An order is paid (yours, or one for your shop)',
  'order.shipped': 'Your order ships',
  'order.delivered': 'An order is delivered',
  'dispute.opened': 'A buyer opens a dispute on an order from your shop',
  'dispute.resolved': 'A dispute you are part of is resolved',
  'sponsorship.offer': 'A brand offers you a sponsorship',
  'sponsorship.answer': 'A creator answers your sponsorship offer',
  'payout.paid': 'A payout is sent to you',
  'account.security': 'Security notices about your account',
  'ads.low_balance': 'Your ad balance runs low (less than a day of your campaigns)',
};

/** A kind this build has no label for (a newer api) still gets a readable line. */
export function kindLabel(kind: string): string {
  return (KIND_LABELS as Record<string, string | undefined>)[kind] ?? kind;
}

/**
 * Where a notification links to, only ever a path on this site: the payload
 * comes from the api, but an href is the one place a `javascript:` URL would
 * run, so anything else gets no link. Null when there is nowhere to go.
 */
export function notificationHref(url: string, origin = globalThis.location?.origin): string | null {
  const path = safeNextPath(url, origin, '');
  return path === '' ? null : path;
}

const dateFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** "just now", "5 min ago", "3 h ago", "2 d ago", then the date: when a notification came. */
export function timeAgo(iso: string, now = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 7) return `${days} d ago`;
  return dateFormat.format(at);
}

/** The exact time, for a tooltip next to timeAgo. */
export function fullTime(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : fullFormat.format(at);
}
