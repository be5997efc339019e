import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AckResponse, ClientToServerEvents, DealView, ServerToClientEvents } from '@hawker/shared';
import type { Browser, Page } from 'playwright-core';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../api/src/server.js';
import { loadMediaConfig } from '../../media-server/src/config.js';
import { startMediaServer, type MediaServer } from '../../media-server/src/server.js';
import { launchChromium } from '../../media-server/test/support/chromium.js';
import { HttpClient, TEST_MEDIA_SECRET } from '../support/api.js';
import { loggedIn as loggedInAt, signedUp, startWebApi } from '../support/browser.js';
import { createListing } from '../support/fixtures.js';
import { freePort } from '../support/process.js';

// The live room in a real browser (video is covered by live.test.ts): chat
// renders hostile text as text, and a viewer buys a flash deal from the live
// page; the order shows up in their orders with the money held in escrow.
// Those shows are marked live by hand, and pages open them with ?mode=hls:
// there is no media-server for them (a WebRTC attempt is refused at once and
// would only add the fallback's wait). Then the creator runs a real show's
// room from /studio (pins, a flash deal, moderation, sales figures), on a
// second api node with a media-server behind it.
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
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

const loggedIn = (email: string, baseURL = api.url): Promise<Page> => loggedInAt(browser, baseURL, email);

