import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { types } from 'mediasoup';
import type { Browser, Page } from 'playwright-core';
import { mediaCodecs } from '../src/codecs.js';
import { WorkerPool } from '../src/WorkerPool.js';
import type { LoopbackMessages, LoopbackMethod, LoopbackStarted } from './fixtures/loopback-protocol.js';
import { SIGNAL_FUNCTION } from './fixtures/loopback-protocol.js';
import { bundleBrowserScript } from './support/bundle.js';
import { launchChromium } from './support/chromium.js';
import { captureLogs } from './support/logs.js';
import { servePage, type PageServer } from './support/page-server.js';
import { waitFor } from './support/wait.js';

/**
 * The worker's DTLS is the part a plain-RTP test cannot reach (Debian's
 * KTLS-enabled libssl crashes mediasoup in the first handshake; see
 * shared/notes/mediasoup-offline-build.md). So: a real Chromium, a real
 * mediasoup-client, one camera track sent up and played back down.
 */

const fixture = fileURLToPath(new URL('./fixtures/loopback-client.ts', import.meta.url));
const html = '<!doctype html><html><body><video id="remote" autoplay muted playsinline></video></body></html>';

type Handlers = { [M in LoopbackMethod]: (data: LoopbackMessages[M]['request']) => Promise<LoopbackMessages[M]['response']> };

/**
 * When each server-side transport reached a state, as epoch ms
 * (performance.timeOrigin + now(), the same clock the page reports in), so
 * Node- and page-side times can be put on one line from the page's start().
 */
interface Timeline {
  connectRequested: Partial<Record<'send' | 'recv', number>>;
  dtlsConnected: Partial<Record<'send' | 'recv', number>>;
  iceConnected: Partial<Record<'send' | 'recv', number>>;
}

