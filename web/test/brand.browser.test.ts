import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { SponsorshipView, StreamDetail } from '@hawker/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.js';
import { buildWeb, launchMediaChromium } from './support/browser.js';

// Brands and creators in a real Chromium against the fake api: a brand sets up,
// tops up (a new Idempotency-Key per press) and sends an offer; the creator
// answers it in the studio (refused while the brand cannot pay, then
// accepted); the live page and the replay carry the disclosure of a sponsored
// show; the report renders its totals and uPlot's canvases, and uPlot is
// downloaded only by the pages that chart.

const ADA = 'ada@example.com';
const MINA = 'mina@example.com';
const PASSWORD = 'correct horse battery';

let outDir: string;
let api: FakeApi;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  // Fake camera and microphone: the studio opens them for a creator.
  [outDir, browser] = await Promise.all([buildWeb(), launchMediaChromium()]);
  api = await startFakeApi(outDir);
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.context().close()));
});

/** A fresh browser context, recording the URL of every script it loads. */
async function openPage(): Promise<{ page: Page; scripts: string[] }> {
  const page = await (await browser.newContext()).newPage();
  pages.push(page);
  const scripts: string[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.push(response.url());
  });
  return { page, scripts };
}

async function logIn(page: Page, email: string): Promise<void> {
  await page.goto(`${api.url}/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();
}

const isUplot = (url: string) => /\/uPlot[^/]*\.js$/.test(url);

function show(extra: Partial<StreamDetail>): StreamDetail {
  return {
    id: randomUUID(),
    title: 'Friday pottery drop',
    status: 'scheduled',
    creator: { id: api.userId(MINA), displayName: 'Mina', handle: 'mina' },
    viewerCount: 0,
    hlsUrl: null,
    startedAt: null,
    scheduledAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    cancelledAt: null,
    description: '',
    replayUrl: null,
    endedAt: null,
    durationMs: null,
    featured: [],
    reminded: false,
    sponsor: null,
    ...extra,
  };
}

describe('brand and creator', () => {
  it('a brand tops up and sends an offer; the creator is told while the brand cannot pay, then accepts in the studio', async () => {
    const upcoming = show({ title: 'Spring glaze special' });
    api.streams.set(upcoming.id, upcoming);

    // The brand: set up, a declined card, then a top-up of $50.
    const { page: brand, scripts: brandScripts } = await openPage();
    await logIn(brand, ADA);
    await brand.goto(`${api.url}/brand`);
    await brand.getByTestId('brand-setup').waitFor();
    await brand.getByTestId('brand-company').fill('Acme Teas');
    await brand.getByTestId('brand-setup-submit').click();
    await brand.getByRole('heading', { level: 1, name: 'Acme Teas' }).waitFor();
    await brand.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Brand' }).waitFor();

    await brand.getByTestId('top-up-amount').fill('50');
    await brand.getByTestId('top-up-card').selectOption('pm_card_chargeDeclined');
    await brand.getByTestId('top-up-submit').click();
    expect(await brand.getByTestId('top-up-error').innerText()).toBe('Your card was declined.');
    await brand.getByTestId('top-up-card').selectOption('pm_card_visa');
    await brand.getByTestId('top-up-submit').click();
    await expect.poll(() => brand.getByTestId('brand-available').innerText()).toBe('$50.00');
    expect(await brand.getByTestId('top-up-notice').innerText()).toBe('$50.00 added to your balance.');
    expect(await brand.getByTestId('brand-top-ups').innerText()).toContain('$50.00');
    const keys = api.fundingRequests.map((r) => r.key);
    expect(keys).toHaveLength(2);
    expect(keys.every(Boolean) && keys[0] !== keys[1]).toBe(true);

    // Find Mina and offer $100 + 10 % for one of her upcoming shows.
    await brand.getByTestId('creator-query').fill('mina');
    await brand.getByTestId('creator-search').click();
    const creatorCard = brand.getByTestId('creator-card');
    await expect.poll(() => creatorCard.count()).toBe(1);
    expect(await creatorCard.getByTestId('creator-gmv').innerText()).toBe('not shared');
    expect(await creatorCard.getByTestId('creator-peak').innerText()).toBe('1.2K');
    await creatorCard.getByTestId('offer-open').click();
    const form = brand.getByTestId('offer-form');
    await form.getByTestId('offer-fee').fill('100');
    await form.getByTestId('offer-commission').fill('10');
    await form.getByTestId('offer-live-minutes').fill('60');
    await form.getByTestId('offer-pinned-minutes').fill('20');
    await form.getByTestId('offer-flash-deals').fill('2');
    await expect.poll(() => form.getByTestId('offer-cover-show').isEnabled()).toBe(true);
    await form.getByTestId('offer-cover-show').check();
    await form.getByTestId('offer-show').selectOption(upcoming.id);
    await form.getByTestId('offer-message').fill('Our spring teas would suit your glazes.');
    const example = await form.getByTestId('release-example').innerText();
    expect(example).toContain('66.67 %');
    expect(example).toContain('$66.66 to the creator');
    expect(example).toContain('$33.34 back to the brand');
    await form.getByTestId('offer-submit').click();
    await brand.getByTestId('offer-sent').waitFor();

    const offers = [...api.sponsorships.values()];
    expect(offers).toHaveLength(1);
    const offer = offers[0] as SponsorshipView;
    expect(offer).toMatchObject({
      flatFeeMinor: 10_000,
      currency: 'USD',
      commissionBps: 1000,
      minLiveMinutes: 60,
      minPinnedMinutes: 20,
      minFlashDeals: 2,
      coverage: { streamId: upcoming.id, shows: 1 },
      message: 'Our spring teas would suit your glazes.',
    });
    const brandRow = brand.getByTestId('sponsorship-row');
    expect(await brandRow.getByTestId('sponsorship-status').innerText()).toBe('Offer open');
    expect(await brandRow.getByTestId('sponsorship-report-link').getAttribute('href')).toBe(`/brand/sponsorships/${offer.id}`);

    // The creator, in the studio: the brand has $50 for a $100 fee.
    const { page: creator } = await openPage();
    await logIn(creator, MINA);
    await creator.goto(`${api.url}/studio`);
    const open = creator.getByTestId('open-offers').getByTestId('sponsorship-row');
    await open.waitFor();
    expect(await open.locator('h3').innerText()).toBe('Acme Teas');
    expect(await open.getByTestId('sponsorship-fee').innerText()).toBe('$100.00');
    expect(await open.getByTestId('sponsorship-commission').innerText()).toBe('10 %');
    expect(await creator.getByTestId('sponsorship-offers').getByTestId('release-rule').innerText()).toContain('72 hours later');
    await open.getByTestId('sponsorship-accept').click();
    expect(await open.getByTestId('sponsorship-error').innerText()).toBe(
      'Acme Teas cannot pay the fee right now; they have been told. The offer stays open.',
    );
    expect(await open.getByTestId('sponsorship-status').innerText()).toBe('Offer open');

    // The brand tops up again (a new press, a new key); now the creator can accept.
    await brand.getByTestId('top-up-amount').fill('60');
    await brand.getByTestId('top-up-submit').click();
    await expect.poll(() => brand.getByTestId('brand-available').innerText()).toBe('$110.00');
    expect(new Set(api.fundingRequests.map((r) => r.key)).size).toBe(3);

    await open.getByTestId('sponsorship-accept').click();
    const accepted = creator.getByTestId('creator-sponsorships').getByTestId('sponsorship-row');
    await expect.poll(() => accepted.getByTestId('sponsorship-status').innerText()).toBe('Accepted');
    expect(await accepted.getByTestId('sponsorship-report-link').getAttribute('href')).toBe(`/brand/sponsorships/${offer.id}`);
    expect(api.sponsorships.get(offer.id)?.status).toBe('accepted');

    await brand.reload();
    await expect.poll(() => brand.getByTestId('brand-held').innerText()).toBe('$100.00');
    expect(await brand.getByTestId('brand-available').innerText()).toBe('$10.00');
    expect(await brand.getByTestId('sponsorship-status').innerText()).toBe('Accepted');
    expect(await brand.getByTestId('sponsorship-raise').isVisible()).toBe(true);
    // No chart on the dashboard: uPlot is never downloaded there.
    expect(brandScripts.filter(isUplot)).toEqual([]);
  });

  it('labels a sponsored show "Paid partnership" on the live page and on its replay', async () => {
    const sponsored = show({ sponsor: { companyName: 'Acme Teas' } });
    const plain = show({ title: 'An unsponsored show' });
    api.streams.set(sponsored.id, sponsored);
    api.streams.set(plain.id, plain);
    const { page } = await openPage();

    await page.goto(`${api.url}/live/${sponsored.id}`);
    const label = page.getByTestId('paid-partnership');
    await label.waitFor();
    expect(await label.innerText()).toBe('Paid partnership with Acme Teas');
    expect(await label.isVisible()).toBe(true);

    await page.goto(`${api.url}/live/${plain.id}`);
    await page.getByRole('heading', { level: 1, name: 'An unsponsored show' }).waitFor();
    expect(await page.getByTestId('paid-partnership').count()).toBe(0);

    api.streams.set(sponsored.id, {
      ...sponsored,
      status: 'ended',
      startedAt: '2030-01-01T10:00:00.000Z',
      endedAt: '2030-01-01T11:00:00.000Z',
    });
    await page.goto(`${api.url}/replay/${sponsored.id}`);
    await page.getByRole('heading', { level: 1, name: 'Friday pottery drop' }).waitFor();
    expect(await page.getByTestId('paid-partnership').innerText()).toBe('Paid partnership with Acme Teas');
  });

  it('renders the report: totals, and the viewers and orders charts (uPlot, loaded on this page only)', async () => {
    const covered = randomUUID();
    const id = randomUUID();
    api.sponsorships.set(id, {
      id,
      status: 'released',
      brand: { id: randomUUID(), companyName: 'Glow Labs' },
      creator: { id: api.userId(MINA), displayName: 'Mina', handle: 'mina' },
      flatFeeMinor: 10_000,
      currency: 'USD',
      commissionBps: 1000,
      minLiveMinutes: 60,
      minPinnedMinutes: 20,
      minFlashDeals: 2,
      coverage: { streamId: covered, shows: 1 },
      coveredStreamIds: [covered],
      message: '',
      expiresAt: '2030-01-01T00:00:00.000Z',
      createdAt: '2029-12-01T00:00:00.000Z',
      releaseAt: '2030-01-04T11:00:00.000Z',
      delivery: { liveMinutes: 75, pinnedMinutes: 10, flashDeals: 1, deliveredBps: 6666 },
      releasedMinor: 6666,
      returnedMinor: 3334,
    });
    api.reportMinutes.set(
      id,
      [120, 340, 410, 380].map((viewers, i) => ({
        at: new Date(Date.UTC(2030, 0, 1, 10, i)).toISOString(),
        viewers,
        orders: i === 2 ? 2 : 0,
        gmvMinor: i === 2 ? 5000 : 0,
      })),
    );

    const { page, scripts } = await openPage();
    await logIn(page, MINA);
    await page.goto(`${api.url}/brand/sponsorships/${id}`);
    const totals = page.getByTestId('report-totals');
    await totals.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Glow Labs × Mina');
    expect(await page.getByTestId('total-peak-viewers').innerText()).toBe('410');
    expect(await page.getByTestId('total-watch-minutes').innerText()).toBe('1,250');
    expect(await page.getByTestId('total-orders').innerText()).toBe('2');
    expect(await page.getByTestId('total-gmv').innerText()).toBe('$50.00');
    expect(await page.getByTestId('total-commission').innerText()).toBe('$5.00');
    expect(await page.getByTestId('total-cost-per-order').innerText()).toBe('$35.83');
    expect(await page.getByTestId('total-product-clicks').innerText()).toBe('0');

    await page.getByTestId('chart-viewers').locator('canvas').waitFor();
    await page.getByTestId('chart-orders').locator('canvas').waitFor();
    expect(await page.getByTestId('chart-viewers').getAttribute('aria-label')).toBe('Viewers per minute');
    expect(await page.locator('.uplot').count()).toBe(2);
    // The canvas has been drawn at the container's width.
    expect(
      await page
        .getByTestId('chart-viewers')
        .locator('canvas')
        .evaluate((c: HTMLCanvasElement) => c.width),
    ).toBeGreaterThan(200);
    expect(scripts.filter(isUplot)).toHaveLength(1);
    // The creator's way back is the studio.
    expect(await page.getByRole('link', { name: 'Studio', exact: true }).last().getAttribute('href')).toBe('/studio');
  });

  it('shows a creator their earnings: balances, a payout from the creator source, the daily chart and the shows', async () => {
    const showId = randomUUID();
    api.earnings = {
      balances: [{ currency: 'USD', pendingMinor: 1250, availableMinor: 6666, paidOutMinor: 0 }],
      shows: [
        {
          streamId: showId,
          title: 'Spring glaze special',
          startedAt: '2030-01-01T10:00:00.000Z',
          currency: 'USD',
          orders: 3,
          gmvMinor: 7500,
          earnedMinor: 6916,
          pendingMinor: 1250,
        },
      ],
      daily: [
        { day: '2030-01-01', currency: 'USD', earnedMinor: 250 },
        { day: '2030-01-04', currency: 'USD', earnedMinor: 6666 },
      ],
      payouts: [],
    };
    const { page, scripts } = await openPage();
    await logIn(page, MINA);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Earnings' }).click();
    await page.waitForURL('**/earnings');
    await page.getByTestId('earnings-balances').waitFor();
    expect(await page.getByTestId('earnings-pending').innerText()).toBe('$12.50');
    expect(await page.getByTestId('earnings-available').innerText()).toBe('$66.66');
    expect(await page.getByTestId('earnings-shows').innerText()).toContain('Spring glaze special');
    await page.getByTestId('chart-daily').locator('canvas').waitFor();
    expect(scripts.filter(isUplot)).toHaveLength(1);

    // More than is available is refused here, without a request.
    await page.getByTestId('earnings-payout-amount').fill('70');
    await page.getByTestId('earnings-payout-submit').click();
    expect(await page.getByTestId('earnings-payout-error').innerText()).toBe('You can pay out up to $66.66.');
    expect(api.payoutRequests).toEqual([]);

    await page.getByTestId('earnings-payout-amount').fill('60');
    await page.getByTestId('earnings-payout-submit').click();
    await expect.poll(() => page.getByTestId('earnings-paid-out').innerText()).toBe('$60.00');
    expect(await page.getByTestId('earnings-payout-notice').innerText()).toBe('Payout sent.');
    expect(await page.getByTestId('earnings-available').innerText()).toBe('$6.66');
    expect(api.payoutRequests).toMatchObject([{ amountMinor: 6000, currency: 'USD', source: 'creator' }]);
    expect(api.payoutRequests[0]?.key).toBeTruthy();
  });
});
