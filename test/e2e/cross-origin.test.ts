import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../api/src/server.js';
import { launchChromium } from '../../media-server/test/support/chromium.js';
import { HttpClient } from '../support/api.js';
import { loggedIn, startWebApi } from '../support/browser.js';

// Security findings 2 and 3 in a real browser: a crafted ?next= cannot send a
// person off the site after logging in, and a page on another port of the same
// host (the same "site", so the SameSite=Lax cookie goes along) cannot act as
// the logged-in creator, neither over fetch nor over the realtime socket.
let api: RunningApi;
let browser: Browser;
let attacker: Server;
let attackerUrl: string;

beforeAll(async () => {
  api = await startWebApi({ LOGIN_RATE_LIMIT: '1000' });
  browser = await launchChromium();
  // The attacker's page, served from another port of 127.0.0.1.
  attacker = createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(
      `<!doctype html><title>Win a prize</title><script>${decodeURIComponent(new URL(req.url!, 'http://x').searchParams.get('js') ?? '')}</script>`,
    );
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => attacker?.close(resolve));
  await api?.close();
});

describe('open redirect after login', () => {
  it('a ?next= that the URL parser turns into another host keeps the person on Hawker', { timeout: 60_000 }, async () => {
    const own = new URL(api.url).origin;
    for (const next of ['%2F%09%2Fevil.example', '%2F%5Cevil.example', 'javascript%3Aalert(1)']) {
      const page = await (await browser.newContext({ baseURL: api.url })).newPage();
      await page.goto(`/login?next=${next}`);
      await page.getByTestId('login-email').fill('buyer@hawker.test');
      await page.getByTestId('login-password').fill('hawker-demo');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('current-user').waitFor();
      expect(new URL(page.url()).origin, next).toBe(own);
      await page.context().close();
    }
  });
});

describe('a page on another port of the same host', () => {
  it('cannot end the creator’s stream, post chat or open a socket with their session', { timeout: 90_000 }, async () => {
    const creator = new HttpClient(api.url);
    await creator.login('creator@hawker.test');
    const streamId = (await creator.post('/api/streams', { title: 'Target show' })).body.id as string;
    await api.services.streams.onMediaEvent({
      type: 'broadcast.live',
      streamId,
      at: new Date().toISOString(),
      hlsPath: `/media/hls/${streamId}/index.m3u8`,
    });
    const page = await loggedIn(browser, api.url, 'creator@hawker.test');
    const wsUrl = api.url.replace('http:', 'ws:');
    // What a malicious page would run: a body-less POST (no preflight) and a raw Socket.IO session.
    const js = `
      window.result = { ws: [] };
      fetch('${api.url}/api/streams/${streamId}/end', { method: 'POST', credentials: 'include', mode: 'no-cors' })
        .then(() => (result.fetch = 'sent'), () => (result.fetch = 'blocked'));
      const ws = new WebSocket('${wsUrl}/socket.io/?EIO=4&transport=websocket');
      ws.onmessage = (m) => {
        result.ws.push(String(m.data).slice(0, 40));
        if (m.data.startsWith('0')) ws.send('40');
        if (m.data.startsWith('40')) {
          ws.send('42["room:join",{"streamId":"${streamId}"}]');
          ws.send('42["chat:send",{"streamId":"${streamId}","text":"forged by another origin"}]');
        }
      };
      ws.onclose = () => (result.closed = true);`;
    await page.goto(`${attackerUrl}/?js=${encodeURIComponent(js)}`);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { result: { fetch?: string; closed?: boolean } }).result), { timeout: 10_000 })
      .toMatchObject({
        fetch: 'sent',
        closed: true,
      });
    // The request did reach the api with the cookie; the api refused it.
    await new Promise((r) => setTimeout(r, 500));
    expect((await creator.get(`/api/streams/${streamId}`)).body.status).toBe('live');
    expect(await api.services.db.prisma.chatMessage.count({ where: { streamId } })).toBe(0);
    const frames = await page.evaluate(() => (window as unknown as { result: { ws: string[] } }).result.ws);
    expect(frames.some((f) => f.startsWith('40'))).toBe(false);

    // The same page on Hawker's own origin is the creator, as it should be.
    await page.goto(`${api.url}/`);
    const own = await page.evaluate(
      (url) => fetch(url, { method: 'POST', credentials: 'include' }).then((r) => r.status),
      `${api.url}/api/streams/${streamId}/end`,
    );
    expect(own).toBe(200);
    await page.context().close();
  });
});
