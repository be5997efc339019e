import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListingSummary } from '@hawker/shared';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.js';

// The marketplace pages in a real browser against the fake api: what a visitor
// who is not logged in sees and can do. Buying end to end runs against the real
// api in test/e2e/marketplace.test.ts.

const webDir = join(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const teapot: ListingSummary = {
  id: '0190c3b0-0000-7000-8000-00000000a101',
  title: 'Moonstone teapot',
  priceMinor: 2499,
  currency: 'USD',
  stock: 2,
  category: 'home',
  imageUrl: null,
  shop: { id: '0190c3b0-0000-7000-8000-00000000b101', name: 'Kiln & Co' },
};
const scarf: ListingSummary = {
  ...teapot,
  id: '0190c3b0-0000-7000-8000-00000000a102',
  title: 'Silk scarf',
  priceMinor: 4500,
  currency: 'JPY',
  stock: 9,
  category: 'fashion',
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
  api.listings = [teapot, scarf];
  page = await (await browser.newContext()).newPage();
});

afterEach(async () => {
  await page.context().close();
});

const byTestId = (id: string) => page.getByTestId(id);

describe('marketplace pages', () => {
  it('searches from the header and opens a result', async () => {
    await page.goto(api.url);
    await byTestId('search-input').fill('moonstone');
    await byTestId('search-input').press('Enter');
    await page.waitForURL('**/search?q=moonstone');
    await expect.poll(() => byTestId('listing-card').count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Results for “moonstone”');
    // The box keeps the query on the results page, after a reload too.
    await page.reload();
    expect(await byTestId('search-input').inputValue()).toBe('moonstone');

    await page.getByText('Moonstone teapot').click();
    await page.waitForURL(`**/listings/${teapot.id}`);
    const detail = byTestId('listing-detail');
    await detail.waitFor();
    expect(await byTestId('listing-price').innerText()).toBe('$24.99');
    expect(await byTestId('listing-stock').innerText()).toBe('Only 2 left');
    expect(await byTestId('shop-link').getAttribute('href')).toBe(`/shops/${teapot.shop.id}`);
    expect(await page.title()).toBe('Moonstone teapot · Hawker');
  });

  it('applies filters through the URL and rejects a malformed price', async () => {
    await page.goto(`${api.url}/search`);
    await expect.poll(() => byTestId('listing-card').count()).toBe(2);
    await page.getByLabel('Lowest price ($)').fill('0.005');
    await page.getByRole('button', { name: 'Apply' }).click();
    expect(await page.getByText('Use at most 2 decimal places.').isVisible()).toBe(true);
    expect(new URL(page.url()).search).toBe('');

    await page.getByLabel('Lowest price ($)').fill('10');
    await page.getByLabel('Category').fill('home');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL('**/search?category=home&minPrice=1000');
  });

  it('sends a visitor who tries to buy to log in, and back afterwards', async () => {
    await page.goto(`${api.url}/listings/${teapot.id}`);
    await byTestId('buy-now').click();
    await page.waitForURL(`**/login?next=${encodeURIComponent(`/listings/${teapot.id}`)}`);
    await byTestId('login-email').fill('ada@example.com');
    await byTestId('login-password').fill('correct horse battery');
    await byTestId('login-submit').click();
    await page.waitForURL(`**/listings/${teapot.id}`);
    await byTestId('buy-now').waitFor();
  });

  it('asks visitors to log in for their cart and orders', async () => {
    for (const path of ['/cart', '/orders', '/seller']) {
      await page.goto(`${api.url}${path}`);
      const login = page.getByRole('main').getByRole('link', { name: 'Log in' });
      await login.waitFor();
      expect(await login.getAttribute('href')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });
});
