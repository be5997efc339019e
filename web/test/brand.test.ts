import type { BrandSummary, CreatorCard, Earnings, ListingSummary, SponsorshipReport, SponsorshipView } from '@hawker/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrandAccount } from '../src/lib/brand/brand-account.svelte.js';
import { CreatorSearch } from '../src/lib/brand/creator-search.svelte.js';
import { ProductOpens } from '../src/lib/brand/events.js';
import { dayInput, emptyOffer, endOfDay, validateBrandSetup, validateOffer, type OfferForm } from '../src/lib/brand/forms.js';
import { OfferDraft } from '../src/lib/brand/offer.svelte.js';
import { minuteSeries, readerOf } from '../src/lib/brand/report-series.js';
import { ReportView } from '../src/lib/brand/report.svelte.js';
import { SponsorshipDesk } from '../src/lib/brand/sponsorships.svelte.js';
import {
  deliverablesText,
  deliveredShareBps,
  deliveryText,
  formatPercent,
  parsePercent,
  releaseExample,
  releaseSplit,
} from '../src/lib/brand/terms.js';
import { EarningsManager } from '../src/lib/earnings/earnings.svelte.js';
import { dailySeries, earningCurrencies } from '../src/lib/earnings/series.js';
import { SellerListings, validateAffiliate } from '../src/lib/market/seller-listings.svelte.js';

// The brand, sponsorship, earnings and affiliate managers against a scripted
// api: each route answers with the next queued response; every request is
// recorded with its headers and body.

