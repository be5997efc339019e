import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { types } from 'mediasoup';
import { Broadcast, type BroadcastOptions, type CloseReason } from '../src/Broadcast.js';
import { WorkerPool } from '../src/WorkerPool.js';
import { captureLogs, LEVEL } from './support/logs.js';
import {
  audioRtpParameters,
  startRtpSender,
  targetOf,
  testClip,
  videoRtpParameters,
  VIDEO_PT,
  type RtpSender,
} from './support/rtp-sender.js';
import { udpSink, type UdpSink } from './support/udp-sink.js';
import { waitFor, waitForEvent } from './support/wait.js';

/**
 * A Broadcast on a real 2-worker pool, fed by ffmpeg over plain RTP (the
 * stand-in for a browser's camera), watched from the other worker through
 * pipeToRouter(), then torn down with one close().
 */

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const bytesOut = async (c: types.Consumer) =>
  (await c.getStats()).filter((s) => s.type === 'outbound-rtp').reduce((n, s) => n + s.byteCount, 0);

describe('Broadcast', () => {
  const { logger, lines } = captureLogs('info');
  let pool: WorkerPool;
  let hlsDir: string;
  const senders: RtpSender[] = [];
  const sinks: UdpSink[] = [];

  const options = (): BroadcastOptions => ({
    streamId: randomUUID(),
    pool,
    logger,
    hlsDir,
    listen: { listenIp: '127.0.0.1' },
    publisherGraceMs: 15_000,
  });

  beforeAll(async () => {
    [pool, hlsDir] = await Promise.all([
      WorkerPool.create({ numWorkers: 2, rtcMinPort: 43200, rtcMaxPort: 43299, logger }),
      mkdtemp(path.join(os.tmpdir(), 'hawker-broadcast-hls-')),
      testClip(),
    ]);
  });

  afterAll(async () => {
    await Promise.all(senders.map((s) => s.stop()));
    await Promise.all(sinks.map((s) => s.close()));
    await pool?.close();
    if (hlsDir) await rm(hlsDir, { recursive: true, force: true });
  });

  describe('publish on one worker, watch on the other', () => {
    let broadcast: Broadcast;
    let video: types.Producer;
    let audio: types.Producer;
    let sink: UdpSink;
    let pipedConsumer: types.Consumer;
    const closes: CloseReason[] = [];

    it('pipes an ffmpeg-fed producer to a consumer router on another worker and delivers its packets', async () => {
      broadcast = await Broadcast.create(options());
      broadcast.on('close', (reason) => closes.push(reason));
      const live = waitForEvent(broadcast, 'live');
      const v = await broadcast.ingestPlainRtp('video', videoRtpParameters);
      const a = await broadcast.ingestPlainRtp('audio', audioRtpParameters);
      [video, audio] = [v.producer, a.producer];
      await live;
      senders.push(await startRtpSender({ video: targetOf(v.transport), audio: targetOf(a.transport) }));

      const t0 = performance.now();
      const viewer = await broadcast.join('viewer-1', 'consume');
      const pipeSetupMs = performance.now() - t0;
      expect(viewer.workerIndex).not.toBe(broadcast.producerWorkerIndex);
      expect(viewer.router).not.toBe(broadcast.producerRouter);
      expect((await broadcast.consumableProducers(viewer.router)).map((p) => p.id).sort()).toEqual([video.id, audio.id].sort());

      // A plain consumer on the viewer's router: what arrives at the socket crossed the pipe.
      sink = await udpSink();
      sinks.push(sink);
      const out = await viewer.router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        rtcpMux: true,
        comedia: false,
      });
      await out.connect({ ip: '127.0.0.1', port: sink.port });
      pipedConsumer = await out.consume({ producerId: video.id, rtpCapabilities: broadcast.routerRtpCapabilities });
      const consumerPt = pipedConsumer.rtpParameters.codecs[0]!.payloadType;

      await waitFor(() => sink.packets >= 50, { timeoutMs: 10_000, description: '50 RTP packets through the pipe' });
      expect(sink.payloadTypes.has(consumerPt)).toBe(true);
      expect(await bytesOut(pipedConsumer)).toBeGreaterThan(10_000);
      const producerStats = await video.getStats();
      expect(producerStats[0]?.byteCount ?? 0).toBeGreaterThan(10_000);
      // The sender's payload type was rewritten to the router's: proof mediasoup, not ffmpeg, sent these.
      expect(consumerPt).not.toBe(VIDEO_PT);
      process.stdout.write(`${JSON.stringify({ pipeSetupMs: Math.round(pipeSetupMs), packets: sink.packets })}\n`);
      expect(lines.some((l) => l.msg === 'consumer router ready' && typeof l.pipeSetupMs === 'number')).toBe(true);
    });

    it('gives a WebRTC viewer paused consumers of both kinds, highest layer preferred', async () => {
      const viewer = broadcast.getPeer('viewer-1')!;
      const recv = await viewer.createTransport('recv');
      const consumers = await viewer.consume(recv.id, broadcast.routerRtpCapabilities);
      expect(consumers.map((c) => c.kind).sort()).toEqual(['audio', 'video']);
      expect(viewer.consumers.every((c) => c.paused)).toBe(true);
      // A second consume has nothing new to give: no duplicates.
      expect(await viewer.consume(recv.id, broadcast.routerRtpCapabilities as Record<string, unknown>)).toEqual([]);

      const videoConsumer = viewer.consumers.find((c) => c.kind === 'video')!;
      await viewer.resumeConsumer(videoConsumer.id);
      expect(videoConsumer.paused).toBe(false);
      expect(broadcast.viewerCount).toBe(1);
    });

    it('a second viewer lands on the same consumer router without piping again', async () => {
      const pipesBefore = lines.filter((l) => l.msg === 'consumer router ready').length;
      const second = await broadcast.join('viewer-2', 'consume');
      expect(second.router).toBe(broadcast.getPeer('viewer-1')!.router);
      expect(lines.filter((l) => l.msg === 'consumer router ready').length).toBe(pipesBefore);
      expect(broadcast.viewerCount).toBe(2);
      broadcast.leave('viewer-2');
      expect(second.closed).toBe(true);
      expect(broadcast.viewerCount).toBe(1);
    });

    it('close() releases every router, transport, producer, consumer and ffmpeg, once', async () => {
      const egressPid = await waitFor(() => broadcast.recording.egress?.pid, { description: 'HLS ffmpeg running' });
      const viewer = broadcast.getPeer('viewer-1')!;
      const viewerRouter = viewer.router;
      const viewerTransports = viewer.transports;
      const viewerConsumers = viewer.consumers;
      expect(processExists(egressPid)).toBe(true);

      const [first, second] = await Promise.all([broadcast.close('ended'), broadcast.close('publisher_left')]);
      const third = await broadcast.close('worker_died');
      expect(second).toBe(first);
      expect(third).toBe(first);
      expect(closes).toEqual(['ended']);
      expect(first.reason).toBe('ended');
      expect(first.durationMs).toBeGreaterThan(1000);

      expect(broadcast.producerRouter.closed).toBe(true);
      expect(viewerRouter.closed).toBe(true);
      expect(video.closed && audio.closed).toBe(true);
      expect(pipedConsumer.closed).toBe(true);
      expect(viewer.closed).toBe(true);
      for (const t of viewerTransports) expect(t.closed).toBe(true);
      for (const c of viewerConsumers) expect(c.closed).toBe(true);
      expect(processExists(egressPid)).toBe(false);
      // Nothing of this broadcast is left on either worker.
      expect(pool.stats().map((s) => [s.routers, s.consumers])).toEqual([
        [0, 0],
        [0, 0],
      ]);
      await expect(broadcast.join('late', 'consume')).rejects.toMatchObject({ code: 'not_live' });
    });
  });

  describe('when a worker dies', () => {
    it('a consumer worker death evicts only its viewers; the producer worker death closes the broadcast', async () => {
      const broadcast = await Broadcast.create(options());
      await broadcast.ingestPlainRtp('video', videoRtpParameters);
      const viewer = await broadcast.join('viewer-1', 'consume');
      const consumerPid = pool.stats()[viewer.workerIndex]!.pid;

      const evicted = waitForEvent(broadcast, 'peerevicted');
      const restarted = waitForEvent(pool, 'workerrestarted');
      process.kill(consumerPid, 'SIGKILL');
      expect(await evicted).toEqual(['viewer-1']);
      expect(broadcast.closed).toBe(false);
      expect(viewer.closed).toBe(true);
      await restarted;

      // The viewer reconnects onto a fresh consumer router on the restarted worker.
      const again = await broadcast.join('viewer-1b', 'consume');
      expect(again.router.closed).toBe(false);
      expect((await broadcast.consumableProducers(again.router)).length).toBe(1);

      const closed = waitForEvent(broadcast, 'close');
      process.kill(pool.stats()[broadcast.producerWorkerIndex]!.pid, 'SIGKILL');
      expect(await closed).toEqual(['worker_died']);
      const summary = await broadcast.close('ended');
      expect(summary.reason).toBe('worker_died');
      expect(again.closed).toBe(true);
      expect(lines.some((l) => l.level === LEVEL.error && l.msg === 'producer worker died; closing the broadcast')).toBe(true);
      await waitFor(() => pool.workers.length === 2, { description: 'both workers restarted' });
    });
  });
});
