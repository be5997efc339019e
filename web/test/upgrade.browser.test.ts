import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.js';
import { buildWeb, launchMediaChromium, makeHlsFixture, videoSnapshot } from './support/browser.js';
import { startStandInSfu, type StandInSfu } from './support/stand-in-sfu.js';

// The latency tier upgrade in Chromium: a viewer the SFU first refused
// (webrtc_capacity) watches over HLS, and is moved to WebRTC the moment they
// focus the chat box, if the SFU takes them now; if it still refuses, HLS
// keeps playing and nothing is said. The creator publishes from the studio
// through a real mediasoup worker (the stand-in SFU); HLS is the ffmpeg fixture.

let outDir: string;
let hlsDir: string;
let api: FakeApi;
let sfu: StandInSfu;
let browser: Browser;
const pages: Page[] = [];
let streamId: string;

async function newPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  pages.push(page);
  return page;
}

async function logIn(page: Page, email: string, next: string): Promise<void> {
  await page.goto(`${api.url}/login?next=${encodeURIComponent(next)}`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill('correct horse battery');
  await page.getByTestId('login-submit').click();
}

/** A picture, and playback moving on. */
async function expectPlaying(page: Page): Promise<void> {
  const video = page.getByTestId('live-video');
  await expect.poll(async () => (await videoSnapshot(video)).width, { timeout: 20_000 }).toBeGreaterThan(0);
  const start = (await videoSnapshot(video)).currentTime;
  await expect.poll(async () => (await videoSnapshot(video)).currentTime, { timeout: 10_000 }).toBeGreaterThan(start + 0.5);
}

/** A logged-in viewer whose first WebRTC attempt is refused for capacity, playing HLS. */
async function viewerOnHls(): Promise<Page> {
  streamId = await liveShow();
  api.mediaRefusal = 'webrtc_capacity';
  const viewer = await newPage();
  await logIn(viewer, 'ada@example.com', `/live/${streamId}`);
  await expect.poll(() => viewer.getByTestId('live-video').getAttribute('data-mode'), { timeout: 15_000 }).toBe('hls');
  await expectPlaying(viewer);
  return viewer;
}

beforeAll(async () => {
  [outDir, hlsDir, browser] = await Promise.all([buildWeb(), makeHlsFixture(), launchMediaChromium()]);
  api = await startFakeApi(outDir);
  api.hlsDir = hlsDir;
  sfu = await startStandInSfu(api, { min: 44200, max: 44299 });
});

let studioLive: Promise<string> | null = null;

/** The creator goes live once, from the studio (its page stays open); the tests watch that show. */
function liveShow(): Promise<string> {
  studioLive ??= (async () => {
    const studio = await newPage();
    await logIn(studio, 'mina@example.com', '/studio');
    await studio.getByTestId('stream-title').fill('Upgrade me live');
    await expect.poll(() => studio.getByTestId('go-live').isEnabled()).toBe(true);
    await studio.getByTestId('go-live').click();
    await expect.poll(() => studio.getByTestId('connection-state').innerText(), { timeout: 20_000 }).toBe('connected');
    const id = (await studio.getByTestId('studio').getAttribute('data-stream-id')) ?? '';
    await expect.poll(() => api.streams.get(id)?.status, { timeout: 10_000 }).toBe('live');
    return id;
  })();
  return studioLive;
}

afterAll(async () => {
  await Promise.all(pages.splice(0).map((page) => page.context().close()));
  await browser?.close();
  await api?.close();
  await sfu?.close();
  await Promise.all([outDir, hlsDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

afterEach(async () => {
  // The studio (first page) keeps broadcasting for the next test.
  await Promise.all(pages.splice(1).map((page) => page.context().close()));
});

describe('latency tier upgrade', () => {
  it('moves an HLS viewer to WebRTC when they focus the chat box and the SFU takes them', async () => {
    const viewer = await viewerOnHls();
    const tokensBefore = api.mediaTokenRequests.length;

    api.mediaRefusal = null;
    await viewer.getByTestId('chat-input').focus();
    await expect.poll(() => viewer.getByTestId('live-video').getAttribute('data-mode'), { timeout: 15_000 }).toBe('webrtc');
    await expectPlaying(viewer);
    expect((await videoSnapshot(viewer.getByTestId('live-video'))).muted).toBe(true);
    await expect.poll(() => viewer.getByTestId('latency-badge').innerText(), { timeout: 10_000 }).toMatch(/^WebRTC/);
    // One background attempt, no error on screen.
    expect(api.mediaTokenRequests.length).toBe(tokensBefore + 1);
    expect(await viewer.getByRole('alert').count()).toBe(0);

    // Focusing again on WebRTC asks for nothing more.
    await viewer.getByTestId('chat-input').blur();
    await viewer.getByTestId('chat-input').focus();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.mediaTokenRequests.length).toBe(tokensBefore + 1);
  });

  it('stays on HLS, silently, when the SFU still refuses; and does not ask again at once', async () => {
    const viewer = await viewerOnHls();
    const tokensBefore = api.mediaTokenRequests.length;

    await viewer.getByTestId('chat-input').focus();
    await expect.poll(() => api.mediaTokenRequests.length, { timeout: 10_000 }).toBe(tokensBefore + 1);
    // Give the refused handshake time to come back and be handled.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const video = viewer.getByTestId('live-video');
    expect(await video.getAttribute('data-mode')).toBe('hls');
    expect(await video.evaluate((el: HTMLVideoElement) => el.srcObject === null && el.videoWidth > 0)).toBe(true);
    expect(await viewer.getByTestId('latency-badge').innerText()).toMatch(/^HLS/);
    expect(await viewer.getByRole('alert').count()).toBe(0);

    // A second focus within the back-off does not knock on the SFU again.
    await viewer.getByTestId('chat-input').blur();
    await viewer.getByTestId('chat-input').focus();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.mediaTokenRequests.length).toBe(tokensBefore + 1);
  });
});
