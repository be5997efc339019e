import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.js';
import { buildWeb, launchMediaChromium, videoSnapshot } from './support/browser.js';
import { startStandInSfu, type StandInSfu } from './support/stand-in-sfu.js';

// The studio publishing and the live page watching over WebRTC, in Chromium
// with a fake camera, through a real mediasoup worker behind the signaling
// contract (a stand-in for the media-server; the end-to-end test with the real
// api and media-server lives in test/e2e).

let outDir: string;
let api: FakeApi;
let sfu: StandInSfu;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  [outDir, browser] = await Promise.all([buildWeb(), launchMediaChromium()]);
  api = await startFakeApi(outDir);
  sfu = await startStandInSfu(api, { min: 44100, max: 44199 });
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await sfu?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.context().close()));
});

async function newPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  pages.push(page);
  return page;
}

/** Logs the creator in, opens the studio and goes live; returns the studio page and the stream id. */
async function goLive(title: string): Promise<{ studio: Page; streamId: string }> {
  const studio = await newPage();
  await studio.goto(`${api.url}/login?next=/studio`);
  await studio.getByTestId('login-email').fill('mina@example.com');
  await studio.getByTestId('login-password').fill('correct horse battery');
  await studio.getByTestId('login-submit').click();
  await studio.getByTestId('stream-title').fill(title);
  await expect.poll(() => studio.getByTestId('go-live').isEnabled()).toBe(true);
  await studio.getByTestId('go-live').click();
  await expect.poll(() => studio.getByTestId('connection-state').innerText(), { timeout: 20_000 }).toBe('connected');
  const streamId = (await studio.getByTestId('studio').getAttribute('data-stream-id')) ?? '';
  expect(streamId).not.toBe('');
  return { studio, streamId };
}

async function watch(streamId: string, query = ''): Promise<Page> {
  const viewer = await newPage();
  await viewer.goto(`${api.url}/live/${streamId}${query}`);
  return viewer;
}

/** A picture, and playback moving on. */
async function expectPlaying(page: Page): Promise<void> {
  const video = page.getByTestId('live-video');
  await expect.poll(async () => (await videoSnapshot(video)).width, { timeout: 20_000 }).toBeGreaterThan(0);
  const start = (await videoSnapshot(video)).currentTime;
  await expect.poll(async () => (await videoSnapshot(video)).currentTime, { timeout: 10_000 }).toBeGreaterThan(start + 0.5);
}

describe('WebRTC through an SFU', () => {
  it('goes live from the studio with simulcast, plays for viewers with sub-second latency, and ends', async () => {
    const { studio, streamId } = await goLive('Glaze test live');

    // Camera as three VP8 simulcast layers, plus the microphone.
    const producers = sfu.producers(streamId);
    const video = producers.find((p) => p.kind === 'video');
    expect(video?.rtpParameters.codecs[0]?.mimeType).toBe('video/VP8');
    expect(video?.rtpParameters.encodings).toHaveLength(3);
    expect(producers.some((p) => p.kind === 'audio')).toBe(true);

    // The api marks the show live once video flows; the studio links to it.
    const link = studio.getByTestId('watch-link');
    await link.waitFor({ timeout: 10_000 });
    expect(await link.getAttribute('href')).toBe(`/live/${streamId}`);

    const forced = await watch(streamId, '?mode=webrtc');
    const auto = await watch(streamId);
    for (const viewer of [forced, auto]) {
      expect(await viewer.getByTestId('live-video').getAttribute('data-mode')).toBe('webrtc');
      await expectPlaying(viewer);
      expect((await videoSnapshot(viewer.getByTestId('live-video'))).muted).toBe(true);
    }
    await expect.poll(() => forced.getByTestId('latency-badge').innerText(), { timeout: 10_000 }).toMatch(/^WebRTC · \d+ ms$/);
    expect(await auto.getByTestId('live-video').getAttribute('data-mode')).toBe('webrtc');

    // The studio's count catches up on its next poll.
    await expect.poll(() => studio.getByTestId('viewer-count').innerText(), { timeout: 10_000 }).toBe('2');

    await studio.getByTestId('end-stream').click();
    await expect.poll(() => studio.getByTestId('connection-state').innerText()).toBe('closed');
    expect(await studio.getByTestId('replay-link').getAttribute('href')).toBe(`/replay/${streamId}`);
    // The camera is released.
    expect(await studio.locator('video.preview').evaluate((el: HTMLVideoElement) => el.srcObject)).toBeNull();
    expect(api.streams.get(streamId)?.status).toBe('ended');

    // Viewers learn it from the SFU at once, not at their next poll.
    await forced.getByTestId('stream-ended').waitFor({ timeout: 3_000 });
    await auto.getByTestId('stream-ended').waitFor({ timeout: 3_000 });
  });

  it('recovers from a dropped media connection: the studio republishes and the viewer reconnects', async () => {
    const { studio, streamId } = await goLive('Wobbly wifi live');
    const viewer = await watch(streamId, '?mode=webrtc');
    await expectPlaying(viewer);
    const firstProducer = sfu.producers(streamId).find((p) => p.kind === 'video')?.id;

    sfu.dropPublisher(streamId);
    await expect.poll(() => studio.getByTestId('connection-state').innerText()).toBe('connecting');
    await expect.poll(() => studio.getByTestId('connection-state').innerText(), { timeout: 20_000 }).toBe('connected');
    const secondProducer = sfu.producers(streamId).find((p) => p.kind === 'video')?.id;
    expect(secondProducer).toBeDefined();
    expect(secondProducer).not.toBe(firstProducer);

    // The viewer went through 'connecting' and plays the new broadcast, still over WebRTC.
    await expectPlaying(viewer);
    expect(await viewer.getByTestId('live-video').getAttribute('data-mode')).toBe('webrtc');
    expect(await viewer.getByTestId('stream-ended').count()).toBe(0);
    expect(api.mediaTokenRequests.filter((id) => id === streamId).length).toBeGreaterThanOrEqual(4);
  });
});
