import { rm } from 'node:fs/promises';
import { hlsPlaylistPath, type StreamDetail } from '@hawker/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.js';
import { buildWeb, launchMediaChromium, makeHlsFixture, videoSnapshot } from './support/browser.js';

// The live and replay pages in a real Chromium against the production build:
// HLS from an ffmpeg-made fixture, the automatic fallback from a refused media
// socket, the ended state, and the studio up to the media connection (a real
// publish through an SFU is in webrtc.browser.test.ts).

const streamId = '0190c3b0-0000-7000-8000-00000000c001';
const creator = { id: '0190c3b0-0000-7000-8000-00000000d001', displayName: 'Mina <b>Studio</b>', handle: null };

const liveShow: StreamDetail = {
  id: streamId,
  title: 'Friday pottery drop',
  status: 'live',
  creator,
  viewerCount: 1234,
  hlsUrl: hlsPlaylistPath(streamId),
  startedAt: '2026-01-01T10:00:00.000Z',
  scheduledAt: null,
  cancelledAt: null,
  description: '',
  replayUrl: null,
  endedAt: null,
  durationMs: null,
  featured: [],
  reminded: false,
  sponsor: null,
};

const endedShow: StreamDetail = {
  ...liveShow,
  status: 'ended',
  replayUrl: hlsPlaylistPath(streamId),
  endedAt: '2026-01-01T10:42:00.000Z',
  durationMs: 42 * 60_000,
};

let outDir: string;
let hlsDir: string;
let api: FakeApi;
let browser: Browser;
let page: Page;
/** Every script the page loaded, by URL, with its source. */
let scripts: Map<string, string>;

