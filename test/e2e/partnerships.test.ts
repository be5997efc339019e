import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../api/src/server.js';
import { loadMediaConfig } from '../../media-server/src/config.js';
import { startMediaServer, type MediaServer } from '../../media-server/src/server.js';
import { launchChromium } from '../../media-server/test/support/chromium.js';
import { TEST_MEDIA_SECRET } from '../support/api.js';
import { loggedIn, signedUp, startWebApi } from '../support/browser.js';
import { freePort } from '../support/process.js';

// Issue 10 in the browser, every step through the web app from fresh
// sign-ups: a creator and a brand register, the creator schedules a show, a
// viewer follows them, the brand (with its own shop) tops up and offers a
// sponsorship, the creator accepts it in the studio and goes live with a real
// camera through the media-server; the follower's bell rings, the room shows
// "Paid partnership", the creator pins the sponsor's product from the studio
// and the follower buys it. The brand ships, the buyer confirms delivery, and
// the creator's earnings and the brand's report show the commission.
const hlsDir = mkdtempSync(path.join(tmpdir(), 'hawker-partner-hls-'));
const run = Date.now().toString(36);
let media: MediaServer;
let api: RunningApi;
let browser: Browser;

beforeAll(async () => {
  const apiPort = await freePort();
  media = await startMediaServer(
    loadMediaConfig({
      MEDIA_PORT: '0',
      MEDIA_WORKERS: '1',
      RTC_MIN_PORT: '45500',
      RTC_MAX_PORT: '45599',
      LOG_LEVEL: 'warn',
      MEDIA_TOKEN_SECRET: TEST_MEDIA_SECRET,
      API_INTERNAL_URL: `http://127.0.0.1:${apiPort}`,
      HLS_DIR: hlsDir,
    }),
  );
  api = await startWebApi({ PORT: String(apiPort), MEDIA_URL: media.url, MEDIA_TOKEN_SECRET: TEST_MEDIA_SECRET, LOGIN_RATE_LIMIT: '1000' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await media?.close();
  rmSync(hlsDir, { recursive: true, force: true });
});

const signUp = (name: string, email: string): Promise<Page> => signedUp(browser, api.url, name, email);

/** "2026-12-06T15:30" in the browser's own zone, an hour from now. */
async function inAnHour(page: Page): Promise<string> {
  return page.evaluate(() => {
    const d = new Date(Date.now() + 3_600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  });
}

describe('creator, brand and viewer from fresh sign-ups', () => {
  it('sponsor, go live, disclose, sell, deliver, earn, report', { timeout: 300_000 }, async () => {
    const prisma = api.services.db.prisma;
    const handle = `gia_${run}`;

    // The creator signs up, finds "Go live and sell" in the footer, and becomes a creator.
    const creator = await signUp('Gia Glows', `gia-${run}@example.com`);
    await creator.getByTestId('footer-go-live').click();
    await creator.waitForURL('**/creator/new');
    await creator.getByTestId('creator-handle').fill(handle);
    await creator.getByTestId('creator-name').fill('Gia Glows');
    await creator.getByTestId('creator-bio').fill('Skincare, live every Sunday.');
    await creator.getByTestId('creator-terms').check();
    await creator.getByTestId('creator-submit').click();
    await creator.waitForURL(`**/c/${handle}`);

    // …and schedules a show from the studio.
    await creator.goto('/studio');
    await creator.getByTestId('schedule-title').fill('Sunday glow-up');
    await creator.getByTestId('schedule-when').fill(await inAnHour(creator));
    await creator.getByTestId('schedule-submit').click();
    await creator.getByTestId('scheduled-show').filter({ hasText: 'Sunday glow-up' }).waitFor();
    const show = await prisma.stream.findFirstOrThrow({ where: { title: 'Sunday glow-up', creator: { handle } } });

    // A viewer follows the creator from their profile.
    const viewer = await loggedIn(browser, api.url, 'buyer@hawker.test');
    await viewer.goto(`/c/${handle}`);
    await viewer.getByTestId('follow-button').click();
    await expect.poll(() => viewer.getByTestId('follower-count').textContent(), { timeout: 10_000 }).toContain('1');

    // The brand signs up, opens a shop with a product, sets up its brand account and tops it up.
    const brand = await signUp('Glow Labs', `glow-${run}@example.com`);
    await brand.getByTestId('footer-sell').click();
    await brand.waitForURL('**/seller');
    await brand.getByTestId('shop-name').fill(`Glow Labs ${run}`);
    await brand.getByTestId('open-shop').click();
    await brand.getByTestId('listing-title').fill('Glow serum');
    await brand.getByTestId('listing-price').fill('40.00');
    await brand.getByTestId('listing-stock').fill('10');
    await brand.getByTestId('listing-category').fill('beauty');
    await brand.getByTestId('create-listing').click();
    const serumWhere = { title: 'Glow serum', shop: { name: `Glow Labs ${run}` } };
    await expect.poll(() => prisma.listing.count({ where: serumWhere }), { timeout: 10_000 }).toBe(1);
    const serum = await prisma.listing.findFirstOrThrow({ where: serumWhere });

    await brand.getByTestId('footer-brands').click();
    await brand.waitForURL('**/brand');
    await brand.getByTestId('brand-company').fill('Glow Labs');
    await brand.getByTestId('brand-website').fill('https://glow.example');
    await brand.getByTestId('brand-setup-submit').click();
    await brand.getByTestId('top-up-amount').fill('200.00');
    await brand.getByTestId('top-up-submit').click();
    await expect.poll(() => brand.getByTestId('brand-available').first().textContent(), { timeout: 15_000 }).toBe('$200.00');

    // It finds the creator and offers $50 and 15 % on its products for the scheduled show.
    await brand.getByTestId('creator-query').fill(handle);
    await brand.getByTestId('creator-search').click();
    const card = brand.getByTestId('creator-card').filter({ hasText: 'Gia Glows' });
    await card.getByTestId('offer-open').click();
    await brand.getByTestId('offer-fee').fill('50.00');
    await brand.getByTestId('offer-commission').fill('15');
    await brand.getByTestId('offer-live-minutes').fill('1');
    await brand.getByTestId('offer-cover-show').check();
    await brand.getByTestId('offer-show').selectOption(show.id);
    await brand.getByTestId('offer-submit').click();
    await brand.getByTestId('offer-sent').waitFor({ timeout: 10_000 });
    const sponsorship = await prisma.sponsorship.findFirstOrThrow({ where: { streamId: show.id } });
    expect(sponsorship).toMatchObject({ status: 'proposed', flatFeeMinor: 5000, commissionBps: 1500 });

    // The creator accepts in the studio: the fee moves from the brand's balance into escrow.
    await creator.goto('/studio');
    const offer = creator.locator(`[data-testid="sponsorship-row"][data-sponsorship-id="${sponsorship.id}"]`);
    await offer.getByTestId('sponsorship-accept').click();
    await expect.poll(() => offer.getAttribute('data-status'), { timeout: 10_000 }).toBe('accepted');

    // …and goes live with the scheduled show, camera and all.
    await creator.getByTestId('use-show').click();
    await expect.poll(() => creator.getByTestId('go-live').isEnabled(), { timeout: 30_000 }).toBe(true);
    await creator.getByTestId('go-live').click();
    await creator.getByTestId('watch-link').waitFor({ timeout: 60_000 });
    expect(await creator.getByTestId('studio').getAttribute('data-stream-id')).toBe(show.id);

    // The follower's bell rings.
    await viewer.goto('/');
    await expect.poll(() => viewer.getByTestId('notification-count').textContent(), { timeout: 15_000 }).toMatch(/[1-9]/);
    await viewer.getByTestId('notification-bell').click();
    await viewer.getByTestId('notification-item').filter({ hasText: 'Gia Glows' }).first().waitFor();

    // The creator pins the sponsor's product, shown with its commission.
    await creator.getByTestId('studio-room').waitFor();
    const row = creator.locator(`[data-testid="pin-row"][data-listing-id="${serum.id}"]`);
    expect(await row.getAttribute('data-source')).toBe('sponsor');
    expect(await row.getByTestId('pin-origin').textContent()).toContain('15 % commission');
    await row.getByTestId('pin-toggle').click();
    await expect.poll(() => row.getByTestId('pin-toggle').getAttribute('aria-pressed')).toBe('true');

    // The room discloses the partnership; the follower buys the pinned serum.
    await viewer.goto(`/live/${show.id}?mode=webrtc`);
    expect(await viewer.getByTestId('paid-partnership').textContent()).toBe('Paid partnership with Glow Labs');
    const pinned = viewer.locator(`[data-testid="pinned-product"][data-listing-id="${serum.id}"]`);
    await pinned.getByTestId('buy-pinned').click();
    await expect.poll(() => pinned.getByTestId('pin-purchase-result').textContent(), { timeout: 20_000 }).toMatch(/order placed/i);
    const order = await prisma.order.findFirstOrThrow({ where: { items: { some: { listingId: serum.id } } }, include: { items: true } });
    expect(order.items[0]).toMatchObject({ commissionBps: 1500, sponsorshipId: sponsorship.id });

    await creator.getByTestId('end-stream').click();
    await expect.poll(() => creator.getByTestId('connection-state').textContent(), { timeout: 30_000 }).toBe('closed');

    // The brand ships; the buyer confirms delivery; escrow releases with the commission split off.
    await brand.goto('/seller');
    const toShip = brand.locator(`[data-testid="seller-order-row"][data-order-id="${order.id}"]`);
    await toShip.getByTestId('ship-carrier').fill('UPS');
    await toShip.getByTestId('ship-tracking').fill('1Z-GLOW');
    await toShip.getByTestId('ship-order').click();
    await expect.poll(() => toShip.getAttribute('data-status'), { timeout: 15_000 }).toBe('shipped');
    await viewer.goto('/orders');
    const mine = viewer.locator(`[data-testid="order-row"][data-order-id="${order.id}"]`);
    await mine.getByTestId('confirm-receipt').click();
    await expect.poll(() => mine.getAttribute('data-status'), { timeout: 15_000 }).toBe('completed');

    // 15 % of $40.00 is the creator's, available now; the sponsorship fee waits for its 72 hours.
    await creator.getByRole('link', { name: 'Earnings' }).click();
    await expect.poll(() => creator.getByTestId('earnings-available').first().textContent(), { timeout: 15_000 }).toBe('$6.00');

    // The brand's report: one order, $40.00 sold, $6.00 commission.
    await brand.goto('/brand');
    const mineToBrand = brand.locator(`[data-testid="sponsorship-row"][data-sponsorship-id="${sponsorship.id}"]`);
    await expect.poll(() => mineToBrand.getAttribute('data-status'), { timeout: 15_000 }).toBe('measured');
    await mineToBrand.getByTestId('sponsorship-report-link').click();
    await brand.getByTestId('report-totals').waitFor({ timeout: 15_000 });
    expect(await brand.getByTestId('total-orders').textContent()).toContain('1');
    expect(await brand.getByTestId('total-gmv').textContent()).toContain('$40.00');
    expect(await brand.getByTestId('total-commission').textContent()).toContain('$6.00');
  });
});
