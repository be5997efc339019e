import { randomBytes } from 'node:crypto';
import type { SponsoredCard } from '@hawker/shared';
import { expect } from 'vitest';
import type { HttpClient } from './api.js';

/** Helpers for the ads tests: a browser's user agent, decisions, click-throughs, and waiting for the ad index. */
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const randomNetwork = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.7`;

export async function decide(client: HttpClient, params: Record<string, string>): Promise<SponsoredCard[]> {
  const res = await client.request('GET', `/api/ads/decision?${new URLSearchParams(params).toString()}`);
  expect(res.status).toBe(200);
  return res.body.ads as SponsoredCard[];
}

/** Polls until the ad index (rebuilt after every change) serves what the test expects. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Each click from its own network unless told (the api trusts one proxy hop here, as behind nginx). */
export async function clickThrough(baseUrl: string, client: HttpClient, url: string, ua = BROWSER_UA, ip = randomNetwork()) {
  const res = await fetch(baseUrl + url, {
    redirect: 'manual',
    headers: { cookie: client.cookieHeader, 'user-agent': ua, 'x-forwarded-for': ip },
  });
  return { status: res.status, location: res.headers.get('location') };
}
