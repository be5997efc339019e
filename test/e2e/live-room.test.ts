import path from 'node:path';
import type { AckResponse, ClientToServerEvents, DealView, ServerToClientEvents } from '@hawker/shared';
import type { Browser, Page } from 'playwright-core';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadApiConfig } from '../../api/src/config.js';
import { startApiServer, type RunningApi } from '../../api/src/server.js';
import { launchChromium } from '../../media-server/test/support/chromium.js';
import { HttpClient } from '../support/api.js';
import { createListing } from '../support/fixtures.js';

// The live room in a real browser (video is covered by live.test.ts): chat
// renders hostile text as text, and a viewer buys a flash deal from the live
// page; the order shows up in their orders with the money held in escrow.
// Pages open with ?mode=hls: there is no media-server here, and a WebRTC
// attempt would only leave an unanswered /media upgrade on the api.
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const root = path.resolve(import.meta.dirname, '../..');
let api: RunningApi;
let browser: Browser;
let streamId: string;
const sockets: ClientSocket[] = [];

async function socketFor(client: HttpClient): Promise<ClientSocket> {
  const s: ClientSocket = connect(api.url, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie: client.cookieHeader } });
  sockets.push(s);
  await new Promise((resolve, reject) => {
    s.once('connect', () => resolve(undefined));
    s.once('connect_error', reject);
  });
  await s.timeout(5000).emitWithAck('room:join', { streamId });
  return s;
}

async function loggedIn(email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: api.url })).newPage();
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill('hawker-demo');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();
  return page;
}

beforeAll(async () => {
  api = await startApiServer(
    loadApiConfig({
      PORT: '0',
      DATABASE_URL: inject('databaseUrl'),
      WEB_DIST: path.join(root, 'web/dist'),
      LOG_LEVEL: 'warn',
      SCHEDULER_INTERVAL_SECONDS: '0',
    }),
  );
  browser = await launchChromium();
  const creator = new HttpClient(api.url);
  await creator.login('creator@hawker.test');
  streamId = (await creator.post('/api/streams', { title: 'Room in the browser' })).body.id as string;
  // Video is not under test here: mark the stream live as the media-server would.
  await api.services.streams.onMediaEvent({
    type: 'broadcast.live',
    streamId,
    at: new Date().toISOString(),
    hlsPath: `/media/hls/${streamId}/index.m3u8`,
  });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await browser?.close();
  await api?.close();
});