beforeAll(async () => {
  // Every test logs people in from the same address.
  api = await startWebApi({ LOGIN_RATE_LIMIT: '1000' });
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
      .toEqual(expect.arrayContaining(payloads.map((p): unknown => expect.stringContaining(p))));
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

  it(
    'a viewer who just signed up buys the flash deal from the live page; the order is in their orders with escrow held',
    { timeout: 120_000 },
    async () => {
      const listing = await createListing(api, { stock: 10, priceMinor: 3000, owner: 'creator@hawker.test' });
      const buyer = await signedUp(browser, api.url, 'Nell New', `nell-${Date.now()}@example.com`);
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
      // Answered at once with the reservation, then the payment behind it: the banner ends on the order.
      await expect.poll(() => buyer.getByTestId('purchase-result').textContent(), { timeout: 20_000 }).toMatch(/order placed/i);
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
    },
  );

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

describe('the studio runs the room', () => {
  const hlsDir = mkdtempSync(path.join(tmpdir(), 'hawker-room-hls-'));
  let media: MediaServer;
  let studioApi: RunningApi;

  beforeAll(async () => {
    const apiPort = await freePort();
    media = await startMediaServer(
      loadMediaConfig({
        MEDIA_PORT: '0',
        MEDIA_WORKERS: '1',
        RTC_MIN_PORT: '45400',
        RTC_MAX_PORT: '45499',
        LOG_LEVEL: 'warn',
        MEDIA_TOKEN_SECRET: TEST_MEDIA_SECRET,
        API_INTERNAL_URL: `http://127.0.0.1:${apiPort}`,
        HLS_DIR: hlsDir,
      }),
    );
    studioApi = await startWebApi({
      PORT: String(apiPort),
      MEDIA_URL: media.url,
      MEDIA_TOKEN_SECRET: TEST_MEDIA_SECRET,
      LOGIN_RATE_LIMIT: '1000',
    });
  });
  afterAll(async () => {
    await studioApi?.close();
    await media?.close();
    rmSync(hlsDir, { recursive: true, force: true });
  });

  // The viewer watches over WebRTC (?mode=webrtc), the tier a buyer is moved to.
  it('the creator pins, launches a flash deal and moderates from the studio; viewers see it and buy', { timeout: 180_000 }, async () => {
    const listing = await createListing(studioApi, { stock: 6, priceMinor: 4000, owner: 'creator@hawker.test' });
    const studio = await loggedIn('creator@hawker.test', studioApi.url);
    await studio.goto('/studio');
    await studio.getByTestId('stream-title').fill('Studio room show');
    await expect.poll(() => studio.getByTestId('go-live').isEnabled(), { timeout: 30_000 }).toBe(true);
    await studio.getByTestId('go-live').click();
    await studio.getByTestId('watch-link').waitFor({ timeout: 60_000 });
    const showId = (await studio.getByTestId('studio').getAttribute('data-stream-id')) ?? '';
    await studio.getByTestId('studio-room').waitFor();

    // Pin the listing from the studio's list of the creator's own listings.
    const row = studio.locator(`[data-testid="pin-row"][data-listing-id="${listing.id}"]`);
    await row.getByTestId('pin-toggle').click();
    await expect.poll(() => row.getByTestId('pin-toggle').getAttribute('aria-pressed')).toBe('true');

    const buyer = await loggedIn('buyer@hawker.test', studioApi.url);
    await buyer.goto(`/live/${showId}?mode=webrtc`);
    await buyer.locator(`[data-testid="pinned-product"][data-listing-id="${listing.id}"]`).waitFor({ timeout: 15_000 });

    // Launch a deal: 3 of the 6 units at $25, one per buyer.
    await studio.getByTestId('deal-listing').selectOption(listing.id);
    await studio.getByTestId('deal-price').fill('25.00');
    await studio.getByTestId('deal-quantity').fill('3');
    await studio.getByTestId('deal-limit').fill('1');
    await studio.getByTestId('launch-deal').click();
    await expect.poll(() => studio.getByTestId('studio-deal-remaining').textContent(), { timeout: 10_000 }).toBe('3');
    const deal = await studioApi.services.db.prisma.flashDeal.findFirstOrThrow({ where: { streamId: showId } });
    expect(deal).toMatchObject({ listingId: listing.id, dealPriceMinor: 2500, quantity: 3, perBuyerLimit: 1 });

    await buyer.getByTestId('deal-banner').waitFor({ timeout: 15_000 });
    await expect.poll(() => buyer.getByTestId('deal-countdown').textContent()).toMatch(/^[01]:\d\d$/);
    await buyer.getByTestId('buy-deal').click();
    await expect.poll(() => buyer.getByTestId('purchase-result').textContent(), { timeout: 20_000 }).toMatch(/order placed/i);
    // Everyone in the room sees the "just bought" ticker; the creator sees the stock go down and the sale in the figures.
    const { title } = await studioApi.services.db.prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    await expect.poll(() => buyer.getByTestId('ticker-entry').first().textContent()).toContain(`just bought ${title}`);
    await expect.poll(() => studio.getByTestId('studio-deal-remaining').textContent(), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => studio.getByTestId('sales-orders').textContent(), { timeout: 15_000 }).toBe('1');
    expect(await studio.getByTestId('sales-gmv').textContent()).toBe('$25.00');

    // Moderation: the creator deletes the buyer's message and turns slow mode on.
    await buyer.getByTestId('chat-input').fill('is the blue one still there?');
    await buyer.getByTestId('chat-send').click();
    const inStudio = studio.getByTestId('chat-message').filter({ hasText: 'is the blue one still there?' });
    await inStudio.waitFor({ timeout: 10_000 });
    await inStudio.getByTestId('chat-mod-menu').click();
    await inStudio.getByTestId('chat-delete').click();
    await expect
      .poll(() => buyer.getByTestId('chat-message').filter({ hasText: 'is the blue one still there?' }).count(), { timeout: 10_000 })
      .toBe(0);
    await studio.getByTestId('slow-mode-select').selectOption('30');
    await expect.poll(() => buyer.getByTestId('slow-mode').textContent(), { timeout: 10_000 }).toContain('30 s');
    // The buyer wrote a moment ago: the next message waits, and the typed text stays.
    await buyer.getByTestId('chat-input').fill('hello again');
    await buyer.getByTestId('chat-send').click();
    await expect.poll(() => buyer.getByTestId('chat-error').textContent(), { timeout: 10_000 }).toMatch(/slow mode/i);
    expect(await buyer.getByTestId('chat-input').inputValue()).toBe('hello again');

    await studio.getByTestId('end-stream').click();
    await expect.poll(() => studio.getByTestId('connection-state').textContent(), { timeout: 30_000 }).toBe('closed');
  });
});
