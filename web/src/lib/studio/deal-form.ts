import { formatMoney } from '@hawker/shared';
import { parseMoneyInput } from '../market/money.js';
import type { DealLaunch } from '../realtime/deal.svelte.js';

/** The flash-deal form as typed. Duration comes from a select, in seconds. */
export interface DealForm {
  listingId: string;
  price: string;
  quantity: string;
  perBuyerLimit: string;
  durationSeconds: string;
}

export type DealField = keyof DealForm;
export type DealFormResult = { ok: true; launch: DealLaunch } | { ok: false; errors: Partial<Record<DealField, string>> };

/** What the form needs to know of the chosen listing. */
export interface DealListing {
  id: string;
  priceMinor: number;
  currency: string;
  stock: number;
  /** A shop offering the listing to creators may set a lowest deal price and most units per deal. */
  minDealPriceMinor?: number | null;
  maxDealUnits?: number | null;
}

/** The api's limits (shared/src/deals.ts), checked here to point at the field before a round trip. */
export const DEAL_LIMITS = { maxQuantity: 100_000, maxPerBuyer: 100, minSeconds: 5, maxSeconds: 3600 } as const;

/** The durations the studio offers; a flash deal is minutes, not hours. */
export const DEAL_DURATIONS: { seconds: number; label: string }[] = [
  { seconds: 30, label: '30 seconds' },
  { seconds: 60, label: '1 minute' },
  { seconds: 120, label: '2 minutes' },
  { seconds: 300, label: '5 minutes' },
  { seconds: 600, label: '10 minutes' },
];

function wholeNumber(text: string, min: number, max: number): number | null {
  const value = text.trim();
  if (!/^\d{1,7}$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

/**
 * Checks the form against the listing: a deal price below the list price (else
 * it is no deal), units the listing has in stock (the launch moves them out of
 * the listing into the deal), a per-buyer limit and a duration the api takes.
 */
export function validateDealForm(form: DealForm, listing: DealListing | undefined): DealFormResult {
  const errors: Partial<Record<DealField, string>> = {};
  if (!listing) return { ok: false, errors: { listingId: 'Choose a listing.' } };

  const price = parseMoneyInput(form.price, listing.currency);
  if (!price.ok) errors.price = price.error;
  else if (price.minor >= listing.priceMinor) errors.price = 'A deal price must be below the list price.';
  else if (listing.minDealPriceMinor != null && price.minor < listing.minDealPriceMinor)
    errors.price = `The shop allows deals from ${formatMoney(listing.minDealPriceMinor, listing.currency)}.`;

  const maxUnits = Math.min(DEAL_LIMITS.maxQuantity, listing.stock, listing.maxDealUnits ?? Number.MAX_SAFE_INTEGER);
  const quantity = wholeNumber(form.quantity, 1, Math.max(1, maxUnits));
  if (listing.stock < 1) errors.quantity = 'This listing is out of stock.';
  else if (quantity === null)
    errors.quantity = `Enter 1 to ${maxUnits.toLocaleString('en-US')} units (${maxUnits < listing.stock ? 'what the shop allows per deal' : 'what the listing has in stock'}).`;

  const perBuyer = wholeNumber(form.perBuyerLimit, 1, DEAL_LIMITS.maxPerBuyer);
  if (perBuyer === null) errors.perBuyerLimit = `Enter a limit of 1 to ${DEAL_LIMITS.maxPerBuyer} per buyer.`;

  const seconds = wholeNumber(form.durationSeconds, DEAL_LIMITS.minSeconds, DEAL_LIMITS.maxSeconds);
  if (seconds === null) errors.durationSeconds = 'Choose how long the deal runs.';

  if (!price.ok || quantity === null || perBuyer === null || seconds === null || Object.keys(errors).length > 0)
    return { ok: false, errors };
  return {
    ok: true,
    launch: { listingId: listing.id, dealPriceMinor: price.minor, quantity, perBuyerLimit: perBuyer, durationSeconds: seconds },
  };
}
