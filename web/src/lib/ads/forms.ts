import type { AdInput, AdPlacement } from '@hawker/shared';
import { formatMoney } from '@hawker/shared';
import { localToIso } from '../creators.js';
import { parseMoneyInput } from '../market/money.js';
import type { CampaignCreateBody } from './api.js';
import { AD_PLACEMENT_LABELS } from './placements.js';

// The ads forms as typed, checked as the api will check them
// (shared/src/ads.ts) so a problem points at its field before a round trip.
// Amounts are typed in major units ("12.50") and sent as integer minor units,
// through the same parser as every other money field (market/money.ts).

/** Stored amounts are PostgreSQL integers (shared's MAX_INT32). */
export const MAX_AMOUNT_MINOR = 2_147_483_647;
/** The smallest top-up and the smallest daily or total budget (storedMinorSchema.min(100)). */
export const MIN_TOP_UP_MINOR = 100;
export const MIN_BUDGET_MINOR = 100;
export const MAX_CATEGORIES = 10;
export const MAX_BIDS = 50;

export type AmountResult = { ok: true; minor: number } | { ok: false; error: string };

/** An amount as typed, in the ad currency, at least `minMinor`. */
export function parseAdAmount(text: string, currency: string, minMinor = 1): AmountResult {
  const parsed = parseMoneyInput(text, currency, { maxMinor: MAX_AMOUNT_MINOR });
  if (!parsed.ok) return parsed;
  if (parsed.minor < minMinor) return { ok: false, error: `Enter at least ${formatMoney(minMinor, currency)}.` };
  return parsed;
}

/** A bid per click, refused below the placement's reserve (the api would never let it win). */
export function validateBid(text: string, currency: string, reserveMinor: number, placement: AdPlacement): AmountResult {
  const parsed = parseMoneyInput(text, currency, { maxMinor: MAX_AMOUNT_MINOR });
  if (!parsed.ok) return parsed;
  const floor = Math.max(1, reserveMinor);
  if (parsed.minor < floor) {
    return {
      ok: false,
      error: `Bid at least ${formatMoney(floor, currency)}: the reserve price for ${AD_PLACEMENT_LABELS[placement].toLowerCase()}.`,
    };
  }
  return parsed;
}

/** Whether a bid in minor units clears the reserve (the simulator's slider starts there). */
export const clearsReserve = (bidMinor: number, reserveMinor: number) => bidMinor >= Math.max(1, reserveMinor);

// Campaigns

export interface CampaignForm {
  shopId: string;
  name: string;
  dailyBudget: string;
  /** Optional: empty for no total cap. */
  totalBudget: string;
  /** datetime-local values; empty start means now, empty end means no end. */
  startsAt: string;
  endsAt: string;
}

export type CampaignErrors = Partial<Record<keyof CampaignForm, string>>;

export const emptyCampaign = (shopId = ''): CampaignForm => ({
  shopId,
  name: '',
  dailyBudget: '',
  totalBudget: '',
  startsAt: '',
  endsAt: '',
});

export function validateCampaign(
  form: CampaignForm,
  currency: string,
  now = new Date(),
): { ok: true; body: CampaignCreateBody } | { ok: false; errors: CampaignErrors } {
  const errors: CampaignErrors = {};
  if (!form.shopId) errors.shopId = 'Choose the shop that advertises.';
  const name = form.name.trim();
  if (name.length < 1 || name.length > 100) errors.name = 'Name the campaign (up to 100 characters).';
  const daily = parseAdAmount(form.dailyBudget, currency, MIN_BUDGET_MINOR);
  if (!daily.ok) errors.dailyBudget = daily.error;
  let total: number | null = null;
  if (form.totalBudget.trim()) {
    const parsed = parseAdAmount(form.totalBudget, currency, MIN_BUDGET_MINOR);
    if (parsed.ok) total = parsed.minor;
    else errors.totalBudget = parsed.error;
  }
  const startsAt = form.startsAt ? localToIso(form.startsAt) : null;
  if (form.startsAt && !startsAt) errors.startsAt = 'Choose a start date and time, or leave it empty to start now.';
  const endsAt = form.endsAt ? localToIso(form.endsAt) : null;
  if (form.endsAt && !endsAt) errors.endsAt = 'Choose an end date and time, or leave it empty to run until you end it.';
  else if (endsAt && Date.parse(endsAt) <= Math.max(now.getTime(), startsAt ? Date.parse(startsAt) : 0)) {
    errors.endsAt = 'The end must be after the start (and in the future).';
  }
  if (!daily.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: {
      shopId: form.shopId,
      name,
      dailyBudgetMinor: daily.minor,
      totalBudgetMinor: total,
      ...(startsAt ? { startsAt } : {}),
      endsAt,
    },
  };
}

// Ads

export interface KeywordBid {
  keyword: string;
  amount: string;
}

