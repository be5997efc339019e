import { formatMoney, type SponsorshipView } from '@hawker/shared';
import type { SponsorshipStatus } from './api.js';

// How a sponsorship reads to people: its status, rates, deliverables, coverage
// and the release rule. Pure functions, so the pages and the tests agree.

export const STATUS_LABELS: Record<SponsorshipStatus, string> = {
  proposed: 'Offer open',
  accepted: 'Accepted',
  declined: 'Declined',
  expired: 'Expired',
  measured: 'Measured',
  released: 'Paid out',
  disputed: 'Disputed',
  resolved: 'Settled',
  cancelled: 'Cancelled',
};

/** 1250 → "12.5 %", 0 → "0 %". */
export function formatPercent(bps: number): string {
  return `${(bps / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
}

export type PercentInput = { ok: true; bps: number } | { ok: false; error: string };

/**
 * "12.5" (per cent, as typed) → 1250 basis points, through digit strings
 * rather than a float; at most two decimals, within [minBps, maxBps].
 */
export function parsePercent(text: string, { minBps = 0, maxBps = 5000 }: { minBps?: number; maxBps?: number } = {}): PercentInput {
  const value = text.trim().replace(/\s*%$/, '');
  const range = `Enter a percentage from ${formatPercent(minBps)} to ${formatPercent(maxBps)}.`;
  if (value === '') return { ok: false, error: range };
  const match = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(value);
  if (!match) return { ok: false, error: /\.\d{3,}$/.test(value) ? 'Use at most 2 decimal places.' : range };
  const bps = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (bps < minBps || bps > maxBps) return { ok: false, error: range };
  return { ok: true, bps };
}

/** A whole number from `min` to `max`, as typed. */
export function parseWhole(text: string, min: number, max: number): { ok: true; value: number } | { ok: false; error: string } {
  const value = text.trim();
  if (!/^\d{1,7}$/.test(value)) return { ok: false, error: `Enter a whole number from ${min} to ${max.toLocaleString('en-US')}.` };
  const n = Number(value);
  if (n < min || n > max) return { ok: false, error: `Enter a whole number from ${min} to ${max.toLocaleString('en-US')}.` };
  return { ok: true, value: n };
}

export interface Deliverable {
  required: number;
  delivered: number;
}

/**
 * The released share, in basis points: the mean over the deliverables asked
 * for (required > 0) of min(1, delivered ÷ required), rounded down. Nothing
 * asked for is all delivered. The api's own rule (api/src/domain/commission.ts).
 */
export function deliveredShareBps(deliverables: Deliverable[]): number {
  const asked = deliverables.filter((d) => d.required > 0);
  if (asked.length === 0) return 10_000;
  const mean = asked.reduce((sum, d) => sum + Math.min(1, d.delivered / d.required), 0) / asked.length;
  return Math.floor(mean * 10_000);
}

/** What the creator gets (rounded down) and what goes back to the brand. */
export function releaseSplit(feeMinor: number, deliverables: Deliverable[]): { bps: number; toCreatorMinor: number; toBrandMinor: number } {
  const bps = deliveredShareBps(deliverables);
  const toCreatorMinor = Math.floor((feeMinor * bps) / 10_000);
  return { bps, toCreatorMinor, toBrandMinor: feeMinor - toCreatorMinor };
}

/** The worked example the offer form and the creator's offers show. */
export const RELEASE_EXAMPLE = {
  feeMinor: 10_000,
  currency: 'USD',
  live: { required: 60, delivered: 75 },
  pinned: { required: 20, delivered: 10 },
  deals: { required: 2, delivered: 1 },
} as const;

export function releaseExample(): { text: string; toCreator: string; toBrand: string; share: string } {
  const { feeMinor, currency, live, pinned, deals } = RELEASE_EXAMPLE;
  const asked = [live, pinned, deals];
  const split = releaseSplit(feeMinor, asked);
  const toCreator = formatMoney(split.toCreatorMinor, currency);
  const toBrand = formatMoney(split.toBrandMinor, currency);
  // The mean itself, to two places (the payout uses it rounded down to a basis point).
  const mean = asked.reduce((sum, d) => sum + Math.min(1, d.delivered / d.required), 0) / asked.length;
  const share = `${(mean * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
  const text =
    `Fee ${formatMoney(feeMinor, currency)}; asked ${live.required} live minutes, ${pinned.required} pinned minutes, ` +
    `${deals.required} flash deals; delivered ${live.delivered} minutes live, ${pinned.delivered} minutes pinned, ` +
    `${deals.delivered} deal → (1 + 0.5 + 0.5) ÷ 3 = ${share} → ${toCreator} to the creator (rounded down), ${toBrand} back to the brand.`;
  return { text, toCreator, toBrand, share };
}

type Terms = Pick<SponsorshipView, 'minLiveMinutes' | 'minPinnedMinutes' | 'minFlashDeals'>;

/** "60 live minutes, 20 pinned minutes, 2 flash deals", or "Nothing measured" for a fee with no deliverables. */
export function deliverablesText(terms: Terms): string {
  const parts = [
    terms.minLiveMinutes > 0 ? `${terms.minLiveMinutes} live minutes` : null,
    terms.minPinnedMinutes > 0 ? `${terms.minPinnedMinutes} pinned minutes` : null,
    terms.minFlashDeals > 0 ? `${terms.minFlashDeals} flash ${terms.minFlashDeals === 1 ? 'deal' : 'deals'}` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'No deliverables: the whole fee is released';
}

/** "Delivered 75 of 60 live min, 10 of 20 pinned min, 1 of 2 deals: 66.66 %". */
export function deliveryText(s: Pick<SponsorshipView, 'delivery' | keyof Terms>): string | null {
  const d = s.delivery;
  if (!d) return null;
  const round = (n: number) => Math.round(n * 10) / 10;
  const parts = [
    s.minLiveMinutes > 0 ? `${round(d.liveMinutes)} of ${s.minLiveMinutes} live min` : null,
    s.minPinnedMinutes > 0 ? `${round(d.pinnedMinutes)} of ${s.minPinnedMinutes} pinned min` : null,
    s.minFlashDeals > 0 ? `${d.flashDeals} of ${s.minFlashDeals} flash deals` : null,
  ].filter(Boolean);
  return `${parts.length > 0 ? `Delivered ${parts.join(', ')}` : 'Nothing asked for'}: ${formatPercent(d.deliveredBps)} of the fee`;
}

/** "One scheduled show" / "Their next 3 shows". */
export function coverageText(s: Pick<SponsorshipView, 'coverage'>): string {
  if (s.coverage.streamId) return 'One scheduled show';
  const n = s.coverage.shows;
  return n === 1 ? 'Their next show' : `Their next ${n} shows`;
}

/** An ISO instant as "12 Dec 2026". */
export function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}