interface Call {
  key: string;
  headers: Record<string, string>;
  body: unknown;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const failure = (status: number, code: string, message: string) =>
  json(status, { error: { type: 'invalid_request_error', code, message } });

function fakeApi(routes: Record<string, (() => Response | Promise<Response>)[]>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    const key = `${init.method ?? 'GET'} ${url}`;
    calls.push({
      key,
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    });
    const next = routes[key]?.shift();
    if (!next) throw new Error(`unexpected request ${key}`);
    return Promise.resolve(next());
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const BRAND = '0190c3b0-0000-7000-8000-00000000b001';
const CREATOR = '0190c3b0-0000-7000-8000-00000000c001';
const SHOW = '0190c3b0-0000-7000-8000-00000000d001';
const SPONSORSHIP = '0190c3b0-0000-7000-8000-00000000e001';

const summary = (availableMinor = 0): BrandSummary => ({
  id: BRAND,
  companyName: 'Acme Teas',
  website: null,
  logoUrl: null,
  balances: availableMinor > 0 ? [{ currency: 'USD', availableMinor, heldMinor: 0 }] : [],
  topUps: [],
});

const sponsorship = (extra: Partial<SponsorshipView> = {}): SponsorshipView => ({
  id: SPONSORSHIP,
  status: 'proposed',
  brand: { id: BRAND, companyName: 'Acme Teas' },
  creator: { id: CREATOR, displayName: 'Mina', handle: 'mina' },
  flatFeeMinor: 10_000,
  currency: 'USD',
  commissionBps: 1000,
  minLiveMinutes: 60,
  minPinnedMinutes: 20,
  minFlashDeals: 2,
  coverage: { streamId: null, shows: 1 },
  coveredStreamIds: [],
  message: '',
  expiresAt: '2030-01-01T00:00:00.000Z',
  createdAt: '2029-12-01T00:00:00.000Z',
  releaseAt: null,
  delivery: null,
  releasedMinor: 0,
  returnedMinor: 0,
  ...extra,
});

const card: CreatorCard = {
  id: CREATOR,
  handle: 'mina',
  displayName: 'Mina',
  avatarUrl: null,
  followerCount: 10,
  shows: 2,
  averageViewers: 5,
  peakViewers: 9,
  categories: ['home'],
  trustScore: null,
  gmvMinor: null,
  currency: null,
};

describe('the release rule', () => {
  it('pays fee × the mean of min(1, delivered ÷ required) over the asked deliverables, rounded down', () => {
    const asked = [
      { required: 60, delivered: 75 },
      { required: 20, delivered: 10 },
      { required: 2, delivered: 1 },
    ];
    expect(deliveredShareBps(asked)).toBe(6666);
    expect(releaseSplit(10_000, asked)).toEqual({ bps: 6666, toCreatorMinor: 6666, toBrandMinor: 3334 });
    // Deliverables not asked for do not count; nothing asked for releases everything.
    expect(
      deliveredShareBps([
        { required: 0, delivered: 0 },
        { required: 10, delivered: 5 },
      ]),
    ).toBe(5000);
    expect(releaseSplit(999, [{ required: 0, delivered: 0 }])).toEqual({ bps: 10_000, toCreatorMinor: 999, toBrandMinor: 0 });
  });

  it('states the worked example', () => {
    const example = releaseExample();
    expect(example.share).toBe('66.67 %');
    expect(example.toCreator).toBe('$66.66');
    expect(example.toBrand).toBe('$33.34');
    expect(example.text).toContain('Fee $100.00');
    expect(example.text).toContain('(1 + 0.5 + 0.5) ÷ 3 = 66.67 %');
  });

  it('describes deliverables and a measurement', () => {
    expect(deliverablesText(sponsorship())).toBe('60 live minutes, 20 pinned minutes, 2 flash deals');
    expect(deliverablesText(sponsorship({ minLiveMinutes: 0, minPinnedMinutes: 0, minFlashDeals: 1 }))).toBe('1 flash deal');
    expect(deliveryText(sponsorship())).toBeNull();
    const measured = sponsorship({ delivery: { liveMinutes: 75, pinnedMinutes: 10, flashDeals: 1, deliveredBps: 6666 } });
    expect(deliveryText(measured)).toBe('Delivered 75 of 60 live min, 10 of 20 pinned min, 1 of 2 flash deals: 66.66 % of the fee');
  });
});

describe('percentages', () => {
  it('reads per cent as typed into basis points, exactly', () => {
    expect(parsePercent('10')).toEqual({ ok: true, bps: 1000 });
    expect(parsePercent('12.5')).toEqual({ ok: true, bps: 1250 });
    expect(parsePercent('0.29 %')).toEqual({ ok: true, bps: 29 });
    expect(parsePercent('50')).toEqual({ ok: true, bps: 5000 });
    expect(parsePercent('50.01').ok).toBe(false);
    expect(parsePercent('0', { minBps: 1 }).ok).toBe(false);
    expect(parsePercent('1.234')).toEqual({ ok: false, error: 'Use at most 2 decimal places.' });
    expect(parsePercent('ten').ok).toBe(false);
    expect(formatPercent(1250)).toBe('12.5 %');
  });
});

describe('the offer form', () => {
  const now = new Date(2030, 0, 10, 12, 0);
  const filled = (extra: Partial<OfferForm> = {}): OfferForm => ({
    ...emptyOffer(now),
    fee: '100',
    commission: '10',
    liveMinutes: '60',
    pinnedMinutes: '20',
    flashDeals: '2',
    ...extra,
  });

  it('builds the api body: integer money, basis points, coverage, expiry at the end of the chosen day', () => {
    const result = validateOffer(filled({ coverage: 'show', streamId: SHOW, message: '  Hi  ' }), CREATOR, now);
    expect(result).toEqual({
      ok: true,
      body: {
        creatorId: CREATOR,
        flatFeeMinor: 10_000,
        currency: 'USD',
        commissionBps: 1000,
        minLiveMinutes: 60,
        minPinnedMinutes: 20,
        minFlashDeals: 2,
        coverage: { streamId: SHOW },
        expiresAt: endOfDay(dayInput(now, 7)),
        message: 'Hi',
      },
    });
    const next = validateOffer(filled({ coverage: 'next', nextShows: '3' }), CREATOR, now);
    expect(next.ok && next.body.coverage).toEqual({ nextShows: 3 });
    expect(new Date(endOfDay('2030-01-17') ?? '').getHours()).toBe(23);
  });

  it('points at each field the api would refuse', () => {
    const result = validateOffer(
      filled({ fee: '0.005', commission: '51', liveMinutes: '-1', coverage: 'show', streamId: '', expiresOn: '2030-01-09' }),
      CREATOR,
      now,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['commission', 'expiresOn', 'fee', 'liveMinutes', 'streamId']);
    const shows = validateOffer(filled({ coverage: 'next', nextShows: '21' }), CREATOR, now);
    expect(!shows.ok && shows.errors.nextShows).toBeTruthy();
  });

  it('sends a valid offer and reports an api refusal', async () => {
    const calls = fakeApi({
      'POST /api/sponsorships': [
        () => json(201, sponsorship()),
        () => failure(400, 'invalid_show', "Cover one of this creator's upcoming or live shows."),
      ],
      'GET /api/creators/mina': [() => json(200, { upcoming: [{ id: SHOW, title: 'Friday drop' }] })],
    });
    const draft = new OfferDraft(card);
    await draft.shows.load();
    expect(draft.shows.data?.map((s) => s.id)).toEqual([SHOW]);
    const sent = await draft.send(filled(), now);
    expect(sent.ok).toBe(true);
    expect(calls.find((c) => c.key === 'POST /api/sponsorships')?.body).toMatchObject({ creatorId: CREATOR, flatFeeMinor: 10_000 });

    const refused = await draft.send(filled({ coverage: 'show', streamId: SHOW }), now);
    expect(refused).toEqual({ ok: false, errors: {} });
    expect(draft.error).toBe("Cover one of this creator's upcoming or live shows.");
    // A form that fails the checks sends nothing.
    expect((await draft.send(filled({ fee: '' }), now)).ok).toBe(false);
    expect(calls.filter((c) => c.key === 'POST /api/sponsorships')).toHaveLength(2);
  });
});

describe('BrandAccount', () => {
  it('sets up a brand, then reads the session again for the new role', async () => {
    const calls = fakeApi({ 'POST /api/brand': [() => json(201, summary())] });
    const refresh = vi.fn(() => Promise.resolve());
    const account = new BrandAccount(refresh);
    expect(await account.setUp('A', 'not a url')).toBe(false);
    expect(Object.keys(account.setupErrors).sort()).toEqual(['companyName', 'website']);
    expect(calls).toHaveLength(0);

    expect(await account.setUp(' Acme Teas ', '')).toBe(true);
    expect(calls[0]?.body).toEqual({ companyName: 'Acme Teas' });
    expect(refresh).toHaveBeenCalledOnce();
    expect(account.current?.companyName).toBe('Acme Teas');
    expect(validateBrandSetup('Acme', 'javascript:alert(1)').ok).toBe(false);
    expect(validateBrandSetup('Acme', 'https://acme.example')).toEqual({ ok: true, website: 'https://acme.example' });
  });

  it('uses a new Idempotency-Key for each press, and the same one only to retry a press whose answer was lost', async () => {
    const calls = fakeApi({
      'POST /api/brand/funding': [
        () => json(201, summary(5000)),
        () => json(201, summary(10_000)),
        () => Promise.reject(new TypeError('Failed to fetch')),
        () => json(201, summary(15_000)),
        () => failure(402, 'card_declined', 'Your card was declined.'),
        () => json(201, summary(20_000)),
      ],
    });
    const account = new BrandAccount(() => Promise.resolve());
    expect(await account.topUp('50', 'USD', 'pm_card_visa')).toBe(true);
    expect(account.topUpNotice).toBe('$50.00 added to your balance.');
    expect(await account.topUp('50', 'USD', 'pm_card_visa')).toBe(true);
    // Lost on the way: the retry of that same press reuses its key.
    expect(await account.topUp('50', 'USD', 'pm_card_visa')).toBe(false);
    expect(account.topUpError).toBe("Can't reach Hawker right now. Check your connection and try again.");
    expect(await account.topUp('50', 'USD', 'pm_card_visa')).toBe(true);
    // A declined card is an answer: shown as the api says it, and the next press is new.
    expect(await account.topUp('50', 'USD', 'pm_card_chargeDeclined')).toBe(false);
    expect(account.topUpError).toBe('Your card was declined.');
    expect(await account.topUp('50', 'USD', 'pm_card_chargeDeclined')).toBe(true);

    const keys = calls.map((c) => c.headers['Idempotency-Key']);
    expect(keys.every(Boolean)).toBe(true);
    expect(keys[2]).toBe(keys[3]);
    expect(new Set(keys).size).toBe(5);
    expect(calls[0]?.body).toEqual({ amountMinor: 5000, currency: 'USD', paymentMethod: 'pm_card_visa' });
    expect(account.current?.balances[0]?.availableMinor).toBe(20_000);
  });

  it('refuses amounts below the minimum before charging', async () => {
    const calls = fakeApi({});
    const account = new BrandAccount(() => Promise.resolve());
    expect(await account.topUp('0.50', 'USD', 'pm_card_visa')).toBe(false);
    expect(account.topUpError).toBe('The smallest top-up is $1.00.');
    expect(await account.topUp('12.345', 'USD', 'pm_card_visa')).toBe(false);
    expect(calls).toHaveLength(0);
  });
});

describe('CreatorSearch', () => {
  it('asks the api with the query', async () => {
    const calls = fakeApi({ 'GET /api/brand/creators?q=tea%20pots': [() => json(200, { data: [card] })] });
    const search = new CreatorSearch();
    search.query = ' tea pots ';
    search.search();
    await vi.waitFor(() => expect(search.results.status).toBe('ready'));
    expect(search.creators).toEqual([card]);
    expect(calls).toHaveLength(1);
  });
});

describe('SponsorshipDesk', () => {
  it("keeps an offer open and shows the api's message when the brand cannot pay; accepts once it can", async () => {
    const message = 'Acme Teas cannot pay the fee right now; they have been told. The offer stays open.';
    fakeApi({
      'GET /api/sponsorships?as=creator': [() => json(200, { data: [sponsorship()] })],
      [`POST /api/sponsorships/${SPONSORSHIP}/accept`]: [
        () => failure(402, 'brand_insufficient_funds', message),
        () => json(200, sponsorship({ status: 'accepted' })),
      ],
    });
    const desk = new SponsorshipDesk('creator');
    await desk.list.load();
    expect(await desk.accept(SPONSORSHIP)).toBe(false);
    expect(desk.rowErrors[SPONSORSHIP]).toBe(message);
    expect(desk.items[0]?.status).toBe('proposed');

    expect(await desk.accept(SPONSORSHIP)).toBe(true);
    expect(desk.rowErrors[SPONSORSHIP]).toBeUndefined();
    expect(desk.items[0]?.status).toBe('accepted');
  });

  it('raises only upwards and only what changed; disputes need a reason', async () => {
    const accepted = sponsorship({ status: 'accepted' });
    const calls = fakeApi({
      'GET /api/sponsorships?as=brand': [() => json(200, { data: [accepted] })],
      [`PATCH /api/sponsorships/${SPONSORSHIP}`]: [() => json(200, { ...accepted, flatFeeMinor: 12_000 })],
      [`POST /api/sponsorships/${SPONSORSHIP}/dispute`]: [() => json(200, { ...accepted, status: 'disputed' })],
    });
    const desk = new SponsorshipDesk('brand');
    await desk.list.load();
    expect(await desk.raise(SPONSORSHIP, '90', '10')).toBe(false);
    expect(desk.rowErrors[SPONSORSHIP]).toBe('Once accepted, the fee and the commission can only be raised.');
    expect(await desk.raise(SPONSORSHIP, '100', '10')).toBe(false);
    expect(await desk.raise(SPONSORSHIP, '120', '10')).toBe(true);
    expect(calls.find((c) => c.key.startsWith('PATCH'))?.body).toEqual({ flatFeeMinor: 12_000 });
    expect(desk.items[0]?.flatFeeMinor).toBe(12_000);

    expect(await desk.dispute(SPONSORSHIP, 'no')).toBe(false);
    expect(await desk.dispute(SPONSORSHIP, 'The pinned minutes are missing')).toBe(true);
    expect(calls.at(-1)?.body).toEqual({ reason: 'The pinned minutes are missing' });
    expect(desk.items[0]?.status).toBe('disputed');
  });

  it('lists an offer sent in this visit first, once', async () => {
    fakeApi({ 'GET /api/sponsorships?as=brand': [() => json(200, { data: [sponsorship()] })] });
    const desk = new SponsorshipDesk('brand');
    const fresh = sponsorship({ id: '0190c3b0-0000-7000-8000-00000000e002' });
    desk.add(fresh);
    expect(desk.items.map((s) => s.id)).toEqual([fresh.id]);
    await desk.list.load();
    expect(desk.items.map((s) => s.id)).toEqual([fresh.id, SPONSORSHIP]);
  });
});

describe('the report', () => {
  it('makes chart series per minute, summing shared minutes and leaving a gap between shows', () => {
    const series = minuteSeries([
      { at: '2030-01-01T10:00:00.000Z', viewers: 10, orders: 1, gmvMinor: 100 },
      { at: '2030-01-01T10:01:00.000Z', viewers: 12, orders: 0, gmvMinor: 0 },
      { at: '2030-01-01T10:01:00.000Z', viewers: 3, orders: 2, gmvMinor: 0 },
      { at: '2030-01-01T12:00:00.000Z', viewers: 7, orders: 0, gmvMinor: 0 },
    ]);
    const t0 = Date.parse('2030-01-01T10:00:00.000Z') / 1000;
    expect(series.x).toEqual([t0, t0 + 60, t0 + 120, t0 + 7200]);
    expect(series.viewers).toEqual([10, 15, null, 7]);
    expect(series.orders).toEqual([1, 2, null, 0]);
  });

  it('loads the report and knows who reads it', async () => {
    const report: SponsorshipReport = {
      sponsorship: sponsorship({ status: 'released' }),
      minutes: [{ at: '2030-01-01T10:00:00.000Z', viewers: 4, orders: 1, gmvMinor: 2500 }],
      totals: {
        peakViewers: 4,
        watchMinutes: 4,
        pinnedMinutes: 1,
        productClicks: 2,
        orders: 1,
        gmvMinor: 2500,
        commissionMinor: 250,
        costPerOrderMinor: 6916,
      },
    };
    fakeApi({ [`GET /api/sponsorships/${SPONSORSHIP}/report`]: [() => json(200, report)] });
    const view = new ReportView(SPONSORSHIP);
    await view.report.load();
    expect(view.series.viewers).toEqual([4]);
    expect(readerOf(report, BRAND)).toBe('brand');
    expect(readerOf(report, CREATOR)).toBe('creator');
    expect(readerOf(report, null)).toBe('other');
  });
});

describe('product opens', () => {
  it('counts each product once per page view and ignores failures', async () => {
    const send = vi.fn((_stream: string, listing: string) =>
      listing === 'bad' ? Promise.reject(new Error('offline')) : Promise.resolve(),
    );
    const opens = new ProductOpens(send);
    opens.opened(SHOW, 'teapot');
    opens.opened(SHOW, 'teapot');
    opens.opened(SHOW, 'bad');
    opens.opened(SHOW, 'bad');
    await Promise.resolve();
    expect(send.mock.calls).toEqual([
      [SHOW, 'teapot'],
      [SHOW, 'bad'],
    ]);
  });

  it('posts the event the api counts', async () => {
    const calls = fakeApi({ 'POST /api/events': [() => json(202, { ok: true })] });
    new ProductOpens().opened(SHOW, 'teapot');
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.body).toEqual({ type: 'product.open', streamId: SHOW, listingId: 'teapot' });
  });
});

describe('earnings', () => {
  const earnings: Earnings = {
    balances: [{ currency: 'USD', pendingMinor: 500, availableMinor: 2000, paidOutMinor: 0 }],
    shows: [],
    daily: [
      { day: '2030-01-01', currency: 'USD', earnedMinor: 100 },
      { day: '2030-01-04', currency: 'USD', earnedMinor: 300 },
      { day: '2030-01-02', currency: 'EUR', earnedMinor: 50 },
    ],
    payouts: [],
  };

  it('charts every day from the first to the last, zero on days without earnings', () => {
    const series = dailySeries(earnings.daily, 'USD');
    const t0 = Date.parse('2030-01-01T00:00:00Z') / 1000;
    expect(series.x).toEqual([t0, t0 + 86_400, t0 + 2 * 86_400, t0 + 3 * 86_400]);
    expect(series.values).toEqual([100, 0, 0, 300]);
    expect(dailySeries(earnings.daily, 'JPY')).toEqual({ x: [], values: [] });
    expect(earningCurrencies(earnings)).toEqual(['USD', 'EUR']);
  });

  it('pays out up to what is available, from the creator source, with an Idempotency-Key', async () => {
    const paid = {
      ...earnings,
      payouts: [{ id: 'p1', amountMinor: 1500, currency: 'USD', status: 'paid', createdAt: '2030-01-05T00:00:00.000Z' }],
    };
    const calls = fakeApi({
      'GET /api/earnings': [() => json(200, earnings), () => json(200, paid)],
      'POST /api/payouts': [() => json(201, { balances: [], payouts: [] })],
    });
    const manager = new EarningsManager();
    await manager.earnings.load();
    expect(await manager.payout('25', 'USD')).toBe(false);
    expect(manager.error).toBe('You can pay out up to $20.00.');
    expect(await manager.payout('15', 'USD')).toBe(true);
    const post = calls.find((c) => c.key === 'POST /api/payouts');
    expect(post?.body).toEqual({ amountMinor: 1500, currency: 'USD', source: 'creator' });
    expect(post?.headers['Idempotency-Key']).toBeTruthy();
    expect(manager.notice).toBe('Payout sent.');
    expect(manager.current?.payouts).toHaveLength(1);
  });
});

describe("the seller's offer to creators", () => {
  const listing: ListingSummary = {
    id: '0190c3b0-0000-7000-8000-00000000a001',
    title: 'Tea bowl',
    priceMinor: 2499,
    currency: 'USD',
    stock: 3,
    category: 'home',
    imageUrl: null,
    shop: { id: 's1', name: 'Kiln & Co' },
  };
  const detail = (affiliate: { rateBps: number; minDealPriceMinor: number | null; maxDealUnits: number | null } | null) => ({
    ...listing,
    description: '',
    affiliate,
    status: 'active',
    images: [],
    rating: { average: null, count: 0 },
  });

  it('checks the rate (0.01 to 50 %) and the optional deal limits', () => {
    expect(validateAffiliate({ rate: '10', minDealPrice: '', maxDealUnits: '' }, 'USD')).toEqual({
      ok: true,
      changes: { affiliateRateBps: 1000, affiliateMinDealPriceMinor: null, affiliateMaxDealUnits: null },
    });
    expect(validateAffiliate({ rate: '12.5', minDealPrice: '19.99', maxDealUnits: '50' }, 'USD')).toEqual({
      ok: true,
      changes: { affiliateRateBps: 1250, affiliateMinDealPriceMinor: 1999, affiliateMaxDealUnits: 50 },
    });
    expect(validateAffiliate({ rate: '0', minDealPrice: '', maxDealUnits: '' }, 'USD').ok).toBe(false);
    expect(validateAffiliate({ rate: '60', minDealPrice: '', maxDealUnits: '' }, 'USD').ok).toBe(false);
    expect(validateAffiliate({ rate: '10', minDealPrice: '', maxDealUnits: '0' }, 'USD').ok).toBe(false);
  });

  it('reads the offer, sets it and switches it off through PATCH', async () => {
    const path = `/api/listings/${listing.id}`;
    const calls = fakeApi({
      [`GET ${path}`]: [() => json(200, detail(null))],
      [`PATCH ${path}`]: [
        () => json(200, detail({ rateBps: 1000, minDealPriceMinor: null, maxDealUnits: 20 })),
        () => json(200, detail(null)),
      ],
      'GET /api/listings?limit=50&shopId=s1&sort=newest': [() => json(200, { data: [listing], nextCursor: null })],
    });
    const listings = new SellerListings();
    listings.load('s1');
    await vi.waitFor(() => expect(listings.rows).toHaveLength(1));
    expect(await listings.loadAffiliate(listing.id)).toBeNull();

    expect(await listings.setAffiliate(listing.id, { rate: '10', minDealPrice: '', maxDealUnits: '20' })).toBe(true);
    expect(calls.find((c) => c.key.startsWith('PATCH'))?.body).toEqual({
      affiliateRateBps: 1000,
      affiliateMinDealPriceMinor: null,
      affiliateMaxDealUnits: 20,
    });
    expect(listings.affiliates.get(listing.id)?.rateBps).toBe(1000);
    expect(listings.rowNotices[listing.id]).toBe('Offered to creators at 10 % commission.');

    expect(await listings.stopAffiliate(listing.id)).toBe(true);
    expect(calls.at(-1)?.body).toEqual({ affiliateRateBps: null, affiliateMinDealPriceMinor: null, affiliateMaxDealUnits: null });
    expect(listings.affiliates.get(listing.id)).toBeNull();
  });
});
