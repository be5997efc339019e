import type {
  Cart,
  CheckoutResult,
  CreateListingBody,
  DisputeView,
  ListingDetail,
  OrderView,
  ReviewView,
  ShopDetail,
  Wallet,
} from '@hawker/shared';
import { apiFetch, type ApiRequest } from '../api.js';
import { IDEMPOTENCY_HEADER, IdempotencyKeys } from './idempotency.js';

// The marketplace endpoints, in one place so pages and managers never build
// URLs or headers by hand. Only types come from @hawker/shared: its values
// would bring zod into the bundle.

/**
 * An order item as the pages use it. `id` (the order item's id) is what a review
 * names; the api's OrderView does not send it yet, so it is optional here and
 * the review form says so when it is missing.
 */
export type OrderItem = OrderView['items'][number];
export type Order = Omit<OrderView, 'items'> & { items: OrderItem[] };
export type PaymentMethod = 'pm_card_visa' | 'pm_card_chargeDeclined' | 'pm_card_insufficientFunds';
export type ListingStatus = ListingDetail['status'];
export type Resolution = NonNullable<DisputeView['resolution']>;
export type LedgerProblem = { kind: string } & Record<string, unknown>;
export interface LedgerCheck {
  ok: boolean;
  problems: LedgerProblem[];
}

/** The sandbox provider's test methods: the name says what happens. */
export const PAYMENT_METHODS: { value: PaymentMethod; label: string }[] = [
  { value: 'pm_card_visa', label: 'Test Visa card (succeeds)' },
  { value: 'pm_card_chargeDeclined', label: 'Test card that is declined' },
  { value: 'pm_card_insufficientFunds', label: 'Test card without funds' },
];

const keys = new IdempotencyKeys();

/**
 * A POST that moves money or creates orders. `intent` adds to the fingerprint
 * what the body alone does not say (the cart's contents for a checkout), so a
 * changed request never reuses the key of an earlier one.
 */
export async function postIdempotent<T>(path: string, body: unknown, intent = ''): Promise<T> {
  const fingerprint = `${path} ${JSON.stringify(body ?? null)} ${intent}`;
  const request: ApiRequest = { method: 'POST', headers: { [IDEMPOTENCY_HEADER]: keys.keyFor(fingerprint) } };
  if (body !== undefined) request.body = body;
  try {
    const result = await apiFetch<T>(path, request);
    keys.settle(fingerprint);
    return result;
  } catch (err) {
    keys.settle(fingerprint, err);
    throw err;
  }
}

const at = (id: string) => encodeURIComponent(id);

// Listings and reviews

export const getListing = (id: string, signal?: AbortSignal) => apiFetch<ListingDetail>(`/api/listings/${at(id)}`, { signal });

export const getListingReviews = (id: string, signal?: AbortSignal) =>
  apiFetch<{ data: ReviewView[] }>(`/api/listings/${at(id)}/reviews`, { signal });

export const createListing = (body: CreateListingBody & AffiliateChanges) => apiFetch<ListingDetail>('/api/listings', { body });

/** The seller's offer to creators on a listing; null switches a field (the rate: the whole offer) off. */
export type AffiliateChanges = {
  affiliateRateBps?: number | null;
  affiliateMinDealPriceMinor?: number | null;
  affiliateMaxDealUnits?: number | null;
};

export const updateListing = (id: string, changes: { priceMinor?: number; stock?: number; status?: ListingStatus } & AffiliateChanges) =>
  apiFetch<ListingDetail>(`/api/listings/${at(id)}`, { method: 'PATCH', body: changes });

/** The file goes as raw bytes with its own content type (PNG, JPEG or WebP, up to 5 MB). */
export const uploadListingImage = (id: string, file: Blob) =>
  apiFetch<{ id: string; url: string }>(`/api/listings/${at(id)}/images`, { method: 'POST', body: file });

export const reviewOrderItem = (orderId: string, body: { orderItemId: string; rating: number; text: string }) =>
  apiFetch<ReviewView>(`/api/orders/${at(orderId)}/reviews`, { body });

// Shops

export const getShop = (id: string, signal?: AbortSignal) => apiFetch<ShopDetail>(`/api/shops/${at(id)}`, { signal });

export const setFollowing = (id: string, follow: boolean) =>
  apiFetch<ShopDetail>(`/api/shops/${at(id)}/follow`, { method: follow ? 'POST' : 'DELETE' });

export const openShop = (name: string, description: string) => apiFetch<ShopDetail>('/api/shops', { body: { name, description } });

// Cart and orders

export const getCart = (signal?: AbortSignal) => apiFetch<Cart>('/api/cart', { signal });

export const setCartItem = (listingId: string, quantity: number) =>
  apiFetch<Cart>('/api/cart/items', { method: 'PUT', body: { listingId, quantity } });

/** A line as the buyer saw it: the api refuses the checkout (409 price_changed) if the price is no longer this. */
export type SeenLine = { listingId: string; quantity: number; unitPriceMinor: number };

export const checkoutCart = (items: SeenLine[], paymentMethod: PaymentMethod, cartSignature: string) =>
  postIdempotent<CheckoutResult>('/api/cart/checkout', { items, paymentMethod }, cartSignature);

export const buyNow = (items: SeenLine[], paymentMethod: PaymentMethod) =>
  postIdempotent<CheckoutResult>('/api/orders', { items, paymentMethod });

export const listOrders = (as: 'buyer' | 'seller', signal?: AbortSignal) => apiFetch<{ data: Order[] }>(`/api/orders?as=${as}`, { signal });

export const getOrder = (id: string, signal?: AbortSignal) => apiFetch<Order>(`/api/orders/${at(id)}`, { signal });

export const confirmOrder = (id: string) => postIdempotent<Order>(`/api/orders/${at(id)}/confirm`, undefined);

export const cancelOrder = (id: string) => postIdempotent<Order>(`/api/orders/${at(id)}/cancel`, undefined);

export const shipOrder = (id: string, carrier: string, tracking: string) =>
  postIdempotent<Order>(`/api/orders/${at(id)}/ship`, { carrier, tracking });

export const openDispute = (orderId: string, reason: string) =>
  postIdempotent<DisputeView>(`/api/orders/${at(orderId)}/dispute`, { reason });

// Money and disputes

export const getWallet = (signal?: AbortSignal) => apiFetch<Wallet>('/api/wallet', { signal });

export const requestPayout = (amountMinor: number, currency: string) => postIdempotent<Wallet>('/api/payouts', { amountMinor, currency });

export const listDisputes = (status: DisputeView['status'], signal?: AbortSignal) =>
  apiFetch<{ data: DisputeView[] }>(`/api/disputes?status=${status}`, { signal });

export const resolveDispute = (id: string, resolution: Resolution, refundMinor?: number) =>
  postIdempotent<DisputeView>(
    `/api/disputes/${at(id)}/resolve`,
    resolution === 'refund_partial' ? { resolution, refundMinor } : { resolution },
  );

export const checkLedger = (signal?: AbortSignal) => apiFetch<LedgerCheck>('/api/admin/ledger/check', { signal });