describe('mediasoup worker ↔ Chromium over WebRTC', () => {
  const { logger, lines } = captureLogs('info');
  let pool: WorkerPool;
  let router: types.Router;
  let browser: Browser;
  let pageServer: PageServer;
  let page: Page;
  const transports = new Map<string, { direction: 'send' | 'recv'; transport: types.WebRtcTransport }>();
  let producer: types.Producer | undefined;
  let consumer: types.Consumer | undefined;
  const timeline: Timeline = { connectRequested: {}, dtlsConnected: {}, iceConnected: {} };
  const now = () => performance.timeOrigin + performance.now();

  function transportById(id: string): types.WebRtcTransport {
    const entry = transports.get(id);
    if (!entry) throw new Error(`unknown transport ${id}`);
    return entry.transport;
  }

  /** The SFU side of the signaling, as a later Room would implement it. */
  const handlers: Handlers = {
    getRouterRtpCapabilities: () => Promise.resolve(router.rtpCapabilities as LoopbackMessages['getRouterRtpCapabilities']['response']),
    createWebRtcTransport: async ({ direction }) => {
      const transport = await router.createWebRtcTransport({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
        appData: { direction },
      });
      transports.set(transport.id, { direction, transport });
      transport.on('dtlsstatechange', (state) => {
        if (state === 'connected') timeline.dtlsConnected[direction] = now();
      });
      transport.on('icestatechange', (state) => {
        if (state === 'connected' || state === 'completed') timeline.iceConnected[direction] ??= now();
      });
      return {
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
      } as LoopbackMessages['createWebRtcTransport']['response'];
    },
    connectWebRtcTransport: async ({ transportId, dtlsParameters }) => {
      const direction = transports.get(transportId)?.direction;
      if (direction) timeline.connectRequested[direction] = now();
      await transportById(transportId).connect({ dtlsParameters });
      return null;
    },
    produce: async ({ transportId, kind, rtpParameters }) => {
      producer = await transportById(transportId).produce({
        kind,
        rtpParameters: rtpParameters as types.RtpParameters,
      });
      return { id: producer.id };
    },
    consume: async ({ producerId, rtpCapabilities }) => {
      const caps = rtpCapabilities as types.RtpCapabilities;
      if (!router.canConsume({ producerId, rtpCapabilities: caps })) throw new Error('router cannot consume');
      const recv = [...transports.values()].find((t) => t.direction === 'recv');
      if (!recv) throw new Error('no recv transport');
      consumer = await recv.transport.consume({ producerId, rtpCapabilities: caps, paused: true });
      return {
        id: consumer.id,
        producerId,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters as LoopbackMessages['consume']['response']['rtpParameters'],
      };
    },
    resumeConsumer: async ({ consumerId }) => {
      if (consumer?.id !== consumerId) throw new Error(`unknown consumer ${consumerId}`);
      await consumer.resume();
      return null;
    },
  };

  beforeAll(async () => {
    // Bundle while the worker and browser start: they do not depend on each other.
    const [script, startedPool, startedBrowser, startedServer] = await Promise.all([
      bundleBrowserScript(fixture),
      WorkerPool.create({ numWorkers: 1, rtcMinPort: 43100, rtcMaxPort: 43199, logger }),
      launchChromium(),
      servePage(html),
    ]);
    pool = startedPool;
    browser = startedBrowser;
    pageServer = startedServer;
    router = await pool.leastLoaded().createRouter({ mediaCodecs });

    page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.exposeFunction(SIGNAL_FUNCTION, (method: LoopbackMethod, data: unknown) =>
      (handlers[method] as (d: unknown) => Promise<unknown>)(data),
    );
    await page.goto(pageServer.url);
    await page.addScriptTag({ content: script });
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await pageServer?.close();
    await pool?.close();
  });

  let started: LoopbackStarted;
  const sinceStart = (times: Partial<Record<'send' | 'recv', number>>) =>
    Object.fromEntries(Object.entries(times).map(([k, t]) => [k, Math.round(t - started.startedAtEpochMs)]));

  it('completes ICE and DTLS on both transports with a real browser', async () => {
    started = await page.evaluate(() => globalThis.hawkerLoopback!.start());

    expect(started.handlerName).toBe('Chrome111');
    expect(started.consumerMimeType).toBe('video/VP8');
    expect(transports.size).toBe(2);
    for (const { direction, transport } of transports.values()) {
      await waitFor(() => transport.dtlsState === 'connected', { description: `${direction} dtlsState connected` });
      expect(['connected', 'completed']).toContain(transport.iceState);
      expect(transport.iceSelectedTuple).toMatchObject({ protocol: 'udp', localIp: '127.0.0.1' });
    }
    expect(timeline.dtlsConnected.send).toBeGreaterThan(started.startedAtEpochMs);
    expect(timeline.dtlsConnected.recv).toBeGreaterThan(started.startedAtEpochMs);
    // A handshake failure in the worker shows up as a closed/failed state or a crash, not as a hang.
    expect(pool.stats()[0]).toMatchObject({ alive: true, restarts: 0, routers: 1, consumers: 1 });
  });

  it('receives the camera on the server and forwards it back', async () => {
    const p = producer!;
    const c = consumer!;
    expect(p.id).toBe(started.producerId);
    expect(c.id).toBe(started.consumerId);

    const producerBytes = await waitFor(async () => (await p.getStats()).reduce((sum, s) => sum + s.byteCount, 0) || null, {
      description: 'producer byteCount > 0',
    });
    const consumerBytes = await waitFor(
      async () => (await c.getStats()).filter((s) => s.type === 'outbound-rtp').reduce((sum, s) => sum + s.byteCount, 0) || null,
      { description: 'consumer outbound byteCount > 0' },
    );
    expect(producerBytes).toBeGreaterThan(1000);
    expect(consumerBytes).toBeGreaterThan(1000);
    expect(c.paused || c.producerPaused).toBe(false);
  });

  it('plays the returned track in the page: real size, moving time, non-uniform pixels', async () => {
    const first = await waitFor(
      async () => {
        const s = await page.evaluate(() => globalThis.hawkerLoopback!.snapshot());
        return s.videoWidth > 0 && s.firstFrameMs !== null ? s : null;
      },
      { timeoutMs: 20_000, description: 'first decoded frame in <video>' },
    );
    expect(first.videoHeight).toBeGreaterThan(0);
    expect(first.playError).toBeNull();
    expect(first.paused).toBe(false);

    const later = await waitFor(
      async () => {
        const s = await page.evaluate(() => globalThis.hawkerLoopback!.snapshot());
        return s.currentTime > first.currentTime + 0.5 && s.decodedFrames > first.decodedFrames ? s : null;
      },
      { timeoutMs: 10_000, description: '<video> currentTime to advance by 0.5 s' },
    );
    expect(later.currentTime).toBeGreaterThan(first.currentTime);
    expect(later.decodedFrames).toBeGreaterThan(first.decodedFrames);
    // Chromium's fake camera draws a moving pattern; a black or grey frame means broken decode.
    expect(later.lumaStdDev).toBeGreaterThan(5);

    logger.info(
      {
        // All in ms after the page's start() (device load, getUserMedia and signaling included).
        connectRequestedMs: sinceStart(timeline.connectRequested),
        dtlsConnectedMs: sinceStart(timeline.dtlsConnected),
        iceConnectedMs: sinceStart(timeline.iceConnected),
        firstFrameMs: Math.round(first.firstFrameMs ?? -1),
        resolution: `${later.videoWidth}x${later.videoHeight}`,
        decodedFrames: later.decodedFrames,
        lumaStdDev: Math.round(later.lumaStdDev),
      },
      'webrtc loopback timings',
    );
    // Printed so runs can be compared; lines are captured, not written to stdout.
    process.stdout.write(`${JSON.stringify(lines.at(-1))}\n`);
  });

  it('closing the pool cascades to every transport, producer and consumer', async () => {
    await pool.close();
    await pool.close();
    expect(router.closed).toBe(true);
    for (const { transport } of transports.values()) expect(transport.closed).toBe(true);
    expect(producer?.closed).toBe(true);
    expect(consumer?.closed).toBe(true);
    expect(pool.stats()[0]).toMatchObject({ routers: 0, consumers: 0 });
    // The page sees the SFU go away as a transport failure, not as an error thrown into the test.
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
