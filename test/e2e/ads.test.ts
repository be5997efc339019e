import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../api/src/server.js';
import { launchChromium } from '../../media-server/test/support/chromium.js';
import { loggedIn, startWebApi } from '../support/browser.js';

// Issue 11 in the browser: a seller signs up, opens a shop with a listing,
// tops up the ad balance by card and creates a campaign with a keyword ad; a
// buyer searches the keyword and sees the listing first, labelled Sponsored;
// the impression and the click are recorded and billed; the seller's
// dashboard shows one click and its spend; a second click within 30 minutes
// takes the buyer to the listing again and is not billed.
const run = Date.now().toString(36);
const keyword = `lantern${run}`;
let api: RunningApi;
let browser: Browser;

beforeAll(async () => {
  api = await startWebApi({ LOGIN_RATE_LIMIT: '1000' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function signUp(name: string, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: api.url })).newPage();
  await page.goto('/register');
  await page.getByTestId('register-display-name').fill(name);
  await page.getByTestId('register-email').fill(email);
  await page.getByTestId('register-password').fill('kiln-harbour-violet-93');
  await page.getByTestId('register-submit').click();
  await page.getByTestId('current-user').waitFor();
  return page;
}

/** Searches, waits for the sponsored card at position 1, and lets it be seen for the impression's second. */
async function searchAndSee(buyer: Page, listingId: string) {
  await buyer.goto(`/search?q=${keyword}`);
  const card = buyer.getByTestId('search-results').getByTestId('sponsored-card').first();
  await card.waitFor({ timeout: 15_000 });
  expect(await card.getAttribute('data-listing-id')).toBe(listingId);
  expect(await card.getAttribute('data-position')).toBe('1');
  expect(await card.getByTestId('sponsored-label').textContent()).toBe('Sponsored');
  return card;
}

describe('a seller advertises, a buyer sees and clicks', () => {
  it('campaign from a fresh sign-up, Sponsored first in search, impression and click billed once', { timeout: 180_000 }, async () => {
    const prisma = api.services.db.prisma;
    const seller = await signUp('Lantern Lou', `lou-${run}@example.com`);
    await seller.getByTestId('footer-sell').click();
    await seller.waitForURL('**/seller');
    await seller.getByTestId('shop-name').fill(`Lou's Lanterns ${run}`);
    await seller.getByTestId('open-shop').click();
    await seller.getByTestId('listing-title').fill(`Paper ${keyword}`);
    await seller.getByTestId('listing-price').fill('25.00');
    await seller.getByTestId('listing-stock').fill('10');
    await seller.getByTestId('listing-category').fill('home');
    await seller.getByTestId('create-listing').click();
    const where = { title: `Paper ${keyword}` };
    await expect.poll(() => prisma.listing.count({ where }), { timeout: 10_000 }).toBe(1);
    const listing = await prisma.listing.findFirstOrThrow({ where });

    // The ads dashboard: top up $50 by card, then a campaign with one keyword ad.
    await seller.getByTestId('seller-ads-link').click();
    await seller.waitForURL('**/seller/ads');
    await seller.getByTestId('ad-top-up-source-card').check();
    await seller.getByTestId('ad-top-up-amount').fill('50.00');
    await seller.getByTestId('ad-top-up-submit').click();
    await expect.poll(() => seller.getByTestId('ad-balance').textContent(), { timeout: 10_000 }).toContain('50.00');
    await seller.getByTestId('campaign-name').fill('Lanterns for winter');
    await seller.getByTestId('campaign-daily-budget').fill('20.00');
    await seller.getByTestId('campaign-create-submit').click();
    await seller.waitForURL('**/seller/ads/campaigns/*');
    await seller.getByTestId('ad-target-listing').check();
    await seller.getByTestId('ad-listing').selectOption(listing.id);
    await seller.getByTestId('ad-keyword-0').fill(keyword);
    await seller.getByTestId('ad-keyword-bid-0').fill('0.50');
    await seller.getByTestId('ad-submit').click();
    await seller.getByTestId('ad-row').first().waitFor();
    const ad = await prisma.ad.findFirstOrThrow({ where: { listingId: listing.id } });

    // A buyer searches the keyword: the listing comes first, labelled Sponsored.
    const buyer = await loggedIn(browser, api.url, 'buyer@hawker.test');
    const card = await searchAndSee(buyer, listing.id);
    await expect.poll(() => prisma.adImpression.count({ where: { adId: ad.id } }), { timeout: 10_000 }).toBe(1);
    await card.getByTestId('sponsored-link').click();
    await buyer.waitForURL(`**/listings/${listing.id}`);
    await expect.poll(() => prisma.adClick.count({ where: { adId: ad.id } }), { timeout: 10_000 }).toBe(1);
    const billed = await prisma.adClick.findFirstOrThrow({ where: { adId: ad.id } });
    expect([billed.billedMinor, billed.invalidReason]).toEqual([20, null]); // alone in its auction: the search reserve

    // The dashboard shows the click and what it cost.
    await seller.reload();
    await expect
      .poll(() => seller.getByTestId('campaign-totals').getByTestId('total-clicks').textContent(), { timeout: 10_000 })
      .toContain('1');
    expect(await seller.getByTestId('campaign-totals').getByTestId('total-spend').textContent()).toContain('0.20');

    // Again within 30 minutes: the buyer lands on the listing, and it is not billed twice.
    const again = await searchAndSee(buyer, listing.id);
    await expect.poll(() => prisma.adImpression.count({ where: { adId: ad.id } }), { timeout: 10_000 }).toBe(2);
    await again.getByTestId('sponsored-link').click();
    await buyer.waitForURL(`**/listings/${listing.id}`);
    await expect.poll(() => prisma.adClick.count({ where: { adId: ad.id } }), { timeout: 10_000 }).toBe(2);
    const clicks = await prisma.adClick.findMany({ where: { adId: ad.id }, orderBy: { createdAt: 'asc' } });
    expect(clicks.map((c) => [c.billedMinor, c.invalidReason])).toEqual([
      [20, null],
      [0, 'repeat'],
    ]);
  });
});
