import { randomBytes } from 'node:crypto';
import type { SponsoredCard } from '@hawker/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { BROWSER_UA, clickThrough, decide, eventually } from '../../test/support/ads.js';
import { createBuyers, key } from '../../test/support/fixtures.js';
import type { RunningApi } from '../src/server.js';
import type { AdTokenPayload } from '../src/services/ad-token.js';

/**
 * Seller ads (issue 11) through the REST api: a campaign from a fresh shop,
 * money in from the card, the auction on a search, the signed impression and
 * click, billing once per person and window, the invalid-click rules, the
 * report, the insight and simulator, and the admin's take-down. Every test
 * searches its own made-up words so the run's other ads never compete.
 */
let api: RunningApi;
let seller: { id: string; client: HttpClient };
let buyer: { id: string; client: HttpClient };
let admin: HttpClient;
let shopId: string;
const word = () => `zq${randomBytes(4).toString('hex')}`;
const idem = () => ({ 'idempotency-key': key() });

const APP_SECRET = 'ads-test-app-secret-0123456789abcdef0123';

beforeAll(async () => {
  api = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0', APP_SECRET, TRUST_PROXY: '1' } });
  admin = new HttpClient(api.url);
  await admin.login('admin@hawker.test');
  const [s, b] = await createBuyers(api, 2, 'adv');
  seller = s!;
  buyer = b!;
  shopId = (await seller.client.post('/api/shops', { name: `Ad shop ${word()}` })).body.id as string;
});
afterAll(async () => {
  const check = await admin.get('/api/admin/ledger/check');
  expect(check.body).toEqual({ ok: true, problems: [] });
  await api.close();
});

