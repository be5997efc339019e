import type { CreateSponsorshipBody } from '@hawker/shared';
import { parseMoneyInput } from '../market/money.js';
import { parsePercent, parseWhole } from './terms.js';

// The brand's forms as typed, checked as the api will check them
// (shared/src/sponsorships.ts) so a problem points at its field before a round trip.

/** The api's smallest top-up, in minor units (shared/src/sponsorships.ts). */
export const MIN_TOP_UP_MINOR = 100;
/** Stored amounts are PostgreSQL integers (shared's MAX_INT32, not imported: its module builds zod schemas). */
export const MAX_AMOUNT_MINOR = 2_147_483_647;

export type SetupErrors = Partial<Record<'companyName' | 'website', string>>;

/** The company name and website as typed, checked as the api will check them. */
export function validateBrandSetup(
  companyName: string,
  website: string,
): { ok: true; website?: string } | { ok: false; errors: SetupErrors } {
  const errors: SetupErrors = {};
  const name = companyName.trim();
  if (name.length < 2 || name.length > 100) errors.companyName = 'Enter your company name (2 to 100 characters).';
  const site = website.trim();
  if (site) {
    let url: URL | null = null;
    try {
      url = new URL(site);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || site.length > 300) {
      errors.website = 'Enter the full address, e.g. https://example.com, or leave it empty.';
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return site ? { ok: true, website: site } : { ok: true };
}

/** The offer form as typed. */
export interface OfferForm {
  fee: string;
  currency: string;
  /** Per cent of the brand's listings sold in the covered shows, e.g. "10" or "12.5". */
  commission: string;
  liveMinutes: string;
  pinnedMinutes: string;
  flashDeals: string;
  coverage: 'show' | 'next';
  /** With coverage 'show': one of the creator's upcoming shows. */
  streamId: string;
  /** With coverage 'next': how many of their next shows. */
  nextShows: string;
  /** The last day the creator can accept (yyyy-mm-dd, the brand's own calendar). */
  expiresOn: string;
  message: string;
}

export type OfferField = keyof OfferForm;
export type OfferErrors = Partial<Record<OfferField, string>>;

/** A date input's value for the day `days` from `now`, in local time. */
export function dayInput(now: Date, days: number): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The end of that local day as an ISO instant, or null for something that is not a date. */
export function endOfDay(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const d = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function emptyOffer(now = new Date()): OfferForm {
  return {
    fee: '',
    currency: 'USD',
    commission: '0',
    liveMinutes: '60',
    pinnedMinutes: '0',
    flashDeals: '0',
    coverage: 'next',
    streamId: '',
    nextShows: '1',
    expiresOn: dayInput(now, 7),
    message: '',
  };
}

/** Checks the form as the api will (shared/src/sponsorships.ts) and builds the body. */
export function validateOffer(
  form: OfferForm,
  creatorId: string,
  now = new Date(),
): { ok: true; body: CreateSponsorshipBody } | { ok: false; errors: OfferErrors } {
  const errors: OfferErrors = {};
  const fee = parseMoneyInput(form.fee, form.currency, { maxMinor: MAX_AMOUNT_MINOR });
  if (!fee.ok) errors.fee = fee.error;
  const commission = parsePercent(form.commission, { minBps: 0, maxBps: 5000 });
  if (!commission.ok) errors.commission = commission.error;
  const live = parseWhole(form.liveMinutes || '0', 0, 100_000);
  if (!live.ok) errors.liveMinutes = live.error;
  const pinned = parseWhole(form.pinnedMinutes || '0', 0, 100_000);
  if (!pinned.ok) errors.pinnedMinutes = pinned.error;
  const deals = parseWhole(form.flashDeals || '0', 0, 1000);
  if (!deals.ok) errors.flashDeals = deals.error;

  let coverage: CreateSponsorshipBody['coverage'] | null = null;
  if (form.coverage === 'show') {
    if (form.streamId) coverage = { streamId: form.streamId };
    else errors.streamId = 'Choose one of their upcoming shows.';
  } else {
    const next = parseWhole(form.nextShows, 1, 20);
    if (next.ok) coverage = { nextShows: next.value };
    else errors.nextShows = next.error;
  }

  const expiresAt = endOfDay(form.expiresOn);
  if (!expiresAt) errors.expiresOn = 'Choose the last day they can accept.';
  else if (Date.parse(expiresAt) <= now.getTime()) errors.expiresOn = 'Choose a day from today on.';

  const message = form.message.trim();
  if (message.length > 2000) errors.message = 'Keep the message under 2,000 characters.';

  if (!fee.ok || !commission.ok || !live.ok || !pinned.ok || !deals.ok || !coverage || !expiresAt || Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    body: {
      creatorId,
      flatFeeMinor: fee.minor,
      currency: form.currency as CreateSponsorshipBody['currency'],
      commissionBps: commission.bps,
      minLiveMinutes: live.value,
      minPinnedMinutes: pinned.value,
      minFlashDeals: deals.value,
      coverage,
      expiresAt,
      message,
    },
  };
}
