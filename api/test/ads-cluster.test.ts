import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, startTestApi } from '../../test/support/api.js';
import { createBuyers, key } from '../../test/support/fixtures.js';
import { utcDay } from '../src/domain/ad-pacing.js';
import { searchTerms } from '../src/domain/search-terms.js';
import type { RunningApi } from '../src/server.js';
import { BROWSER_UA, clickThrough, decide, eventually } from '../../test/support/ads.js';

/**
 * Ads on two api nodes sharing PostgreSQL and Redis: a paused campaign leaves
 * both nodes' auctions within 2 s, and random bids with concurrent clicks
 * spread over both nodes never overspend a daily budget by more than one
 * click's price, never bill a click twice, and leave the ledger self-check clean.
 */
const APP_SECRET = 'ads-cluster-app-secret-0123456789abcdef';
let nodes: RunningApi[];
let admin: HttpClient;
const env = { SCHEDULER_INTERVAL_SECONDS: '0', APP_SECRET, TRUST_PROXY: '1' };
const word = () => `zc${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  nodes = [await startTestApi({ redis: true, env }), await startTestApi({ redis: true, env })];
  admin = new HttpClient(nodes[0]!.url);
  await admin.login('admin@hawker.test');
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
});

/** A fresh advertiser with a shop and a funded balance, and a campaign of `bids.length` ads on one keyword. */
async function advertiser(balanceMinor: number, dailyBudgetMinor: number, bids: number[]) {
  const [s] = await createBuyers(nodes[0]!, 1, 'advertiser');
  const seller = s!;
  const shopId = (await seller.client.post('/api/shops', { name: `Cluster shop ${word()}` })).body.id as string;
  expect(
    (await seller.client.post('/api/ads/top-ups', { amountMinor: balanceMinor, source: 'card' }, { 'idempotency-key': key() })).status,
  ).toBe(200);
  const kw = word();
  const ads = [];
  for (const [i, bid] of bids.entries()) {
    const listing = await seller.client.post('/api/listings', {
      title: `Thing ${i} ${kw}`,
      priceMinor: 1000,
      currency: 'USD',
      stock: 5,
      category: 'test',
    });
    ads.push({ listingId: listing.body.id as string, bids: [{ placement: 'search', keyword: kw, maxCpcMinor: bid }] });
  }
  const c = await seller.client.post('/api/ads/campaigns', { shopId, name: `Cluster ${kw}`, dailyBudgetMinor, ads });
  expect(c.status, c.text).toBe(201);
  return { seller, kw, campaignId: c.body.id as string };
}

describe('ads across two api nodes', () => {
  it('drops a paused campaign from both nodes within 2 s', async () => {
    const { seller, kw, campaignId } = await advertiser(2000, 1000, [40]);
    const viewer = new HttpClient(nodes[1]!.url);
    const onBoth = async () => [
      await decide(new HttpClient(nodes[0]!.url), { placement: 'search', q: kw }),
      await decide(viewer, { placement: 'search', q: kw }),
    ];
    await eventually(onBoth, ([a, b]) => a!.length === 1 && b!.length === 1);
    const started = Date.now();
    expect((await seller.client.request('PATCH', `/api/ads/campaigns/${campaignId}`, { status: 'paused' })).status).toBe(200);
    const after = await eventually(onBoth, ([a, b]) => a!.length === 0 && b!.length === 0, 2000);
    expect(after).toEqual([[], []]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("splits keywords as PostgreSQL's simple configuration does", async () => {
    for (const text of ['Red Running-Shoes, size 42!', 'Café au lait', 'USB-C 2.0 cable']) {
      const rows = await nodes[0]!.services.db.prisma.$queryRaw<
        { lexeme: string }[]
      >`SELECT lexeme FROM unnest(to_tsvector('simple', ${text})) ORDER BY lexeme`;
      expect(searchTerms(text).sort()).toEqual(expect.arrayContaining(rows.map((r) => r.lexeme).filter((l) => /^[\p{L}\p{N}]+$/u.test(l))));
    }
  });

  it('never overspends a daily budget by more than one click, nor bills a click twice, with clicks on both nodes at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 150, max: 900 }),
        fc.array(fc.integer({ min: 20, max: 160 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 12, max: 30 }),
        fc.integer({ min: 0, max: 2_000 }),
        async (dailyBudget, bids, viewers, extraBalance) => {
          const balance = Math.max(100, Math.floor(dailyBudget / 2) + extraBalance);
          const { campaignId, kw } = await advertiser(balance, dailyBudget, bids);
          await eventually(
            () => decide(new HttpClient(nodes[1]!.url), { placement: 'search', q: kw }),
            (a) => a.length > 0,
          );
          const people = await createBuyers(nodes[0]!, viewers, 'clicker');
          // Every viewer sees the search on one node, reports the impression there, and clicks on the other — some twice at once.
          const clicks = await Promise.all(
            people.map(async (p, i) => {
              const here = new HttpClient(nodes[i % 2]!.url);
              here.useCookie(p.client.cookieHeader);
              const cards = await decide(here, { placement: 'search', q: kw });
              const card = cards[0];
              if (!card) return [];
              await here.post('/api/events', { type: 'ad.impression', token: card.token });
              const ip = `10.${i}.${randomBytes(1)[0]}.1`;
              const there = nodes[(i + 1) % 2]!.url;
              const tries = i % 3 === 0 ? 2 : 1;
              return Promise.all(Array.from({ length: tries }, () => clickThrough(there, p.client, card.clickUrl, BROWSER_UA, ip)));
            }),
          );
          expect(clicks.flat().every((c) => c.status === 302)).toBe(true);
          const prisma = nodes[0]!.services.db.prisma;
          const rows = await prisma.adClick.findMany({ where: { campaignId } });
          const billed = rows.filter((r) => r.billedMinor > 0);
          const maxPrice = Math.max(0, ...billed.map((r) => r.billedMinor));
          const spent = billed.reduce((s, r) => s + r.billedMinor, 0);
          const day = await prisma.adCampaignDay.findUnique({
            where: { campaignId_day: { campaignId, day: new Date(utcDay(Date.now())) } },
          });
          expect(spent).toBeLessThanOrEqual(dailyBudget + maxPrice);
          expect(spent).toBeLessThanOrEqual(balance);
          expect(day?.spentMinor ?? 0).toBe(spent);
          expect(new Set(billed.map((r) => r.tokenId)).size).toBe(billed.length);
          expect(new Set(billed.map((r) => `${r.adId}:${r.viewerKey}`)).size).toBe(billed.length);
        },
      ),
      { numRuns: 15, interruptAfterTimeLimit: 100_000 },
    );
    const check = await admin.get('/api/admin/ledger/check');
    expect(check.body).toEqual({ ok: true, problems: [] });
  }, 150_000);
});
