import type { AdAccount, AdView, CampaignView, SponsoredCard } from '@hawker/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdAccountManager, trustGateText } from '../src/lib/ads/account.svelte.js';
import { getAdDecision } from '../src/lib/ads/api.js';
import { CampaignPage } from '../src/lib/ads/campaign.svelte.js';
import { CampaignDesk } from '../src/lib/ads/campaigns.svelte.js';
import { isShowableCard, SponsoredSlot } from '../src/lib/ads/decision.svelte.js';
import { emptyAdForm, emptyCampaign } from '../src/lib/ads/forms.js';
import { failure, fakeApi, json } from './support/scripted-fetch.js';

// The seller's ad account, campaigns and a campaign's ads, and the sponsored
// slots of the public pages, against a scripted api.

afterEach(() => {
  vi.unstubAllGlobals();
});

const SHOP = '0190c3b0-0000-7000-8000-00000000a001';
const LOW_SHOP = '0190c3b0-0000-7000-8000-00000000a009';
const CAMPAIGN = '0190c3b0-0000-7000-8000-00000000b001';
const AD = '0190c3b0-0000-7000-8000-00000000c001';
const LISTING = '0190c3b0-0000-7000-8000-00000000d001';

const account = (balanceMinor = 5000, extra: Partial<AdAccount> = {}): AdAccount => ({
  currency: 'USD',
  balanceMinor,
  lowBalance: balanceMinor < 1000,
  shops: [
    { id: SHOP, name: 'Tea Stall', walletAvailableMinor: 3000, trustScore: 82, eligible: true },
    { id: LOW_SHOP, name: 'New Shop', walletAvailableMinor: 0, trustScore: 41, eligible: false },
  ],
  trustThreshold: 60,
  reserves: { search: 20, home: 15, live_now: 25, related: 10 },
  topUps: [],
  ...extra,
});

const campaign = (extra: Partial<CampaignView> = {}): CampaignView => ({
  id: CAMPAIGN,
  shopId: SHOP,
  name: 'Spring teas',
  status: 'active',
  dailyBudgetMinor: 1000,
  totalBudgetMinor: null,
  currency: 'USD',
  startsAt: '2026-03-10T12:00:00.000Z',
  endsAt: null,
  spentTodayMinor: 0,
  spentMinor: 0,
  createdAt: '2026-03-10T12:00:00.000Z',
  ads: [],
  ...extra,
});

const adView = (extra: Partial<AdView> = {}): AdView => ({
  id: AD,
  campaignId: CAMPAIGN,
  target: { kind: 'listing', listingId: LISTING, title: 'Green tea', imageUrl: null, status: 'active', stock: 4 },
  categories: ['tea'],
  active: true,
  takenDown: null,
  bids: [{ id: 'b1', placement: 'home', keyword: null, maxCpcMinor: 15 }],
  serving: { ok: true, reason: null },
  ...extra,
});

describe('AdAccountManager', () => {
  it('tops up by card with an Idempotency-Key, in minor units of the ad currency', async () => {
    const calls = fakeApi({
      'GET /api/ads/account': [() => json(200, account())],
      'POST /api/ads/top-ups': [() => json(201, account(10_000))],
    });
    const manager = new AdAccountManager();
    await manager.account.load();
    expect(await manager.topUp('50', 'card', { paymentMethod: 'pm_card_visa', shopId: '' })).toBe(true);
    expect(calls[1]?.body).toEqual({ amountMinor: 5000, source: 'card', paymentMethod: 'pm_card_visa' });
    expect(calls[1]?.headers['Idempotency-Key']).toBeTruthy();
    expect(manager.current?.balanceMinor).toBe(10_000);
    expect(manager.topUpNotice).toBe('$50.00 added to your ad balance.');
  });

  it('draws a top-up from a shop wallet, never more than it holds', async () => {
    const calls = fakeApi({
      'GET /api/ads/account': [() => json(200, account())],
      'POST /api/ads/top-ups': [() => json(201, account(7000))],
    });
    const manager = new AdAccountManager();
    await manager.account.load();
    expect(await manager.topUp('30.01', 'wallet', { paymentMethod: 'pm_card_visa', shopId: SHOP })).toBe(false);
    expect(manager.topUpError).toBe('Tea Stall has $30.00 available in its wallet.');
    expect(await manager.topUp('0.99', 'wallet', { paymentMethod: 'pm_card_visa', shopId: SHOP })).toBe(false);
    expect(manager.topUpError).toBe('Enter at least $1.00.');
    expect(await manager.topUp('20', 'wallet', { paymentMethod: 'pm_card_visa', shopId: SHOP })).toBe(true);
    expect(calls.map((c) => c.key)).toEqual(['GET /api/ads/account', 'POST /api/ads/top-ups']);
    expect(calls[1]?.body).toEqual({ amountMinor: 2000, source: 'wallet', shopId: SHOP });
  });

  it('withdraws unused balance to a shop wallet, up to the balance', async () => {
    const calls = fakeApi({
      'GET /api/ads/account': [() => json(200, account(5000))],
      'POST /api/ads/withdrawals': [() => json(201, account(1000))],
    });
    const manager = new AdAccountManager();
    await manager.account.load();
    expect(await manager.withdraw('50.01', SHOP)).toBe(false);
    expect(manager.withdrawError).toBe('Your ad balance is $50.00.');
    expect(await manager.withdraw('40', SHOP)).toBe(true);
    expect(calls[1]?.body).toEqual({ amountMinor: 4000, shopId: SHOP });
    expect(calls[1]?.headers['Idempotency-Key']).toBeTruthy();
    expect(manager.withdrawNotice).toBe("$40.00 moved to Tea Stall's wallet.");
  });

  it('explains the trust gate with the score and the threshold', () => {
    const [ok, low] = account().shops;
    if (!ok || !low) throw new Error('fixture');
    expect(trustGateText(ok, 60)).toBe('Tea Stall can advertise: its trust score is 82, and ads need 60.');
    expect(trustGateText(low, 60)).toMatch(/^New Shop cannot advertise yet: its trust score is 41, and ads need 60\./);
  });
});

