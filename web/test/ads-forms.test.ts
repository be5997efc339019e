import {
  AD_PLACEMENT_LABELS as SHARED_LABELS,
  AD_SLOT_POSITIONS as SHARED_POSITIONS,
  adInputSchema,
  adPlacements,
  adTopUpBodySchema,
  adWithdrawBodySchema,
  campaignCreateBodySchema,
} from '@hawker/shared';
import { describe, expect, it } from 'vitest';
import type { AdTopUpBody, AdWithdrawBody } from '../src/lib/ads/api.js';
import {
  clearsReserve,
  emptyAdForm,
  emptyCampaign,
  isMonth,
  monthOf,
  parseAdAmount,
  parseCategories,
  parseKeyword,
  validateAdForm,
  validateBid,
  validateCampaign,
  type AdForm,
} from '../src/lib/ads/forms.js';
import { AD_PLACEMENT_LABELS, AD_PLACEMENTS, AD_SLOT_POSITIONS } from '../src/lib/ads/placements.js';

// The ads forms as typed: major units in, integer minor units out; bids refused
// below the placement's reserve; and what they build passes the api's own
// schemas (shared/src/ads.ts).

const SHOP = '0190c3b0-0000-7000-8000-00000000a001';
const LISTING = '0190c3b0-0000-7000-8000-00000000a002';
const SHOW = '0190c3b0-0000-7000-8000-00000000a003';
const RESERVES = { search: 20, home: 15, live_now: 25, related: 10 };
const NOW = new Date('2026-03-10T12:00:00.000Z');

const minor = (text: string, currency = 'USD', min?: number) => {
  const result = parseAdAmount(text, currency, min);
  return result.ok ? result.minor : result.error;
};

describe('the placement constants', () => {
  it('are the contract’s, copied so the bundle stays free of zod', () => {
    expect(AD_PLACEMENTS).toEqual(adPlacements);
    expect(AD_SLOT_POSITIONS).toEqual(SHARED_POSITIONS);
    expect(AD_PLACEMENT_LABELS).toEqual(SHARED_LABELS);
  });
});

describe('money input for ads', () => {
  it('turns major units into exact minor units, never through a float', () => {
    expect(minor('12.50')).toBe(1250);
    expect(minor('0.29')).toBe(29);
    expect(minor('1.15')).toBe(115);
    expect(minor(' 7 ')).toBe(700);
    expect(minor('.5')).toBe(50);
    expect(minor('1500', 'JPY')).toBe(1500);
  });

  it('refuses what is not an amount, a fraction of a cent, and more than the database holds', () => {
    expect(minor('')).toBe('Enter an amount.');
    expect(minor('-3')).toBe('The amount cannot be negative.');
    expect(minor('1,50')).toMatch(/digits/);
    expect(minor('0.005')).toBe('Use at most 2 decimal places.');
    expect(minor('21474836.48')).toBe('That amount is too large.');
    expect(minor('21474836.47')).toBe(2_147_483_647);
  });

  it('holds the smallest top-up and budget (1.00)', () => {
    expect(minor('0.99', 'USD', 100)).toBe('Enter at least $1.00.');
    expect(minor('1', 'USD', 100)).toBe(100);
  });
});

describe('bids and reserves', () => {
  it('refuses a bid below the placement’s reserve, and says what the reserve is', () => {
    const low = validateBid('0.19', 'USD', RESERVES.search, 'search');
    expect(low).toEqual({ ok: false, error: 'Bid at least $0.20: the reserve price for search results.' });
    expect(validateBid('0.20', 'USD', RESERVES.search, 'search')).toEqual({ ok: true, minor: 20 });
    expect(validateBid('0.10', 'USD', RESERVES.related, 'related')).toEqual({ ok: true, minor: 10 });
    expect(validateBid('0.24', 'USD', RESERVES.live_now, 'live_now').ok).toBe(false);
  });

  it('still refuses a zero bid when the reserve is missing, and a malformed one', () => {
    expect(validateBid('0', 'USD', 0, 'home').ok).toBe(false);
    expect(validateBid('0.01', 'USD', 0, 'home')).toEqual({ ok: true, minor: 1 });
    expect(validateBid('abc', 'USD', 10, 'home').ok).toBe(false);
  });

  it('clearsReserve agrees', () => {
    expect(clearsReserve(19, 20)).toBe(false);
    expect(clearsReserve(20, 20)).toBe(true);
    expect(clearsReserve(0, 0)).toBe(false);
  });
});