async function listing(title: string, stock = 10): Promise<string> {
  const res = await seller.client.post('/api/listings', { title, priceMinor: 2500, currency: 'USD', stock, category: 'gadgets' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function campaign(ads: unknown[], daily = 10_000) {
  const res = await seller.client.post('/api/ads/campaigns', { shopId, name: `Campaign ${word()}`, dailyBudgetMinor: daily, ads });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; ads: { id: string; serving: { ok: boolean; reason: string | null } }[] };
}

const payload = (card: SponsoredCard) =>
  JSON.parse(Buffer.from(card.token.split('.')[0]!, 'base64url').toString()) as { id: string; priceMinor: number };
const impression = (client: HttpClient, card: SponsoredCard) => client.post('/api/events', { type: 'ad.impression', token: card.token });
const clicksOf = (adId: string) => api.services.db.prisma.adClick.findMany({ where: { adId }, orderBy: { createdAt: 'asc' } });

describe('a seller advertises from a fresh shop', () => {
  let kw: string;
  let mine: string;
  let rival: string;
  let camp: Awaited<ReturnType<typeof campaign>>;

  it('tops up by card, wins the search at the second price, and is billed once per person and window', async () => {
    kw = word();
    const top = await seller.client.post('/api/ads/top-ups', { amountMinor: 5000, source: 'card' }, idem());
    expect(top.status, top.text).toBe(200);
    expect(top.body).toMatchObject({ currency: 'USD', balanceMinor: 5000, trustThreshold: 60, lowBalance: false });
    expect(top.body.shops[0]).toMatchObject({ id: shopId, eligible: true });
    mine = await listing(`Lamp ${kw}`);
    rival = await listing(`Other lamp ${kw}`);
    camp = await campaign([
      { listingId: mine, bids: [{ placement: 'search', keyword: kw, maxCpcMinor: 90 }] },
      { listingId: rival, bids: [{ placement: 'search', keyword: kw, maxCpcMinor: 60 }] },
    ]);
    expect(camp.ads.map((a) => a.serving)).toEqual([
      { ok: true, reason: null },
      { ok: true, reason: null },
    ]);
    const cards = await eventually(
      () => decide(buyer.client, { placement: 'search', q: `blue ${kw}` }),
      (a) => a.length === 2,
    );
    // Equal quality (both new): the 90 bid wins position 1 and pays 60 + 1; the last shown pays the reserve.
    expect(cards.map((a) => [a.listingId, a.position, payload(a).priceMinor])).toEqual([
      [mine, 1, 61],
      [rival, 5, 20],
    ]);
    expect(cards[0]).toMatchObject({ kind: 'listing', clickUrl: expect.stringMatching(/^\/api\/ads\/click\//) });
    expect(cards[0]!.why).toMatchObject({ reason: 'keyword', advertiser: expect.stringContaining('Ad shop') });

    expect((await impression(buyer.client, cards[0]!)).status).toBe(202);
    // Once per token: the beacon again, and from someone the card was not shown to, adds nothing.
    await impression(buyer.client, cards[0]!);
    await impression(seller.client, cards[0]!);
    expect(await api.services.db.prisma.adImpression.count({ where: { adId: camp.ads[0]!.id } })).toBe(1);
    expect(await clickThrough(api.url, buyer.client, cards[0]!.clickUrl)).toEqual({ status: 302, location: `/listings/${mine}` });
    const adId = camp.ads[0]!.id;
    expect((await clicksOf(adId)).map((c) => [c.billedMinor, c.invalidReason])).toEqual([[61, null]]);
    expect((await seller.client.get('/api/ads/account')).body.balanceMinor).toBe(5000 - 61);

    // The same person again, through a fresh page view: recorded, not billed.
    const again = (await decide(buyer.client, { placement: 'search', q: kw })).find((c) => c.listingId === mine)!;
    await impression(buyer.client, again);
    expect((await clickThrough(api.url, buyer.client, again.clickUrl)).location).toBe(`/listings/${mine}`);
    expect((await clicksOf(adId)).map((c) => [c.billedMinor, c.invalidReason])).toEqual([
      [61, null],
      [0, 'repeat'],
    ]);
    // Less than a day of budget left (10,000 a day, 4,939 in the balance): the seller is told once.
    const notes = await seller.client.get('/api/notifications');
    expect(notes.body.data.filter((n: { kind: string }) => n.kind === 'ads.low_balance')).toHaveLength(1);
  });

  it('records and never bills bots, the shop itself, clicks without an impression, and bursts from one network', async () => {
    const adId = camp.ads[1]!.id;
    const [b1, b2, b3] = await createBuyers(api, 3, 'clicker');
    const card = async (c: HttpClient) => (await decide(c, { placement: 'search', q: kw })).find((x) => x.listingId === rival)!;
    const noBeacon = await card(b1!.client);
    await clickThrough(api.url, b1!.client, noBeacon.clickUrl);
    const bot = await card(b2!.client);
    await impression(b2!.client, bot);
    await clickThrough(api.url, b2!.client, bot.clickUrl, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
    const own = await card(seller.client);
    await impression(seller.client, own);
    await clickThrough(api.url, seller.client, own.clickUrl);
    const first = await card(b3!.client);
    await impression(b3!.client, first);
    await clickThrough(api.url, b3!.client, first.clickUrl, BROWSER_UA, '192.0.2.10');
    // b1 again, with an impression this time, from the network b3 clicked from a moment ago: not billed.
    const burst = await card(b1!.client);
    await impression(b1!.client, burst);
    expect((await clickThrough(api.url, b1!.client, burst.clickUrl, BROWSER_UA, '192.0.2.99')).location).toBe(`/listings/${rival}`);
    expect((await clicksOf(adId)).map((c) => c.invalidReason)).toEqual(['no_impression', 'bot', 'own_shop', null, 'ip_burst']);
  });

  it('redirects a tampered or expired click without billing it', async () => {
    const adId = camp.ads[0]!.id;
    const before = (await clicksOf(adId)).length;
    const c = (await decide(buyer.client, { placement: 'search', q: kw })).find((x) => x.listingId === mine)!;
    const [body, mac] = c.token.split('.');
    const forged = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    forged.priceMinor = 1;
    const tampered = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`;
    expect(await clickThrough(api.url, buyer.client, `/api/ads/click/${tampered}`)).toEqual({ status: 302, location: `/listings/${mine}` });
    expect(await clickThrough(api.url, buyer.client, '/api/ads/click/garbage')).toEqual({ status: 302, location: '/' });
    const { AdTokens } = await import('../src/services/ad-token.js');
    const old = new AdTokens(APP_SECRET).sign({
      ...(forged as unknown as AdTokenPayload),
      priceMinor: 61,
      issuedAt: Date.now() - 31 * 60_000,
    });
    expect(await clickThrough(api.url, buyer.client, `/api/ads/click/${old}`)).toEqual({ status: 302, location: `/listings/${mine}` });
    expect((await clicksOf(adId)).length).toBe(before);
  });

  it('reports clicks, spend, invalid clicks and attributed orders; explains the rank; replays the auctions at another bid', async () => {
    const bought = await buyer.client.post('/api/orders', { items: [{ listingId: mine, quantity: 1, unitPriceMinor: 2500 }] }, idem());
    expect(bought.status, bought.text).toBe(201);
    const report = await seller.client.get(`/api/ads/campaigns/${camp.id}/report`);
    expect(report.status, report.text).toBe(200);
    expect(report.body.totals).toMatchObject({ clicks: 2, spendMinor: 61 + 20, invalidClicks: 5, orders: 1, revenueMinor: 2500 });
    expect(report.body.totals.roas).toBeCloseTo(2500 / 81);
    expect(report.body.days).toHaveLength(1);
    const mineAd = camp.ads[0]!.id;
    const rivalAd = camp.ads[1]!.id;
    expect(report.body.ads.find((a: { adId: string }) => a.adId === mineAd).totals).toMatchObject({ clicks: 1, orders: 1 });

    await api.services.ads.server.flush(); // the auction log is written once a second
    const insight = await seller.client.get(`/api/ads/ads/${rivalAd}/insight?placement=search`);
    expect(insight.status, insight.text).toBe(200);
    expect(insight.body.auctions).toBeGreaterThanOrEqual(5);
    expect(insight.body.latest).toMatchObject({ rank: 2, slot: 2, bidMinor: 60, priceMinor: 20 });
    expect(insight.body.latest.toWin).toHaveLength(1);
    expect(Object.keys(insight.body.latest.toWin[0]).sort()).toEqual(['minBidMinor', 'slot']);
    expect(insight.body.latest.toWin[0].minBidMinor).toBeGreaterThan(60);
    const low = await seller.client.get(`/api/ads/ads/${rivalAd}/simulate?placement=search&bidMinor=10`);
    const high = await seller.client.get(`/api/ads/ads/${rivalAd}/simulate?placement=search&bidMinor=5000`);
    expect(low.body.atBid.impressions).toBe(0);
    expect(high.body.atBid.impressions).toBe(high.body.auctions);
    expect(high.body.atBid.spendMinor).toBeGreaterThan(high.body.current.spendMinor);
    expect((await buyer.client.get(`/api/ads/ads/${rivalAd}/insight?placement=search`)).status).toBe(404);
  });

  it('credits a billed click an admin finds invalid, once, back to the advertiser', async () => {
    const billed = (await clicksOf(camp.ads[1]!.id)).find((c) => c.billedMinor > 0)!;
    const before = (await seller.client.get('/api/ads/account')).body.balanceMinor as number;
    expect((await seller.client.post(`/api/admin/ad-clicks/${billed.id}/credit`)).status).toBe(403);
    expect((await admin.post(`/api/admin/ad-clicks/${billed.id}/credit`)).status).toBe(204);
    expect((await admin.post(`/api/admin/ad-clicks/${billed.id}/credit`)).status).toBe(409);
    expect((await seller.client.get('/api/ads/account')).body.balanceMinor).toBe(before + billed.billedMinor);
    const report = await seller.client.get(`/api/ads/campaigns/${camp.id}/report`);
    expect(report.body.totals).toMatchObject({ clicks: 1, spendMinor: 61, creditsMinor: billed.billedMinor, invalidClicks: 6 });
  });
});

describe('what a seller cannot do, and what an admin can', () => {
  it('refuses bids below the reserve, wrong placements, and other shops; a low trust score gates the tool and says why', async () => {
    const l = await listing(`Mug ${word()}`);
    const low = await seller.client.post('/api/ads/campaigns', {
      shopId,
      name: 'Too cheap',
      dailyBudgetMinor: 1000,
      ads: [{ listingId: l, bids: [{ placement: 'home', maxCpcMinor: 5 }] }],
    });
    expect([low.status, low.body.error.code]).toEqual([400, 'bid_below_reserve']);
    const wrong = await seller.client.post('/api/ads/campaigns', {
      shopId,
      name: 'Wrong',
      dailyBudgetMinor: 1000,
      ads: [{ listingId: l, bids: [{ placement: 'home', keyword: 'mug', maxCpcMinor: 50 }] }],
    });
    expect(wrong.status).toBe(400);
    const notMine = await buyer.client.post('/api/ads/campaigns', { shopId, name: 'Not mine', dailyBudgetMinor: 1000 });
    expect([notMine.status, notMine.body.error.code]).toEqual([403, 'not_shop_owner']);

    const strict = await startTestApi({ env: { SCHEDULER_INTERVAL_SECONDS: '0', AD_MIN_TRUST: '95' } });
    try {
      const c = new HttpClient(strict.url);
      c.useCookie(seller.client.cookieHeader);
      const gated = await c.post('/api/ads/campaigns', { shopId, name: 'Gated', dailyBudgetMinor: 1000 });
      expect([gated.status, gated.body.error.code]).toEqual([403, 'ad_trust_too_low']);
      expect(gated.body.error.message).toMatch(/trust score is 86; advertising needs 95/);
      expect((await c.get('/api/ads/account')).body.shops[0]).toMatchObject({ trustScore: 86, eligible: false });
    } finally {
      await strict.close();
    }
  });

  it('moves money between the shop wallet and the ad balance, and states the month', async () => {
    const tooMuch = await seller.client.post('/api/ads/top-ups', { amountMinor: 100_000, source: 'wallet', shopId }, idem());
    expect([tooMuch.status, tooMuch.body.error.code]).toEqual([409, 'insufficient_wallet']);
    const before = (await seller.client.get('/api/ads/account')).body;
    const out = await seller.client.post('/api/ads/withdrawals', { amountMinor: 100, shopId }, idem());
    expect(out.body.balanceMinor).toBe(before.balanceMinor - 100);
    const back = await seller.client.post('/api/ads/top-ups', { amountMinor: 100, source: 'wallet', shopId }, idem());
    expect(back.body.balanceMinor).toBe(before.balanceMinor);
    expect(back.body.topUps.map((t: { source: string }) => t.source).sort()).toEqual(['card', 'wallet']);
    const month = new Date().toISOString().slice(0, 7);
    const st = await seller.client.get(`/api/ads/statement?month=${month}`);
    expect(st.body).toMatchObject({
      openingMinor: 0,
      topUpsMinor: 5100,
      withdrawalsMinor: 100,
      chargesMinor: 81,
      clicksBilled: 2,
      creditsMinor: 20,
      closingMinor: before.balanceMinor,
    });
    const card = back.body.topUps.find((t: { source: string }) => t.source === 'card');
    const receipt = await seller.client.get(`/api/ads/top-ups/${card.id}/receipt`);
    expect(receipt.body).toMatchObject({ amountMinor: 5000, currency: 'USD', source: 'card', providerRef: expect.any(String) });
    expect((await buyer.client.get(`/api/ads/top-ups/${card.id}/receipt`)).status).toBe(404);
  });

  it('stops serving a paused campaign, and an ad an admin takes down; shows platform revenue to admins only', async () => {
    const kw = word();
    const l = await listing(`Kettle ${kw}`);
    const c = await campaign([{ listingId: l, bids: [{ placement: 'search', keyword: kw, maxCpcMinor: 50 }] }]);
    await eventually(
      () => decide(buyer.client, { placement: 'search', q: kw }),
      (a) => a.length === 1,
    );
    const paused = await seller.client.request('PATCH', `/api/ads/campaigns/${c.id}`, { status: 'paused' });
    expect(paused.body.ads[0].serving).toEqual({ ok: false, reason: 'The campaign is paused.' });
    expect(
      await eventually(
        () => decide(buyer.client, { placement: 'search', q: kw }),
        (a) => a.length === 0,
        2000,
      ),
    ).toEqual([]);
    await seller.client.request('PATCH', `/api/ads/campaigns/${c.id}`, { status: 'active' });
    await eventually(
      () => decide(buyer.client, { placement: 'search', q: kw }),
      (a) => a.length === 1,
    );

    expect((await seller.client.post(`/api/admin/ads/${c.ads[0]!.id}/take-down`, { reason: 'Counterfeit goods' })).status).toBe(403);
    expect((await admin.post(`/api/admin/ads/${c.ads[0]!.id}/take-down`, { reason: 'Counterfeit goods' })).status).toBe(204);
    expect(
      await eventually(
        () => decide(buyer.client, { placement: 'search', q: kw }),
        (a) => a.length === 0,
        2000,
      ),
    ).toEqual([]);
    const view = await seller.client.get(`/api/ads/campaigns/${c.id}`);
    expect(view.body.ads[0].takenDown).toMatchObject({ reason: 'Counterfeit goods' });
    const revenue = await admin.get('/api/admin/ads/revenue');
    expect(revenue.status).toBe(200);
    expect(revenue.body.adRevenueMinor).toBeGreaterThanOrEqual(61); // 81 billed, 20 credited back
    expect(revenue.body.ads.find((a: { adId: string }) => a.adId === c.ads[0]!.id)).toMatchObject({ takenDown: true });
    expect((await seller.client.get('/api/admin/ads/revenue')).status).toBe(403);
  });
});
