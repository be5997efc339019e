import type { BrandSummary, CreateSponsorshipBody, CreatorCard, SponsorshipReport, SponsorshipView } from '@hawker/shared';
import { apiFetch } from '../api.js';
import { postIdempotent, type PaymentMethod } from '../market/api.js';

// The brand and sponsorship endpoints in one place, so pages and managers never
// build URLs by hand. Only types come from @hawker/shared: its values would
// bring zod into the bundle.

const at = (id: string) => encodeURIComponent(id);

export type SponsorshipSide = 'brand' | 'creator';
export type SponsorshipStatus = SponsorshipView['status'];

/** The sandbox cards a brand can top up with: the name says what happens. */
export const TOP_UP_METHODS: { value: PaymentMethod; label: string }[] = [
  { value: 'pm_card_visa', label: 'Test Visa card (succeeds)' },
  { value: 'pm_card_chargeDeclined', label: 'Test card that is declined' },
];

export const becomeBrand = (companyName: string, website?: string) =>
  apiFetch<BrandSummary>('/api/brand', { body: website ? { companyName, website } : { companyName } });

export const getBrand = (signal?: AbortSignal) => apiFetch<BrandSummary>('/api/brand', { signal });

/**
 * Moves money from a card: one Idempotency-Key per press, reused only when the
 * same press is retried after an answer that never arrived (see IdempotencyKeys).
 */
export const topUp = (amountMinor: number, currency: string, paymentMethod: PaymentMethod) =>
  postIdempotent<BrandSummary>('/api/brand/funding', { amountMinor, currency, paymentMethod });

export const findCreators = (q: string, signal?: AbortSignal) => {
  const query = q.trim() ? `?q=${encodeURIComponent(q.trim())}` : '';
  return apiFetch<{ data: CreatorCard[] }>(`/api/brand/creators${query}`, { signal });
};

export const offerSponsorship = (body: CreateSponsorshipBody) => apiFetch<SponsorshipView>('/api/sponsorships', { body });

export const listSponsorships = (as: SponsorshipSide, signal?: AbortSignal) =>
  apiFetch<{ data: SponsorshipView[] }>(`/api/sponsorships?as=${as}`, { signal });

export const getSponsorship = (id: string, signal?: AbortSignal) => apiFetch<SponsorshipView>(`/api/sponsorships/${at(id)}`, { signal });

export const acceptSponsorship = (id: string) => apiFetch<SponsorshipView>(`/api/sponsorships/${at(id)}/accept`, { method: 'POST' });

export const declineSponsorship = (id: string) => apiFetch<SponsorshipView>(`/api/sponsorships/${at(id)}/decline`, { method: 'POST' });

export const raiseSponsorship = (id: string, changes: { flatFeeMinor?: number; commissionBps?: number }) =>
  apiFetch<SponsorshipView>(`/api/sponsorships/${at(id)}`, { method: 'PATCH', body: changes });

export const disputeSponsorship = (id: string, reason: string) =>
  apiFetch<SponsorshipView>(`/api/sponsorships/${at(id)}/dispute`, { body: { reason } });

export const getSponsorshipReport = (id: string, signal?: AbortSignal) =>
  apiFetch<SponsorshipReport>(`/api/sponsorships/${at(id)}/report`, { signal });