describe('validateCampaign', () => {
  it('builds a body the api accepts: budgets in minor units, no total cap, start now', () => {
    const form = { ...emptyCampaign(SHOP), name: '  Spring teas ', dailyBudget: '10' };
    const checked = validateCampaign(form, 'USD', NOW);
    expect(checked).toEqual({
      ok: true,
      body: { shopId: SHOP, name: 'Spring teas', dailyBudgetMinor: 1000, totalBudgetMinor: null, endsAt: null },
    });
    if (checked.ok) expect(campaignCreateBodySchema.safeParse(checked.body).success).toBe(true);
  });

  it('takes a total budget and start and end times (local wall clock to ISO)', () => {
    const form = {
      ...emptyCampaign(SHOP),
      name: 'Sale',
      dailyBudget: '5.50',
      totalBudget: '100',
      startsAt: '2026-03-11T09:00',
      endsAt: '2026-03-20T18:30',
    };
    const checked = validateCampaign(form, 'USD', NOW);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.body.dailyBudgetMinor).toBe(550);
    expect(checked.body.totalBudgetMinor).toBe(10_000);
    expect(checked.body.startsAt).toBe(new Date('2026-03-11T09:00').toISOString());
    expect(checked.body.endsAt).toBe(new Date('2026-03-20T18:30').toISOString());
    expect(campaignCreateBodySchema.safeParse(checked.body).success).toBe(true);
  });

  it('points at each field the api would refuse', () => {
    const checked = validateCampaign(
      { shopId: '', name: ' ', dailyBudget: '0.50', totalBudget: 'lots', startsAt: '2026-03-15T09:00', endsAt: '2026-03-12T09:00' },
      'USD',
      NOW,
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.errors).sort()).toEqual(['dailyBudget', 'endsAt', 'name', 'shopId', 'totalBudget']);
    expect(checked.errors.dailyBudget).toBe('Enter at least $1.00.');
  });

  it('refuses an end in the past', () => {
    const checked = validateCampaign({ ...emptyCampaign(SHOP), name: 'x', dailyBudget: '1', endsAt: '2026-03-01T00:00' }, 'USD', NOW);
    expect(checked.ok ? null : checked.errors.endsAt).toMatch(/after the start/);
  });
});