beforeAll(async () => {
  [outDir, hlsDir, browser] = await Promise.all([buildWeb(), makeHlsFixture(), launchMediaChromium()]);
  api = await startFakeApi(outDir);
  api.hlsDir = hlsDir;
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await Promise.all([outDir, hlsDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

beforeEach(async () => {
  api.streams.clear();
  api.mediaTokenRequests.length = 0;
  api.mediaRefusal = 'webrtc_capacity';
  page = await (await browser.newContext()).newPage();
  scripts = new Map();
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    // A body dropped by a navigation is not one these tests inspect.
    response.text().then(
      (body) => scripts.set(response.url(), body),
      () => undefined,
    );
  });
});

afterEach(async () => {
  await page.context().close();
});

const byTestId = (id: string) => page.getByTestId(id);

/** Waits for a picture, then for playback to move on by at least half a second. */
async function expectPlaying(testId: string): Promise<void> {
  const video = byTestId(testId);
  await expect.poll(async () => (await videoSnapshot(video)).width, { timeout: 20_000 }).toBeGreaterThan(0);
  const start = (await videoSnapshot(video)).currentTime;
  await expect.poll(async () => (await videoSnapshot(video)).currentTime, { timeout: 10_000 }).toBeGreaterThan(start + 0.5);
}

async function logIn(email: string): Promise<void> {
  await page.goto(`${api.url}/login`);
  await byTestId('login-email').fill(email);
  await byTestId('login-password').fill('correct horse battery');
  await byTestId('login-submit').click();
  await byTestId('current-user').waitFor();
}

describe('live page', () => {
  it('plays over HLS with ?mode=hls, muted, without ever loading mediasoup-client', async () => {
    api.streams.set(streamId, liveShow);
    await page.goto(`${api.url}/live/${streamId}?mode=hls`);

    const video = byTestId('live-video');
    await expect.poll(() => video.getAttribute('data-mode')).toBe('hls');
    await expectPlaying('live-video');
    expect(await videoSnapshot(video)).toMatchObject({ muted: true, mode: 'hls' });
    expect(await video.evaluate((el: HTMLVideoElement) => el.autoplay && el.playsInline)).toBe(true);
    expect(await page.locator('video[data-testid="live-video"][autoplay][playsinline][muted]').count()).toBe(1);
    expect(await byTestId('latency-badge').innerText()).toMatch(/^HLS/);

    // Title and creator name are text, never markup.
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Friday pottery drop');
    expect(await page.getByText('Mina <b>Studio</b>').count()).toBe(1);
    expect(await page.locator('.live-badge').first().innerText()).toBe('LIVE');

    await byTestId('unmute').click();
    expect((await videoSnapshot(video)).muted).toBe(false);
    expect(await byTestId('unmute').getAttribute('aria-pressed')).toBe('true');

    expect(api.mediaTokenRequests).toEqual([]);
    const loaded = [...scripts.values()];
    // hls.js's own error names mark its chunk.
    expect(loaded.some((source) => source.includes('manifestLoadError'))).toBe(true);
    expect(loaded.some((source) => source.includes('mediasoup-client'))).toBe(false);
  });

  it('falls back to HLS by itself when the media socket refuses WebRTC (webrtc_capacity)', async () => {
    api.streams.set(streamId, liveShow);
    await page.goto(`${api.url}/live/${streamId}`);

    await expect.poll(() => byTestId('live-video').getAttribute('data-mode'), { timeout: 15_000 }).toBe('hls');
    await expectPlaying('live-video');
    // WebRTC was tried first: a media token was fetched for it.
    expect(api.mediaTokenRequests).toEqual([streamId]);
    expect([...scripts.values()].some((source) => source.includes('mediasoup-client'))).toBe(true);
  });

  it('does not fall back with ?mode=webrtc: it says it cannot play', async () => {
    api.streams.set(streamId, liveShow);
    await page.goto(`${api.url}/live/${streamId}?mode=webrtc`);

    await page.getByRole('alert').filter({ hasText: "can't play this show" }).waitFor();
    expect(await byTestId('live-video').getAttribute('data-mode')).toBe('webrtc');
  });

  it('shows the ended state with a link to the replay, also when the show ends while watching', async () => {
    api.streams.set(streamId, liveShow);
    await page.goto(`${api.url}/live/${streamId}?mode=hls`);
    await byTestId('live-video').waitFor();

    api.streams.set(streamId, endedShow);
    const ended = byTestId('stream-ended');
    await ended.waitFor({ timeout: 15_000 });
    expect(await ended.innerText()).toContain('This show has ended');
    expect(await byTestId('replay-link').getAttribute('href')).toBe(`/replay/${streamId}`);
    expect(await byTestId('live-video').count()).toBe(0);

    await page.reload();
    await ended.waitFor();
  });

  it('says so when the show does not exist', async () => {
    await page.goto(`${api.url}/live/0190c3b0-0000-7000-8000-0000000000ff`);
    await page.getByText("This show doesn't exist").waitFor();
  });
});

describe('replay page', () => {
  it('plays the recording with hls.js, with controls', async () => {
    api.streams.set(streamId, endedShow);
    await page.goto(`${api.url}/replay/${streamId}`);

    await expectPlaying('replay-video');
    const video = byTestId('replay-video');
    expect(await video.evaluate((el: HTMLVideoElement) => el.controls && el.muted)).toBe(true);
    expect(await page.locator('video[data-testid="replay-video"][controls][playsinline][muted]').count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Friday pottery drop');
    expect(await page.locator('.meta').innerText()).toContain('42 min');
  });

  it('explains when there is no recording yet', async () => {
    api.streams.set(streamId, { ...endedShow, replayUrl: null });
    await page.goto(`${api.url}/replay/${streamId}`);
    expect(await byTestId('replay-unavailable').innerText()).toContain("isn't ready yet");
  });
});

describe('studio', () => {
  it('tells people without the creator role that the studio is for creators', async () => {
    await logIn('ada@example.com');
    await page.goto(`${api.url}/studio`);
    expect(await byTestId('studio-not-creator').innerText()).toContain('Going live is for creators');
    expect(await byTestId('go-live').count()).toBe(0);
  });

  it('asks anonymous visitors to log in', async () => {
    await page.goto(`${api.url}/studio`);
    expect(await page.getByRole('link', { name: 'Log in' }).last().getAttribute('href')).toBe('/login?next=%2Fstudio');
  });

  it('creates the show, and reports a refused media connection without losing it', async () => {
    api.mediaRefusal = 'invalid_token';
    await logIn('mina@example.com');
    await page.goto(`${api.url}/studio`);
    const studio = byTestId('studio');

    // The preview shows the (fake) camera before going live.
    await expect
      .poll(() => page.locator('video.preview').evaluate((el: HTMLVideoElement) => el.videoWidth), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await byTestId('connection-state').innerText()).toBe('idle');

    await byTestId('go-live').click();
    expect(await page.getByText('Give your show a title.').count()).toBe(1);

    await byTestId('stream-title').fill('Kiln opening');
    await byTestId('go-live').click();
    await expect.poll(() => byTestId('connection-state').innerText()).toBe('failed');
    expect(await byTestId('studio-error').innerText()).toContain('access to this show expired');

    const id = await studio.getAttribute('data-stream-id');
    expect(api.streams.get(id ?? '')).toMatchObject({ title: 'Kiln opening', status: 'scheduled' });
    expect(await byTestId('go-live').innerText()).toBe('Try again');
    expect(await byTestId('viewer-count').innerText()).toBe('0');

    // Cancelling ends the show that was created.
    await page.getByRole('button', { name: 'Cancel show' }).click();
    await byTestId('replay-link').waitFor();
    expect(api.streams.get(id ?? '')?.status).toBe('ended');
  });
});
