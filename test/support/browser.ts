import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { inject } from 'vitest';
import { loadApiConfig } from '../../api/src/config.js';
import { startApiServer, type RunningApi } from '../../api/src/server.js';

const root = path.resolve(import.meta.dirname, '../..');

/** An api node serving the built web app (web/dist) on the run's test database; `env` adds or overrides settings. */
export function startWebApi(env: Record<string, string> = {}): Promise<RunningApi> {
  return startApiServer(
    loadApiConfig({
      PORT: '0',
      DATABASE_URL: inject('databaseUrl'),
      WEB_DIST: path.join(root, 'web/dist'),
      LOG_LEVEL: 'warn',
      SCHEDULER_INTERVAL_SECONDS: '0',
      ...env,
    }),
  );
}

/** A fresh browser context logged in through the login page as a demo account. */
export async function loggedIn(browser: Browser, baseURL: string, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill('hawker-demo');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();
  return page;
}

/** A password the sign-up's strength check accepts. */
export const SIGN_UP_PASSWORD = 'kiln-harbour-violet-93';

/** Signs up through /register in a fresh browser context, as a new user would; the page stays logged in. */
export async function signedUp(browser: Browser, baseURL: string, name: string, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await page.goto('/register');
  await page.getByTestId('register-display-name').fill(name);
  await page.getByTestId('register-email').fill(email);
  await page.getByTestId('register-password').fill(SIGN_UP_PASSWORD);
  await page.getByTestId('register-submit').click();
  await page.getByTestId('current-user').waitFor();
  return page;
}
