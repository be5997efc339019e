import type {
  AdAccount,
  AdDecision,
  AdInput,
  AdInsight,
  AdminAdRevenue,
  AdPlacement,
  AdSimulation,
  AdStatement,
  AdView,
  CampaignReport,
  CampaignView,
  StreamSummary,
} from '@hawker/shared';
import { apiFetch } from '../api.js';
import { postIdempotent, type PaymentMethod } from '../market/api.js';

// The ads endpoints in one place, so pages and managers never build URLs by
// hand. Only types come from @hawker/shared (its values would bring zod into
// the bundle); the request bodies below mirror its schemas, and
// web/test/ads-forms.test.ts parses what the forms build with the real ones.

const at = (id: string) => encodeURIComponent(id);

export type CampaignStatus = CampaignView['status'];
export type TopUpSource = 'card' | 'wallet';

/** adTopUpBodySchema: a card names the sandbox method, a wallet top-up the shop that pays. */
export type AdTopUpBody =
  { amountMinor: number; source: 'card'; paymentMethod: PaymentMethod } | { amountMinor: number; source: 'wallet'; shopId: string };

/** adWithdrawBodySchema: unused balance back to a shop's wallet. */
export interface AdWithdrawBody {
  amountMinor: number;
  shopId: string;
}

/** campaignCreateBodySchema. */
export interface CampaignCreateBody {
  shopId: string;
  name: string;
  dailyBudgetMinor: number;
  totalBudgetMinor: number | null;
  startsAt?: string;
  endsAt: string | null;
  ads?: AdInput[];
}

/** campaignUpdateBodySchema: pause is { status: 'paused' }, resume { status: 'active' }. */
export interface CampaignUpdateBody {
  name?: string;
  status?: CampaignStatus;
  dailyBudgetMinor?: number;
  totalBudgetMinor?: number | null;
  startsAt?: string;
  endsAt?: string | null;
}

/** adUpdateBodySchema. */
export interface AdUpdateBody {
  active?: boolean;
  categories?: string[];
  bids?: AdInput['bids'];
}

/** adReceiptSchema. */
export interface AdReceipt {
  id: string;
  amountMinor: number;
  currency: string;
  source: TopUpSource;
  providerRef: string | null;
  createdAt: string;
  payer: { name: string; email: string };
}

/** adDecisionQuerySchema. */
export interface AdDecisionQuery {
  placement: AdPlacement;
  q?: string;
  category?: string;
  listingId?: string;
}

// The advertiser's money

export const getAdAccount = (signal?: AbortSignal) => apiFetch<AdAccount>('/api/ads/account', { signal });

/** Moves money: one Idempotency-Key per press, reused only for a retry of the same press (see IdempotencyKeys). */
export const topUpAds = (body: AdTopUpBody) => postIdempotent<AdAccount>('/api/ads/top-ups', body);

export const withdrawAds = (body: AdWithdrawBody) => postIdempotent<AdAccount>('/api/ads/withdrawals', body);

export const getAdReceipt = (id: string, signal?: AbortSignal) => apiFetch<AdReceipt>(`/api/ads/top-ups/${at(id)}/receipt`, { signal });

export const getAdStatement = (month: string, signal?: AbortSignal) =>
  apiFetch<AdStatement>(`/api/ads/statement?${new URLSearchParams({ month })}`, { signal });

// Campaigns and ads

export const listCampaigns = (signal?: AbortSignal) => apiFetch<{ data: CampaignView[] }>('/api/ads/campaigns', { signal });

export const createCampaign = (body: CampaignCreateBody) => apiFetch<CampaignView>('/api/ads/campaigns', { body });

export const getCampaign = (id: string, signal?: AbortSignal) => apiFetch<CampaignView>(`/api/ads/campaigns/${at(id)}`, { signal });

export const updateCampaign = (id: string, changes: CampaignUpdateBody) =>
  apiFetch<CampaignView>(`/api/ads/campaigns/${at(id)}`, { method: 'PATCH', body: changes });

export const addAd = (campaignId: string, ad: AdInput) => apiFetch<AdView>(`/api/ads/campaigns/${at(campaignId)}/ads`, { body: ad });

export const updateAd = (id: string, changes: AdUpdateBody) =>
  apiFetch<AdView>(`/api/ads/ads/${at(id)}`, { method: 'PATCH', body: changes });

export const getCampaignReport = (id: string, signal?: AbortSignal) =>
  apiFetch<CampaignReport>(`/api/ads/campaigns/${at(id)}/report`, { signal });

export const getAdInsight = (id: string, placement: AdPlacement, signal?: AbortSignal) =>
  apiFetch<AdInsight>(`/api/ads/ads/${at(id)}/insight?${new URLSearchParams({ placement })}`, { signal });

export const simulateAd = (id: string, placement: AdPlacement, bidMinor: number, signal?: AbortSignal) =>
  apiFetch<AdSimulation>(`/api/ads/ads/${at(id)}/simulate?${new URLSearchParams({ placement, bidMinor: String(bidMinor) })}`, {
    signal,
  });

/**
 * What a shop owner can promote in "Live now": their live show and their
 * upcoming ones (the api runs the ad while the show is live).
 */
export async function getOwnShows(creatorId: string, signal?: AbortSignal): Promise<StreamSummary[]> {
  const by = (query: Record<string, string>) =>
    apiFetch<{ data: StreamSummary[] }>(`/api/streams?${new URLSearchParams({ ...query, creatorId })}`, { signal });
  const [live, upcoming] = await Promise.all([by({ status: 'live' }), by({ upcoming: 'true' })]);
  const shows = [...live.data, ...upcoming.data];
  return shows.filter((s, i) => shows.findIndex((t) => t.id === s.id) === i);
}

// What viewers see

/** Public. Empty parameters are left out (the api refuses an empty category). */
export function getAdDecision(query: AdDecisionQuery, signal?: AbortSignal): Promise<AdDecision> {
  const params = new URLSearchParams({ placement: query.placement });
  const q = query.q?.trim();
  if (q) params.set('q', q.slice(0, 200));
  const category = query.category?.trim();
  if (category) params.set('category', category.slice(0, 60));
  if (query.listingId) params.set('listingId', query.listingId);
  return apiFetch<AdDecision>(`/api/ads/decision?${params}`, { signal });
}

/** The impression beacon: the card's signed token, once it was half visible for a second. */
export const sendAdImpression = (token: string) => apiFetch<unknown>('/api/events', { body: { type: 'ad.impression', token } });

// Admin

export const getAdminAdRevenue = (signal?: AbortSignal) => apiFetch<AdminAdRevenue>('/api/admin/ads/revenue', { signal });

export const takeDownAd = (id: string, reason: string) => apiFetch<undefined>(`/api/admin/ads/${at(id)}/take-down`, { body: { reason } });
