import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaCodecs } from '../src/codecs.js';
import { chooseWorkerBinary, libuvWorkerBinary } from '../src/worker-binary.js';
import { WorkerPool } from '../src/WorkerPool.js';
import { captureLogs, LEVEL } from './support/logs.js';
import { audioRtpParameters, startRtpSender, targetOf, testClip, type RtpSender } from './support/rtp-sender.js';
import { udpSink, type UdpSink } from './support/udp-sink.js';
import { waitFor } from './support/wait.js';

/**
 * The two worker builds (scripts/mediasoup/build-worker.sh): the io_uring one
 * batches a packet's sends to many consumers through the kernel's ring; the
 * libuv one is the fallback where io_uring is refused at run time. This
 * machine's kernel (6.x, io_uring enabled) runs the io_uring build.
 */

const VIEWERS = 5;
let scratch: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hawker-send-path-'));
  await testClip();
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await rm(scratch, { recursive: true, force: true });
});

/** One audio producer fed by ffmpeg, VIEWERS plain consumers into UDP sinks; resolves when every sink has packets. */
async function forwardToViewers(worker: types.Worker): Promise<UdpSink[]> {
  const router = await worker.createRouter({ mediaCodecs });
  const ingest = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
  const producer = await ingest.produce({ kind: 'audio', rtpParameters: audioRtpParameters });
  const sinks: UdpSink[] = [];
  for (let i = 0; i < VIEWERS; i++) {
    const sink = await udpSink();
    cleanups.push(() => sink.close());
    sinks.push(sink);
    const out = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    await out.connect({ ip: '127.0.0.1', port: sink.port });
    await out.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
  }
  // The clip's video goes nowhere that matters (a sink of its own); its audio feeds the producer.
  const videoNowhere = await udpSink();
  cleanups.push(() => videoNowhere.close());
  const sender: RtpSender = await startRtpSender({
    video: { port: videoNowhere.port, rtcpPort: videoNowhere.port },
    audio: targetOf(ingest),
  });
  cleanups.push(() => sender.stop());
  await waitFor(() => sinks.every((s) => s.packets >= 20), { timeoutMs: 10_000, description: `20 packets at each of ${VIEWERS} viewers` });
  await sender.stop();
  return sinks;
}

describe('mediasoup worker send path', () => {
  it('auto picks the io_uring build here, and its workers send to viewers through the ring', async () => {
    const { logger } = captureLogs('info');
    const pool = await WorkerPool.create({ numWorkers: 1, rtcMinPort: 43600, rtcMaxPort: 43649, logger });
    cleanups.push(() => pool.close());
    expect(pool.sendPath).toBe('io_uring');
    const worker = pool.workers[0]!;
    const before = (await worker.dump()).liburing;
    expect(before).toBeDefined();

    await forwardToViewers(worker);
    const after = (await worker.dump()).liburing!;
    // Each forwarded packet went out as submission-queue entries, not libuv sends.
    expect(after.sqeProcessCount - before!.sqeProcessCount).toBeGreaterThan(20 * VIEWERS);
  });

  it('MEDIA_SEND_PATH=libuv spawns the libuv build: same delivery, no ring', async () => {
    const { logger } = captureLogs('info');
    const pool = await WorkerPool.create({ numWorkers: 1, rtcMinPort: 43650, rtcMaxPort: 43699, logger, sendPath: 'libuv' });
    cleanups.push(() => pool.close());
    expect(pool.sendPath).toBe('libuv');
    const worker = pool.workers[0]!;
    const sinks = await forwardToViewers(worker);
    expect(sinks.every((s) => s.packets >= 20)).toBe(true);
    expect((await worker.dump()).liburing).toBeUndefined();
  });

  it('falls back to the libuv build when the io_uring one cannot start, and says so', async () => {
    // What the io_uring build does where the ring is refused (e.g. Docker's default
    // seccomp profile): ClassInit throws and the worker exits 40 before it is ready.
    const refused = path.join(scratch, 'mediasoup-worker-io-uring-refused');
    await writeFile(refused, '#!/bin/sh\necho "failure exit: io_uring_queue_init() failed: Operation not permitted" >&2\nexit 40\n');
    await chmod(refused, 0o755);
    const { logger, lines } = captureLogs('info');

    const choice = await chooseWorkerBinary('auto', logger, [refused, libuvWorkerBinary]);

    expect(choice).toEqual({ binary: libuvWorkerBinary, sendPath: 'libuv' });
    const warning = lines.find((l) => l.msg === 'mediasoup worker falls back');
    expect(warning?.level).toBe(LEVEL.warn);
    await expect(chooseWorkerBinary('io_uring', logger, [refused])).rejects.toThrow(/no mediasoup worker can send through io_uring/);
  });
});