describe('validateAdForm', () => {
  const listingForm = (extra: Partial<AdForm> = {}): AdForm => ({ ...emptyAdForm(), listingId: LISTING, ...extra });

  it('builds a listing ad with a bid per search keyword, the home page and related listings', () => {
    const checked = validateAdForm(
      listingForm({
        categories: 'Tea, teaware, tea',
        keywords: [
          { keyword: ' Green Tea ', amount: '0.40' },
          { keyword: '', amount: '' },
          { keyword: 'matcha', amount: '0.25' },
        ],
        home: '0.15',
        related: '0.30',
      }),
      'USD',
      RESERVES,
    );
    expect(checked).toEqual({
      ok: true,
      ad: {
        listingId: LISTING,
        categories: ['Tea', 'teaware'],
        bids: [
          { placement: 'search', keyword: 'green tea', maxCpcMinor: 40 },
          { placement: 'search', keyword: 'matcha', maxCpcMinor: 25 },
          { placement: 'home', maxCpcMinor: 15 },
          { placement: 'related', maxCpcMinor: 30 },
        ],
        active: true,
      },
    });
    if (checked.ok) expect(adInputSchema.safeParse(checked.ad).success).toBe(true);
  });

  it('builds a show ad for "Live now" only, whatever the listing fields say', () => {
    const checked = validateAdForm(
      { ...emptyAdForm(), target: 'show', streamId: SHOW, liveNow: '0.50', home: '1', keywords: [{ keyword: 'tea', amount: '1' }] },
      'USD',
      RESERVES,
    );
    expect(checked.ok && checked.ad).toEqual({
      streamId: SHOW,
      categories: [],
      bids: [{ placement: 'live_now', maxCpcMinor: 50 }],
      active: true,
    });
    if (checked.ok) expect(adInputSchema.safeParse(checked.ad).success).toBe(true);
  });

  it('refuses bids below the reserve, each at its own field', () => {
    const checked = validateAdForm(
      listingForm({ keywords: [{ keyword: 'tea', amount: '0.19' }], home: '0.14', related: '0.10' }),
      'USD',
      RESERVES,
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors['keyword.0']).toBe('Bid at least $0.20: the reserve price for search results.');
    expect(checked.errors['bid.home']).toBe('Bid at least $0.15: the reserve price for home page.');
    expect(checked.errors['bid.related']).toBeUndefined();
    expect(checked.errors.bids).toBeUndefined();
  });

  it('needs a target, at least one bid, and distinct, sensible keywords', () => {
    const none = validateAdForm({ ...emptyAdForm() }, 'USD', RESERVES);
    expect(none.ok ? null : Object.keys(none.errors).sort()).toEqual(['bids', 'target']);
    const repeated = validateAdForm(
      listingForm({
        keywords: [
          { keyword: 'Tea', amount: '1' },
          { keyword: 'tea ', amount: '2' },
          { keyword: '!!', amount: '1' },
        ],
      }),
      'USD',
      RESERVES,
    );
    expect(repeated.ok ? null : repeated.errors).toEqual({
      'keyword.1': 'You bid on “tea” already.',
      'keyword.2': 'A keyword needs a letter or a digit.',
    });
    const noShow = validateAdForm({ ...emptyAdForm(), target: 'show', liveNow: '1' }, 'USD', RESERVES);
    expect(noShow.ok ? null : noShow.errors).toEqual({ target: 'Choose the show to promote.' });
  });

  it('checks categories', () => {
    expect(parseCategories(' a, b ,, A ')).toEqual({ ok: true, categories: ['a', 'b'] });
    expect(parseCategories(Array.from({ length: 11 }, (_, i) => `c${i}`).join(',')).ok).toBe(false);
    expect(parseCategories('x'.repeat(61)).ok).toBe(false);
    expect(parseKeyword('  Ceramic TEAPOT ')).toEqual({ ok: true, keyword: 'ceramic teapot' });
    expect(parseKeyword('x'.repeat(61)).ok).toBe(false);
  });
});

describe('money request bodies', () => {
  it('are what the api’s schemas take', () => {
    const card: AdTopUpBody = { amountMinor: 5000, source: 'card', paymentMethod: 'pm_card_visa' };
    const wallet: AdTopUpBody = { amountMinor: 100, source: 'wallet', shopId: SHOP };
    const withdraw: AdWithdrawBody = { amountMinor: 1, shopId: SHOP };
    expect(adTopUpBodySchema.safeParse(card).success).toBe(true);
    expect(adTopUpBodySchema.safeParse(wallet).success).toBe(true);
    expect(adWithdrawBodySchema.safeParse(withdraw).success).toBe(true);
  });
});

describe('statement months', () => {
  it('names the month a date is in, as the api asks for it', () => {
    expect(monthOf(new Date(2026, 0, 31))).toBe('2026-01');
    expect(monthOf(new Date(2026, 11, 1))).toBe('2026-12');
    expect(isMonth('2026-12')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('2026-1')).toBe(false);
  });
});