describe('CampaignDesk', () => {
  it('creates a campaign and lists it first', async () => {
    const calls = fakeApi({
      'GET /api/ads/campaigns': [() => json(200, { data: [] })],
      'POST /api/ads/campaigns': [() => json(201, campaign())],
    });
    const desk = new CampaignDesk();
    await desk.list.load();
    const outcome = await desk.create({ ...emptyCampaign(SHOP), name: 'Spring teas', dailyBudget: '10' }, 'USD');
    expect(outcome.ok).toBe(true);
    expect(calls[1]?.body).toEqual({ shopId: SHOP, name: 'Spring teas', dailyBudgetMinor: 1000, totalBudgetMinor: null, endsAt: null });
    expect(desk.items.map((c) => c.id)).toEqual([CAMPAIGN]);
  });

  it('names the shop the api refused for its trust score (403 ad_trust_too_low)', async () => {
    fakeApi({
      'POST /api/ads/campaigns': [() => failure(403, 'ad_trust_too_low', 'This shop’s trust score is below what ads need.')],
    });
    const desk = new CampaignDesk();
    const outcome = await desk.create({ ...emptyCampaign(LOW_SHOP), name: 'Try', dailyBudget: '5' }, 'USD');
    expect(outcome).toEqual({ ok: false, errors: {} });
    expect(desk.trustRefused).toBe(LOW_SHOP);
    expect(desk.createError).toBe('This shop’s trust score is below what ads need.');
  });

  it('checks the form before any request', async () => {
    const calls = fakeApi({});
    const desk = new CampaignDesk();
    const outcome = await desk.create({ ...emptyCampaign(SHOP), name: 'x', dailyBudget: '0.5' }, 'USD');
    expect(outcome.ok ? null : outcome.errors.dailyBudget).toBe('Enter at least $1.00.');
    expect(calls).toHaveLength(0);
  });

  it('pauses with { status: "paused" } and resumes with { status: "active" }', async () => {
    const calls = fakeApi({
      'GET /api/ads/campaigns': [() => json(200, { data: [campaign()] })],
      [`PATCH /api/ads/campaigns/${CAMPAIGN}`]: [
        () => json(200, campaign({ status: 'paused' })),
        () => failure(409, 'campaign_ended', 'This campaign has ended.'),
      ],
    });
    const desk = new CampaignDesk();
    await desk.list.load();
    expect(await desk.setStatus(CAMPAIGN, 'paused')).toBe(true);
    expect(calls[1]?.body).toEqual({ status: 'paused' });
    expect(desk.items[0]?.status).toBe('paused');
    expect(await desk.setStatus(CAMPAIGN, 'active')).toBe(false);
    expect(calls[2]?.body).toEqual({ status: 'active' });
    expect(desk.rowErrors[CAMPAIGN]).toBe('This campaign has ended.');
  });
});

