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
import { loggedIn, startWebApi } from '../support/browser.js';
import { freePort } from '../support/process.js';

// The heart of the product, end to end in Chromium with the real SFU: the demo
// creator goes live in /studio; a viewer watches over WebRTC; another is forced
// to HLS; after End, the replay plays. Prints time-to-first-frame for each.
const hlsDir = mkdtempSync(path.join(tmpdir(), 'hawker-hls-'));
let media: MediaServer;
let api: RunningApi;
let browser: Browser;

beforeAll(async () => {
  const apiPort = await freePort();
  media = await startMediaServer(
    loadMediaConfig({
      MEDIA_PORT: '0',
      MEDIA_WORKERS: '2',
      RTC_MIN_PORT: '45000',
      RTC_MAX_PORT: '45199',
      LOG_LEVEL: 'warn',
      MEDIA_TOKEN_SECRET: TEST_MEDIA_SECRET,
      API_INTERNAL_URL: `http://127.0.0.1:${apiPort}`,
      HLS_DIR: hlsDir,
    }),
  );
  api = await startWebApi({ PORT: String(apiPort), MEDIA_URL: media.url, MEDIA_TOKEN_SECRET: TEST_MEDIA_SECRET });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await media?.close();
  rmSync(hlsDir, { recursive: true, force: true });
});

/** Resolves when the video shows real frames and its clock advances; returns ms since `since`. */
async function waitForPlayback(page: Page, selector: string, since: number, timeoutMs: number): Promise<number> {
  await page.waitForFunction(
    (sel) => {
      const v = document.querySelector<HTMLVideoElement>(sel);
      return !!v && v.videoWidth > 0 && v.readyState >= 2;
    },
    selector,
    { timeout: timeoutMs, polling: 50 },
  );
  const firstFrameMs = Date.now() - since;
  const t0 = await page.$eval(selector, (v) => (v as HTMLVideoElement).currentTime);
  await page.waitForFunction(
    ([sel, start]) => (document.querySelector<HTMLVideoElement>(sel)?.currentTime ?? 0) > start + 0.5,
    [selector, t0] as const,
    {
      timeout: 15_000,
      polling: 100,
    },
  );
  return firstFrameMs;
}

const loggedInPage = (email: string): Promise<Page> => loggedIn(browser, api.url, email);

describe('live video end to end', () => {
  it('creator goes live in /studio; viewers watch over WebRTC and HLS; the replay plays after End', { timeout: 240_000 }, async () => {
    const studio = await loggedInPage('creator@hawker.test');
    await studio.goto('/studio');
    await studio.getByTestId('stream-title').fill('E2E live show');
    await studio.getByTestId('go-live').click();
    await studio.getByTestId('watch-link').waitFor({ timeout: 60_000 });
    await expect.poll(() => studio.getByTestId('connection-state').textContent(), { timeout: 30_000 }).toBe('connected');
    const streamId = await studio.locator('[data-stream-id]').first().getAttribute('data-stream-id');
    expect(streamId).toMatch(/^[0-9a-f-]{36}$/);

    // The api learned from the media-server that the stream is live.
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${api.url}/api/streams?status=live`)).json()) as { data: { id: string }[] }).data.map((s) => s.id),
        {
          timeout: 30_000,
        },
      )
      .toContain(streamId);

    const viewer = await (await browser.newContext({ baseURL: api.url })).newPage();
    const webrtcStart = Date.now();
    await viewer.goto(`/live/${streamId}?mode=webrtc`);
    const webrtcTtff = await waitForPlayback(viewer, 'video[data-testid="live-video"]', webrtcStart, 30_000);
    expect(await viewer.getAttribute('video[data-testid="live-video"]', 'data-mode')).toBe('webrtc');
    await expect.poll(() => studio.getByTestId('viewer-count').textContent(), { timeout: 20_000 }).toMatch(/[1-9]/);

    const hlsViewer = await (await browser.newContext({ baseURL: api.url })).newPage();
    const hlsStart = Date.now();
    await hlsViewer.goto(`/live/${streamId}?mode=hls`);
    const hlsTtff = await waitForPlayback(hlsViewer, 'video[data-testid="live-video"]', hlsStart, 60_000);
    expect(await hlsViewer.getAttribute('video[data-testid="live-video"]', 'data-mode')).toBe('hls');

    await studio.getByTestId('end-stream').click();
    await expect
      .poll(
        async () => (await (await fetch(`${api.url}/api/streams/${streamId}`)).json()) as { status: string; replayUrl: string | null },
        { timeout: 30_000 },
      )
      .toMatchObject({ status: 'ended', replayUrl: expect.stringContaining(streamId!) });

    const replay = await (await browser.newContext({ baseURL: api.url })).newPage();
    const replayStart = Date.now();
    await replay.goto(`/replay/${streamId}`);
    const replayTtff = await waitForPlayback(replay, 'video[data-testid="replay-video"]', replayStart, 30_000);

    console.log(`time to first frame: WebRTC ${webrtcTtff} ms, HLS ${hlsTtff} ms, replay ${replayTtff} ms`);
  });
});
