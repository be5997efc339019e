import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../api/src/server.js';
import { launchChromium } from '../../media-server/test/support/chromium.js';
import { loggedIn as loggedInAt, startWebApi } from '../support/browser.js';
import { createListing } from '../support/fixtures.js';

// A buyer finds a product by search, buys it (escrow), the seller ships it,
// the buyer confirms receipt and reviews it — all through the web pages.
let api: RunningApi;
let browser: Browser;

beforeAll(async () => {
  api = await startWebApi();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const loggedIn = (email: string): Promise<Page> => loggedInAt(browser, api.url, email);

describe('marketplace in the browser', () => {
  it('search → buy now → ship → confirm → review', { timeout: 180_000 }, async () => {
    const listing = await createListing(api, { stock: 3, priceMinor: 2499 });
    const title = (await api.services.db.prisma.listing.update({ where: { id: listing.id }, data: { title: 'Moonstone teapot' } })).title;

    const buyer = await loggedIn('buyer@hawker.test');
    await buyer.getByTestId('search-input').fill('moonstone');
    await buyer.getByTestId('search-input').press('Enter');
    await buyer.getByText(title).first().click();
    await buyer.waitForURL(`**/listings/${listing.id}`);
    await buyer.getByTestId('buy-now').click();
    await buyer.waitForURL('**/orders');
    const row = buyer.locator('[data-testid="order-row"]').first();
    await expect.poll(() => row.getAttribute('data-status')).toBe('paid');
    const orderId = (await row.getAttribute('data-order-id'))!;
    expect((await api.services.db.prisma.escrowHold.findUniqueOrThrow({ where: { orderId } })).status).toBe('held');

    const seller = await loggedIn('seller@hawker.test');
    await seller.goto('/seller');
    const sellerRow = seller.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"]`);
    await sellerRow.getByTestId('ship-carrier').fill('UPS');
    await sellerRow.getByTestId('ship-tracking').fill('1Z-E2E');
    await sellerRow.getByTestId('ship-order').click();
    await expect.poll(() => sellerRow.getAttribute('data-status'), { timeout: 15_000 }).toBe('shipped');

    await buyer.goto('/orders');
    const buyerRow = buyer.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
    await buyerRow.getByTestId('confirm-receipt').click();
    await expect.poll(() => buyerRow.getAttribute('data-status'), { timeout: 15_000 }).toBe('completed');
    await buyerRow.getByTestId('review-rating').selectOption('5');
    await buyerRow.getByTestId('review-text').fill('Pours beautifully');
    await buyerRow.getByTestId('submit-review').click();

    await expect
      .poll(async () => (await api.services.db.prisma.review.findMany({ where: { orderId } })).map((r) => [r.rating, r.text]), {
        timeout: 15_000,
      })
      .toEqual([[5, 'Pours beautifully']]);
    await buyer.goto(`/listings/${listing.id}`);
    await buyer.getByText('Pours beautifully').waitFor();
    const hold = await api.services.db.prisma.escrowHold.findUniqueOrThrow({ where: { orderId } });
    expect(hold).toMatchObject({ status: 'released', releasedMinor: 2499 });
  });
});