describe('CampaignPage', () => {
  it('refuses a bid below the reserve before any request, then adds the ad', async () => {
    const calls = fakeApi({
      [`GET /api/ads/campaigns/${CAMPAIGN}`]: [() => json(200, campaign())],
      [`GET /api/ads/campaigns/${CAMPAIGN}/report`]: [() => failure(500, 'boom', 'No report.')],
      'GET /api/ads/account': [() => json(200, account())],
      [`POST /api/ads/campaigns/${CAMPAIGN}/ads`]: [() => json(201, adView())],
      [`PATCH /api/ads/ads/${AD}`]: [() => json(200, adView({ active: false }))],
    });
    const page = new CampaignPage(CAMPAIGN);
    page.load();
    await vi.waitFor(() => expect(page.account.status).toBe('ready'));
    await vi.waitFor(() => expect(page.campaign.status).toBe('ready'));

    const low = await page.addAd({ ...emptyAdForm(), listingId: LISTING, home: '0.14' });
    expect(low.ok ? null : low.errors['bid.home']).toBe('Bid at least $0.15: the reserve price for home page.');
    expect(calls.filter((c) => c.key.startsWith('POST'))).toHaveLength(0);

    const added = await page.addAd({ ...emptyAdForm(), listingId: LISTING, home: '0.15', categories: 'tea' });
    expect(added.ok).toBe(true);
    expect(calls.find((c) => c.key.startsWith('POST'))?.body).toEqual({
      listingId: LISTING,
      categories: ['tea'],
      bids: [{ placement: 'home', maxCpcMinor: 15 }],
      active: true,
    });
    expect(page.current?.ads.map((a) => a.id)).toEqual([AD]);

    expect(await page.setAdActive(adView(), false)).toBe(true);
    expect(calls.at(-1)?.body).toEqual({ active: false });
    expect(page.current?.ads[0]?.active).toBe(false);
  });
});

describe('SponsoredSlot', () => {
  const card = (placement: SponsoredCard['placement']): SponsoredCard => ({
    token: `tok-${placement}`,
    placement,
    position: 1,
    kind: 'listing',
    listingId: LISTING,
    streamId: null,
    title: 'Green tea',
    imageUrl: null,
    priceMinor: 900,
    currency: 'USD',
    shopName: 'Tea Stall',
    clickUrl: '/api/ads/click?t=tok',
    why: { advertiser: 'Tea Stall', reason: 'keyword', detail: '“tea”' },
  });

  it('asks for one placement with the page’s query, leaving out what is empty', async () => {
    const calls = fakeApi({
      'GET /api/ads/decision?placement=search&q=green+tea': [() => json(200, { placement: 'search', ads: [card('search')] })],
      'GET /api/ads/decision?placement=related&category=tea&listingId=L1': [() => json(200, { placement: 'related', ads: [] })],
    });
    const slot = new SponsoredSlot();
    await slot.load({ placement: 'search', q: ' green tea ', category: '' });
    expect(slot.cards.map((c) => c.token)).toEqual(['tok-search']);
    await getAdDecision({ placement: 'related', category: 'tea', listingId: 'L1' });
    expect(calls).toHaveLength(2);
  });

  it('drops cards it cannot show safely: another placement, missing fields, a click URL that is not a web address', () => {
    expect(isShowableCard(card('home'), 'home')).toBe(true);
    expect(isShowableCard({ ...card('home'), clickUrl: 'https://hawker.example/api/ads/click?t=1' }, 'home')).toBe(true);
    expect(isShowableCard(card('search'), 'home')).toBe(false);
    expect(isShowableCard({ ...card('home'), clickUrl: 'javascript:alert(1)' }, 'home')).toBe(false);
    expect(isShowableCard({ ...card('home'), clickUrl: '//evil.example/x' }, 'home')).toBe(false);
    expect(isShowableCard({ ...card('home'), why: null }, 'home')).toBe(false);
    expect(isShowableCard({ ...card('home'), token: '' }, 'home')).toBe(false);
    expect(isShowableCard(null, 'home')).toBe(false);
  });

  it('shows nothing when the decision fails, and never throws', async () => {
    fakeApi({
      'GET /api/ads/decision?placement=home': [
        () => json(200, { placement: 'home', ads: [card('home'), card('search')] }),
        () => failure(500, 'boom', 'Down.'),
        () => Promise.reject(new TypeError('Failed to fetch')),
        () => new Response('<html>', { status: 200 }),
      ],
    });
    const slot = new SponsoredSlot();
    await slot.load({ placement: 'home' });
    expect(slot.cards.map((c) => c.placement)).toEqual(['home']);
    await slot.load({ placement: 'home' });
    expect(slot.cards).toEqual([]);
    await slot.load({ placement: 'home' });
    expect(slot.cards).toEqual([]);
    await slot.load({ placement: 'home' });
    expect(slot.cards).toEqual([]);
  });
});
