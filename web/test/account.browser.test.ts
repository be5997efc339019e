import { rm } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notificationKinds } from '@hawker/shared';
import { startFakeApi, type FakeApi } from './fake-api.js';
import { buildWeb } from './support/browser.js';

// The bell, the notification settings and the account-mail pages in a real
// browser against the fake api, which pushes `notification:new` on each
// person's own Socket.IO channel as the api does.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADA = 'ada@example.com';
const MINA = 'mina@example.com';
const PASSWORD = 'correct horse battery';

let outDir: string;
let api: FakeApi;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  outDir = await buildWeb();
  api = await startFakeApi(outDir);
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await (await browser.newContext()).newPage();
});

afterEach(async () => {
  await page.context().close();
});

const byTestId = (id: string) => page.getByTestId(id);

async function logIn(email: string, password = PASSWORD, path = '/login'): Promise<void> {
  await page.goto(`${api.url}${path}`);
  await byTestId('login-email').fill(email);
  await byTestId('login-password').fill(password);
  await byTestId('login-submit').click();
  await byTestId('current-user').waitFor();
}

describe('the bell', () => {
  it('shows what came while away and pushes as they happen; mark all read clears the count; logout closes the channel', async () => {
    api.notify(ADA, 'order.shipped', { title: 'Your order shipped', body: 'Moonstone teapot', url: '/orders' }, { push: false });
    await logIn(ADA);
    // The first pull on connect brings what came before.
    await expect.poll(() => byTestId('notification-count').innerText()).toBe('1');
    await expect.poll(() => api.notificationSockets()).toBe(1);

    api.notify(ADA, 'creator.live', { title: 'Mina is live', body: 'Spring pottery drop', url: '/live/show-1' });
    await expect.poll(() => byTestId('notification-count').innerText()).toBe('2');
    const bell = byTestId('notification-bell');
    expect(await bell.getAttribute('aria-label')).toBe('Notifications, 2 unread');

    await bell.click();
    expect(await bell.getAttribute('aria-expanded')).toBe('true');
    const items = byTestId('notification-item');
    expect(await byTestId('notification-list').isVisible()).toBe(true);
    expect(await items.count()).toBe(2);
    const newest = items.first();
    expect(await newest.innerText()).toContain('Mina is live');
    expect(await newest.innerText()).toContain('Spring pottery drop');
    expect(await newest.locator('time').innerText()).toBe('just now');
    expect(await newest.getByRole('link').getAttribute('href')).toBe('/live/show-1');
    expect(await newest.getAttribute('data-unread')).toBe('true');
    expect(await items.nth(1).innerText()).toContain('Your order shipped');

    // Escape closes it and gives focus back to the bell.
    await page.keyboard.press('Escape');
    expect(await byTestId('notification-list').isVisible()).toBe(false);
    expect(await bell.evaluate((el) => el === document.activeElement)).toBe(true);
    // So does a click outside; Enter on the focused bell opens it.
    await page.keyboard.press('Enter');
    expect(await byTestId('notification-list').isVisible()).toBe(true);
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    expect(await byTestId('notification-list').isVisible()).toBe(false);

    await bell.click();
    await byTestId('notification-mark-all').click();
    await expect.poll(() => byTestId('notification-count').count()).toBe(0);
    expect(await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-unread')))).toEqual(['false', 'false']);
    await expect.poll(() => api.notificationsOf(ADA).filter((n) => n.readAt === null).length).toBe(0);
    expect(await bell.getAttribute('aria-label')).toBe('Notifications');

    // Still read after a reload: the count comes from the server.
    await page.reload();
    await byTestId('notification-bell').waitFor();
    await expect.poll(() => api.notificationSockets()).toBe(1);
    expect(await byTestId('notification-count').count()).toBe(0);

    await byTestId('notification-bell').click();
    await byTestId('notification-settings-link').click();
    await page.waitForURL('**/settings/notifications');
    expect(await byTestId('notification-list').isVisible()).toBe(false);

    await byTestId('logout').click();
    await byTestId('login-link').waitFor();
    expect(await byTestId('notification-bell').count()).toBe(0);
    await expect.poll(() => api.notificationSockets()).toBe(0);
  });
});

describe('notification settings', () => {
  it('sends visitors to log in and back; saves a switch at once; unmutes a creator', async () => {
    await page.goto(`${api.url}/settings/notifications`);
    await page.waitForURL(`**/login?next=${encodeURIComponent('/settings/notifications')}`);
    api.mute(ADA, { id: '0190c3b0-0000-7000-8000-0000000000c1', displayName: 'Mina', handle: 'mina' });
    await byTestId('login-email').fill(ADA);
    await byTestId('login-password').fill(PASSWORD);
    await byTestId('login-submit').click();
    await page.waitForURL('**/settings/notifications');

    const liveByEmail = byTestId('preference-creator.live-email');
    const row = page.locator('[data-kind="creator.live"]');
    expect(await row.getByRole('rowheader').innerText()).toBe('A creator you follow goes live');
    expect(await liveByEmail.isChecked()).toBe(true);
    expect(await byTestId('preference-row').count()).toBe(notificationKinds.length);
    await page.getByLabel('A creator you follow goes live: by email').uncheck();
    await expect.poll(() => byTestId('settings-status').innerText()).toBe('Saved: A creator you follow goes live, by email off.');
    await page.reload();
    await liveByEmail.waitFor();
    expect(await liveByEmail.isChecked()).toBe(false);
    expect(await byTestId('preference-creator.live-inApp').isChecked()).toBe(true);

    expect(await byTestId('muted-creator').innerText()).toContain('Mina');
    await page.getByRole('button', { name: 'Unmute Mina' }).click();
    await byTestId('muted-empty').waitFor();
    expect(await byTestId('settings-status').innerText()).toBe('Unmuted Mina.');
  });
});

describe('account pages', () => {
  it("resets a password: the api's message for a bad link and for a guessable password, then success", async () => {
    await page.goto(`${api.url}/reset-password?token=not-a-real-token-at-all`);
    await byTestId('reset-password-input').fill('violet-harbor-tundra-81');
    await byTestId('reset-password-submit').click();
    await expect
      .poll(() => byTestId('reset-password-error').innerText())
      .toContain('This reset link is invalid, used or expired; ask for a new one.');
    expect(await byTestId('reset-password-new-link').getAttribute('href')).toBe('/forgot-password');

    // Too short never reaches the api (the link stays usable).
    await page.goto(`${api.url}/reset-password?token=${api.resetToken(MINA)}`);
    expect(await page.getByText('Common or easy-to-guess passwords').isVisible()).toBe(true);
    await byTestId('reset-password-input').fill('short');
    await byTestId('reset-password-submit').click();
    expect(await byTestId('reset-password-error').innerText()).toBe('Use at least 8 characters.');
    // A guessable one is refused with the api's reason, and used the link up.
    await byTestId('reset-password-input').fill('password1');
    await byTestId('reset-password-submit').click();
    await expect.poll(() => byTestId('reset-password-error').innerText()).toContain('This password is too easy to guess.');
    expect(await byTestId('reset-password-new-link').isVisible()).toBe(true);
    expect(await byTestId('reset-password-input').count()).toBe(0);

    await page.goto(`${api.url}/reset-password?token=${api.resetToken(MINA)}`);
    await byTestId('reset-password-input').fill('violet-harbor-tundra-81');
    await byTestId('reset-password-submit').click();
    await byTestId('reset-password-done').waitFor();
    await byTestId('reset-password-login').click();
    await page.waitForURL('**/login');
    await byTestId('login-email').fill(MINA);
    await byTestId('login-password').fill('violet-harbor-tundra-81');
    await byTestId('login-submit').click();
    expect(await byTestId('current-user').innerText()).toBe('Mina');
  });

  it('asks for a reset link from the login page, with the same answer for any email', async () => {
    await page.goto(`${api.url}/login`);
    await byTestId('forgot-password-link').click();
    await page.waitForURL('**/forgot-password');
    await byTestId('forgot-password-email').fill('nobody@example.com');
    await byTestId('forgot-password-submit').click();
    expect(await byTestId('forgot-password-sent').innerText()).toContain('If an account exists for that email, we sent a link');
    expect(api.passwordResetRequests).toContain('nobody@example.com');
  });

  it('verifies an email once; a spent link says so and a logged-in person can ask for a new one', async () => {
    const token = api.verifyToken(ADA);
    await page.goto(`${api.url}/verify-email?token=${token}`);
    expect(await byTestId('verify-email-done').innerText()).toBe('Your email is verified. Thanks!');

    await logIn(ADA);
    await page.goto(`${api.url}/verify-email?token=${token}`);
    expect(await byTestId('verify-email-error').innerText()).toBe('This link is invalid, used or expired; ask for a new one.');
    await byTestId('verify-email-resend').click();
    expect(await byTestId('verify-email-resent').innerText()).toBe(`If your email still needs verifying, we sent a new link to ${ADA}.`);
  });
});
