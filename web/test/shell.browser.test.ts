import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListingSummary, StreamSummary } from '@hawker/shared';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.js';

// The whole shell in a real browser: the production build, served with the
// api's SPA fallback, driven the way a person uses it.

const webDir = join(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const listings: ListingSummary[] = [
  {
    id: '0190c3b0-0000-7000-8000-00000000a001',
    title: 'Hand-thrown tea bowl',
    priceMinor: 1299,
    currency: 'USD',
    stock: 4,
    category: 'home',
    imageUrl: null,
    shop: { id: '0190c3b0-0000-7000-8000-00000000b001', name: 'Kiln & Co' },
  },
  {
    id: '0190c3b0-0000-7000-8000-00000000a002',
    title: 'Silk scarf <b>not bold</b>',
    priceMinor: 4500,
    currency: 'JPY',
    stock: 0,
    category: 'fashion',
    imageUrl: null,
    shop: { id: '0190c3b0-0000-7000-8000-00000000b002', name: 'Tokyo Threads' },
  },
];

const liveStream: StreamSummary = {
  id: '0190c3b0-0000-7000-8000-00000000c001',
  title: 'Friday pottery drop',
  status: 'live',
  creator: { id: '0190c3b0-0000-7000-8000-00000000d001', displayName: 'Mina', handle: null },
  viewerCount: 1234,
  hlsUrl: null,
  startedAt: '2026-01-01T10:00:00.000Z',
  scheduledAt: null,
  cancelledAt: null,
};

let outDir: string;
let api: FakeApi;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'hawker-web-'));
  await build({
    root: webDir,
    configFile: join(webDir, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  api = await startFakeApi(outDir);
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

beforeEach(async () => {
  api.liveStreams = [];
  api.listings = listings;
  page = await (await browser.newContext()).newPage();
});

afterEach(async () => {
  await page.context().close();
});

const byTestId = (id: string) => page.getByTestId(id);

async function logIn(password: string): Promise<void> {
  await page.goto(`${api.url}/login`);
  await byTestId('login-email').fill('ada@example.com');
  await byTestId('login-password').fill(password);
  await byTestId('login-submit').click();
}

describe('web shell', () => {
  it('shows the feed and a friendly empty state when no one is live', async () => {
    await page.goto(api.url);
    await expect.poll(() => byTestId('listing-card').count()).toBe(2);
    const first = byTestId('listing-card').first();
    expect(await first.getAttribute('href')).toBe(`/listings/${listings[0]?.id}`);
    expect(await first.innerText()).toContain('$12.99');
    expect(await first.innerText()).toContain('Kiln & Co');
    // User text is text: markup in a title is shown, never parsed.
    expect(await byTestId('listing-card').nth(1).innerText()).toContain('Silk scarf <b>not bold</b>');
    expect(await byTestId('listing-card').nth(1).innerText()).toContain('¥4,500');
    expect(await byTestId('live-empty').innerText()).toContain('No one is live right now');
    expect(await page.getByRole('link', { name: 'Log in' }).isVisible()).toBe(true);
  });

  it('keeps the empty state when the live request fails, and lists live shows when there are some', async () => {
    api.liveStreams = 'error';
    await page.goto(api.url);
    await byTestId('live-empty').waitFor();
    expect(await byTestId('live-empty').innerText()).toContain("couldn't check");

    api.liveStreams = [liveStream];
    await page.reload();
    const card = byTestId('live-streams').getByRole('link');
    await card.waitFor();
    expect(await card.getAttribute('href')).toBe(`/live/${liveStream.id}`);
    expect(await card.innerText()).toMatch(/LIVE[\s\S]*1.2K[\s\S]*watching[\s\S]*Friday pottery drop[\s\S]*Mina/);
  });

  it("shows the api's message when login fails", async () => {
    await logIn('wrong password');
    expect(await byTestId('login-error').innerText()).toBe('That email and password do not match.');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('logs in, shows the name in the header, survives a reload and logs out', async () => {
    await logIn('correct horse battery');
    expect(await byTestId('current-user').innerText()).toBe('Ada Lovelace');
    expect(new URL(page.url()).pathname).toBe('/');

    await page.reload();
    expect(await byTestId('current-user').innerText()).toBe('Ada Lovelace');

    await byTestId('logout').click();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    expect(await byTestId('current-user').count()).toBe(0);
  });

  it('registers a new account and lands home logged in', async () => {
    await page.goto(`${api.url}/register`);
    await byTestId('register-display-name').fill('Grace');
    await byTestId('register-email').fill(`grace-${Date.now()}@example.com`);
    await byTestId('register-password').fill('a long enough password');
    await byTestId('register-submit').click();
    expect(await byTestId('current-user').innerText()).toBe('Grace');
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('navigates client-side, loads deep links and shows a 404 page', async () => {
    await page.goto(api.url);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await byTestId('listing-card').first().click();
    await byTestId('listing-detail').getByRole('heading', { name: listings[0]?.title }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/listings/${listings[0]?.id}`);
    expect(await page.evaluate(() => 'sameDocument' in window)).toBe(true);
    await page.goBack();
    await page.getByRole('heading', { name: 'Shop the feed' }).waitFor();
    expect(await page.title()).toBe('Hawker · Live shopping');

    api.liveStreams = [liveStream];
    await page.goto(`${api.url}/live/${liveStream.id}`);
    await page.getByRole('heading', { name: liveStream.title }).waitFor();
    expect(await page.title()).toBe(`${liveStream.title} · Hawker`);

    await page.goto(`${api.url}/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  });
});