describe('live room in Chromium', () => {
  it('renders hostile chat text as text', { timeout: 120_000 }, async () => {
    const page = await loggedIn('buyer@hawker.test');
    await page.goto(`/live/${streamId}?mode=hls`);
    await page.getByTestId('chat-panel').waitFor();
    const sender = new HttpClient(api.url);
    await sender.login('seller@hawker.test');
    const s = await socketFor(sender);
    const payloads = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=2</script>', '"><svg onload=window.__xss=3>'];
    for (const text of payloads) expect((await s.timeout(5000).emitWithAck('chat:send', { streamId, text })).ok).toBe(true);
    await expect
      .poll(() => page.getByTestId('chat-message').allTextContents(), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(payloads.map((p) => expect.stringContaining(p))));
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(
      await page
        .locator('[data-testid="chat-panel"] img, [data-testid="chat-panel"] script, [data-testid="chat-panel"] svg[onload]')
        .count(),
    ).toBe(0);

    await page.getByTestId('chat-input').fill('hello from the browser');
    await page.getByTestId('chat-send').click();
    await expect
      .poll(() => api.services.db.prisma.chatMessage.count({ where: { streamId, text: 'hello from the browser' } }), { timeout: 10_000 })
      .toBe(1);
  });

  it('a viewer buys the flash deal from the live page; the order is in their orders with escrow held', { timeout: 120_000 }, async () => {
    const listing = await createListing(api, { stock: 10, priceMinor: 3000, owner: 'creator@hawker.test' });
    const buyer = await loggedIn('buyer@hawker.test');
    await buyer.goto(`/live/${streamId}?mode=hls`);
    await buyer.getByTestId('chat-panel').waitFor();
    const creator = new HttpClient(api.url);
    await creator.login('creator@hawker.test');
    const host = await socketFor(creator);
    const launched: AckResponse<DealView> = await host.timeout(5000).emitWithAck('deal:launch', {
      streamId,
      listingId: listing.id,
      dealPriceMinor: 1500,
      quantity: 5,
      perBuyerLimit: 1,
      durationSeconds: 120,
    });
    expect(launched.ok).toBe(true);
    await buyer.getByTestId('deal-banner').waitFor({ timeout: 15_000 });
    await expect.poll(() => buyer.getByTestId('deal-remaining').textContent(), { timeout: 10_000 }).toContain('5');
    await buyer.getByTestId('buy-deal').click();
    await expect.poll(() => buyer.getByTestId('purchase-result').textContent(), { timeout: 20_000 }).toMatch(/order|bought|success/i);
    await expect.poll(() => buyer.getByTestId('deal-remaining').textContent(), { timeout: 10_000 }).toContain('4');

    const order = await api.services.db.prisma.order.findFirstOrThrow({
      where: { streamId, flashDealId: launched.ok ? launched.data.id : '' },
      include: { escrow: true },
    });
    expect(order).toMatchObject({ status: 'paid', totalMinor: 1500, escrow: { status: 'held', amountMinor: 1500 } });
    await buyer.goto('/orders');
    const row = buyer.locator(`[data-testid="order-row"][data-order-id="${order.id}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('paid');
    await api.services.deals.endExpired(new Date(Date.now() + 3_600_000));
  });

  it(
    'a viewer buys a pinned product from its card; a guest reads the chat and is sent to log in to buy',
    { timeout: 120_000 },
    async () => {
      const listing = await createListing(api, { stock: 3, priceMinor: 2500, owner: 'creator@hawker.test' });
      const creator = new HttpClient(api.url);
      await creator.login('creator@hawker.test');
      const host = await socketFor(creator);
      expect((await host.timeout(5000).emitWithAck('pin:set', { streamId, listingIds: [listing.id] })).ok).toBe(true);

      const buyer = await loggedIn('buyer@hawker.test');
      await buyer.goto(`/live/${streamId}?mode=hls`);
      const card = buyer.locator(`[data-testid="pinned-product"][data-listing-id="${listing.id}"]`);
      await card.waitFor({ timeout: 15_000 });
      await card.getByTestId('buy-pinned').click();
      await expect.poll(() => card.getByTestId('pin-purchase-result').textContent(), { timeout: 20_000 }).toMatch(/order placed/i);
      const order = await api.services.db.prisma.order.findFirstOrThrow({
        where: { streamId, buyer: { email: 'buyer@hawker.test' }, items: { some: { listingId: listing.id } } },
        include: { escrow: true },
      });
      expect(order).toMatchObject({ status: 'paid', totalMinor: 2500, escrow: { status: 'held' } });

      const guest = await (await browser.newContext({ baseURL: api.url })).newPage();
      await guest.goto(`/live/${streamId}?mode=hls`);
      await expect.poll(() => guest.getByTestId('chat-message').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await guest.getByTestId('chat-input').count()).toBe(0);
      const back = `/login?next=${encodeURIComponent(`/live/${streamId}?mode=hls`)}`;
      expect(await guest.getByTestId('chat-login').getAttribute('href')).toBe(back);
      const guestBuy = guest.locator(`[data-testid="pinned-product"][data-listing-id="${listing.id}"]`).getByTestId('buy-pinned');
      expect(await guestBuy.getAttribute('href')).toBe(back);
      await guestBuy.click();
      await guest.getByTestId('login-email').waitFor();
      expect(new URL(guest.url()).pathname).toBe('/login');
    },
  );
});
