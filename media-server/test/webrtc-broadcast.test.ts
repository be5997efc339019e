import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hlsPlaylistPath } from '@hawker/shared';
import { loadMediaConfig } from '../src/config.js';
import { startMediaServer, type MediaServer } from '../src/server.js';
import type { PublishResult } from './fixtures/broadcast-protocol.js';
import { bundleBrowserScript } from './support/bundle.js';
import { launchChromium } from './support/chromium.js';
import { captureLogs, LEVEL } from './support/logs.js';
import { servePage, type PageServer } from './support/page-server.js';
import { mintMediaToken, testSecret } from './support/tokens.js';
import { waitFor } from './support/wait.js';

/**
 * The whole media path with real browsers: a seller's Chromium publishes a
 * 3-layer VP8 simulcast camera + microphone through the media signaling, a
 * viewer's Chromium on the other worker plays it, ffmpeg turns it into HLS,
 * and the seller closing the tab ends the show for the viewer.
 */

const fixture = fileURLToPath(new URL('./fixtures/broadcast-client.ts', import.meta.url));
const html = '<!doctype html><html><body><video autoplay muted playsinline></video></body></html>';

describe('a broadcast between two Chromium pages', () => {
  const { logger, lines } = captureLogs('info');
  const secret = testSecret();
  const streamId = randomUUID();
  let hlsDir: string;
  let server: MediaServer;
  let browser: Browser;
  let pageServer: PageServer;
  let seller: Page;
  let viewer: Page;
  let published: PublishResult;
  let publishedAt: number;

  async function openPage(script: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(pageServer.url);
    await page.addScriptTag({ content: script });
    return page;
  }

  beforeAll(async () => {
    let script: string;
    [script, hlsDir, browser, pageServer] = await Promise.all([
      bundleBrowserScript(fixture),
      mkdtemp(path.join(os.tmpdir(), 'hawker-webrtc-hls-')),
      launchChromium(),
      servePage(html),
    ]);
    const config = loadMediaConfig({
      MEDIA_PORT: '0',
      MEDIA_WORKERS: '2',
      RTC_MIN_PORT: '43500',
      RTC_MAX_PORT: '43599',
      RTC_LISTEN_IP: '127.0.0.1',
      MEDIA_TOKEN_SECRET: secret,
      HLS_DIR: hlsDir,
      PUBLISHER_GRACE_MS: '1000',
    });
    server = await startMediaServer(config, { logger });
    [seller, viewer] = await Promise.all([openPage(script), openPage(script)]);
  });

  afterAll(async () => {
    await browser?.close();
    await pageServer?.close();
    await server?.close();
    if (hlsDir) await rm(hlsDir, { recursive: true, force: true });
  });

  it('the seller goes live with three simulcast layers', async () => {
    const token = await mintMediaToken(secret, { streamId, role: 'publish' });
    publishedAt = performance.now();
    published = await seller.evaluate(([url, t]) => globalThis.hawkerBroadcast!.publish(url, t), [server.url, token] as const);
    expect(published.handlerName).toBe('Chrome111');
    expect(published.videoEncodings).toBe(3);
    const broadcast = server.registry.get(streamId)!;
    const video = broadcast.publisher!.producers.find((p) => p.kind === 'video')!;
    expect(video.type).toBe('simulcast');
    // Chromium really sends: the SFU receives all three layers.
    await waitFor(async () => (await video.getStats()).filter((s) => s.byteCount > 0).length === 3, {
      timeoutMs: 15_000,
      description: 'bytes on all three simulcast streams',
    });
  });

  it('a viewer on the other worker plays the camera: real pixels, moving', async () => {
    const token = await mintMediaToken(secret, { streamId, role: 'consume', sub: 'viewer' });
    const t0 = performance.now();
    const watched = await viewer.evaluate(([url, t]) => globalThis.hawkerBroadcast!.watch(url, t), [server.url, token] as const);
    expect(watched.consumers.map((c) => `${c.kind}:${c.mimeType}`).sort()).toEqual(['audio:audio/opus', 'video:video/VP8']);

    const first = await waitFor(
      async () => {
        const s = await viewer.evaluate(() => globalThis.hawkerBroadcast!.snapshot());
        return s.videoWidth > 0 && s.decodedFrames > 0 ? s : null;
      },
      { timeoutMs: 20_000, description: 'first decoded frame at the viewer' },
    );
    const firstFrameMs = Math.round(performance.now() - t0);
    const later = await waitFor(
      async () => {
        const s = await viewer.evaluate(() => globalThis.hawkerBroadcast!.snapshot());
        return s.currentTime > first.currentTime + 0.5 ? s : null;
      },
      { timeoutMs: 10_000, description: 'viewer video advancing' },
    );
    expect(later.lumaStdDev).toBeGreaterThan(5);

    const broadcast = server.registry.get(streamId)!;
    const peer = broadcast.getPeer(watched.socketId)!;
    expect(peer.workerIndex).not.toBe(broadcast.producerWorkerIndex);
    const videoConsumer = peer.consumers.find((c) => c.kind === 'video')!;
    expect(videoConsumer.type).toBe('simulcast');
    expect(videoConsumer.currentLayers).toBeDefined();
    process.stdout.write(
      `${JSON.stringify({ viewerFirstFrameMs: firstFrameMs, resolution: `${later.videoWidth}x${later.videoHeight}`, layers: videoConsumer.currentLayers })}\n`,
    );
  });

  it('ffmpeg turns the browser feed into H.264/AAC HLS', async () => {
    const playlist = await waitFor(
      async () => {
        const res = await fetch(`${server.url}${hlsPlaylistPath(streamId)}`);
        const text = res.ok ? await res.text() : '';
        return /^[\w-]+\.ts$/m.test(text) ? text : null;
      },
      { timeoutMs: 20_000, intervalMs: 200, description: 'an HLS segment from the browser feed' },
    );
    const sincePublishMs = Math.round(performance.now() - publishedAt);
    const segment = /^[\w-]+\.ts$/m.exec(playlist)![0];
    const file = path.join(hlsDir, 'probe.ts');
    await writeFile(file, new Uint8Array(await (await fetch(`${server.url}/media/hls/${streamId}/${segment}`)).arrayBuffer()));
    const { stdout } = await promisify(execFile)('/usr/bin/ffprobe', [
      ...['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', file],
    ]);
    const streams = (JSON.parse(stdout) as { streams: { codec_name: string; width?: number; height?: number }[] }).streams;
    expect(streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    const h264 = streams.find((s) => s.codec_name === 'h264')!;
    // The top simulcast layer, not a downscaled one (Chromium may adapt a little under CPU load).
    expect(h264.width).toBeGreaterThanOrEqual(480);
    process.stdout.write(
      `${JSON.stringify({ hlsFirstSegmentSincePublishMs: sincePublishMs, hls: `${h264.width}x${h264.height}`, egressFirstSegmentMs: server.registry.get(streamId)?.recording.firstSegmentMs })}\n`,
    );
  });

  it('the seller closing the tab ends the show for the viewer after the grace period', async () => {
    await seller.close();
    await waitFor(
      async () => {
        const events = await viewer.evaluate(() => globalThis.hawkerBroadcast!.events());
        return events.find((e) => e.event === 'media:broadcastClosed');
      },
      { timeoutMs: 10_000, description: 'media:broadcastClosed at the viewer' },
    ).then((e) => expect(e.payload).toEqual({ streamId, reason: 'publisher_left' }));
    expect(server.registry.get(streamId)).toBeUndefined();
    // ffmpeg flushes its last segment, then the playlist is ended: the replay.
    await waitFor(
      async () => (await (await fetch(`${server.url}${hlsPlaylistPath(streamId)}`)).text()).trimEnd().endsWith('#EXT-X-ENDLIST'),
      {
        description: 'an ended playlist',
      },
    );
    expect(lines.filter((l) => l.level >= LEVEL.error)).toEqual([]);
  });
});