/** Bids by placement as typed; an empty amount means no bid there. Search bids per keyword. */
export interface AdForm {
  target: 'listing' | 'show';
  listingId: string;
  streamId: string;
  /** Comma-separated. */
  categories: string;
  home: string;
  related: string;
  liveNow: string;
  keywords: KeywordBid[];
}

/** Errors by field: target, categories, bids, and `bid.<placement>` or `keyword.<row>` for one bid. */
export type AdErrors = Partial<Record<string, string>>;

export const emptyAdForm = (): AdForm => ({
  target: 'listing',
  listingId: '',
  streamId: '',
  categories: '',
  home: '',
  related: '',
  liveNow: '',
  keywords: [{ keyword: '', amount: '' }],
});

/** "Tea, teapots, , tea" → ["tea", "teapots"]: trimmed, empty ones dropped, each once (case-insensitively). */
export function parseCategories(text: string): { ok: true; categories: string[] } | { ok: false; error: string } {
  const seen = new Set<string>();
  const categories: string[] = [];
  for (const raw of text.split(',')) {
    const category = raw.trim();
    if (!category || seen.has(category.toLowerCase())) continue;
    if (category.length > 60) return { ok: false, error: 'Keep each category under 60 characters.' };
    seen.add(category.toLowerCase());
    categories.push(category);
  }
  if (categories.length > MAX_CATEGORIES) return { ok: false, error: `At most ${MAX_CATEGORIES} categories.` };
  return { ok: true, categories };
}

/** A keyword as the api stores it (trimmed, lower case), or why not. */
export function parseKeyword(text: string): { ok: true; keyword: string } | { ok: false; error: string } {
  const keyword = text.trim().toLowerCase();
  if (keyword.length < 1 || keyword.length > 60) return { ok: false, error: 'A keyword is 1 to 60 characters.' };
  if (!/[\p{L}\p{N}]/u.test(keyword)) return { ok: false, error: 'A keyword needs a letter or a digit.' };
  return { ok: true, keyword };
}

/**
 * Checks the add-ad form against the reserves and builds the api's AdInput:
 * a listing bids in search (per keyword), on the home page and next to
 * related listings; a show bids in "Live now" only.
 */
export function validateAdForm(
  form: AdForm,
  currency: string,
  reserves: Partial<Record<AdPlacement, number>>,
): { ok: true; ad: AdInput } | { ok: false; errors: AdErrors } {
  const errors: AdErrors = {};
  const bids: AdInput['bids'] = [];
  const bid = (placement: AdPlacement, text: string, field: string, keyword?: string): void => {
    const checked = validateBid(text, currency, reserves[placement] ?? 1, placement);
    if (!checked.ok) errors[field] = checked.error;
    else bids.push(keyword === undefined ? { placement, maxCpcMinor: checked.minor } : { placement, keyword, maxCpcMinor: checked.minor });
  };

  if (form.target === 'listing') {
    if (!form.listingId) errors.target = 'Choose the listing to promote.';
    const keywords = new Set<string>();
    form.keywords.forEach((row, i) => {
      if (!row.keyword.trim() && !row.amount.trim()) return;
      const parsed = parseKeyword(row.keyword);
      if (!parsed.ok) errors[`keyword.${i}`] = parsed.error;
      else if (keywords.has(parsed.keyword)) errors[`keyword.${i}`] = `You bid on “${parsed.keyword}” already.`;
      else {
        keywords.add(parsed.keyword);
        bid('search', row.amount, `keyword.${i}`, parsed.keyword);
      }
    });
    if (form.home.trim()) bid('home', form.home, 'bid.home');
    if (form.related.trim()) bid('related', form.related, 'bid.related');
  } else {
    if (!form.streamId) errors.target = 'Choose the show to promote.';
    if (form.liveNow.trim()) bid('live_now', form.liveNow, 'bid.live_now');
  }

  const categories = parseCategories(form.categories);
  if (!categories.ok) errors.categories = categories.error;
  if (bids.length === 0 && Object.keys(errors).every((k) => !k.startsWith('bid') && !k.startsWith('keyword'))) {
    errors.bids =
      form.target === 'listing'
        ? 'Bid on at least one placement: a search keyword, the home page or related listings.'
        : 'Bid on the "Live now" row.';
  }
  if (bids.length > MAX_BIDS) errors.bids = `At most ${MAX_BIDS} bids per ad.`;
  if (Object.keys(errors).length > 0 || !categories.ok) return { ok: false, errors };

  const target = form.target === 'listing' ? { listingId: form.listingId } : { streamId: form.streamId };
  return { ok: true, ad: { ...target, categories: categories.categories, bids, active: true } };
}

// Statements

/** "2026-03" for the month `now` is in (local calendar). */
export function monthOf(now: Date): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

export const isMonth = (value: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
