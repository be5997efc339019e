import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { STREAM_PROFILE } from './generator.js';
import { ChildHandle, cpuFraction, cpuSample } from './ipc.js';
import { kernelUdpDrops, LatencyReceiver } from './measure.js';
import { MediasoupTarget } from './mediasoup-target.js';
import { portsPerWorker, type SfuOptions } from './options.js';
import { RelayTarget } from './relay-target.js';
import {
  compareAtMatchedLoad,
  machineInfo,
  summarizeTarget,
  TARGETS,
  type SfuReport,
  type StepResult,
  type TargetSummary,
  verdict,
} from './report.js';
import type { SinkApi, SinkConfig, SinkCounts, SinkReady, SinkSnapshot } from './sink-process.js';
import type { ForwardingTarget, TargetName } from './target.js';

/**
 * The SFU ramp. For each viewer step the targets take turns: mediasoup with
 * SRTP (the benchmark, io_uring build), the same on the libuv build, mediasoup
 * without SRTP, then the plain Node relay.
 * Interleaving means a colleague's job slowing the machine hits all of them
 * at the same step rather than one whole phase. Only the target being
 * measured receives the stream; the others idle.
 */

type Log = (line: string) => void;
/** Polling interval and quiet time that mark the end of a step's stream at the sinks. */
const DRAIN_POLL_MS = 50;
const DRAIN_QUIET_MS = 250;
/** A packet still queued after this is too late for live video: it counts as lost. */
const DRAIN_MAX_MS = 3000;

type Sink = ChildHandle<SinkApi, SinkReady>;
type Kind = { srtp: boolean; sendPath: 'io_uring' | 'libuv' } | 'relay';

/**
 * A target with its own sink sockets (group) and latency viewer socket: a
 * backlog a target is still flushing after its drain timed out lands on its
 * own counters, never on the next target's step.
 */
interface Lane {
  target: ForwardingTarget;
  group: number;
  latency: LatencyReceiver;
}

/**
 * Waits until the sinks have been quiet for DRAIN_QUIET_MS (at most
 * DRAIN_MAX_MS), so a backlog cannot spill into the next target's step.
 * Quiet, not "count reached": a count can be reached early by strays.
 */
async function drain(
  sink: Sink,
  group: number,
): Promise<{ snapshot: SinkSnapshot; counts: SinkCounts; lastArrivalNs: bigint; timedOut: boolean }> {
  const deadline = performance.now() + DRAIN_MAX_MS;
  let last = await sink.request('snapshot', {});
  let lastArrivalNs = process.hrtime.bigint();
  while (performance.now() < deadline && process.hrtime.bigint() - lastArrivalNs < BigInt(DRAIN_QUIET_MS * 1e6)) {
    await sleep(DRAIN_POLL_MS);
    const next = await sink.request('snapshot', {});
    if (next.groups[group]!.rtpPackets !== last.groups[group]!.rtpPackets) lastArrivalNs = process.hrtime.bigint();
    last = next;
  }
  return { snapshot: last, counts: last.groups[group]!, lastArrivalNs, timedOut: performance.now() >= deadline };
}

/**
 * One step for one target. The stream starts and stops inside the step, and
 * the sinks are drained before counting, so every packet is attributed to
 * exactly one step: expected = published × viewers holds exactly (the first
 * frame is a key frame, so even new viewers' video consumers forward it),
 * and forwarder CPU covers all the work for this step's packets, backlog
 * included. Latency is sampled only in the steady part (after settling).
 */
async function measureStep({ target, group, latency }: Lane, viewers: number, sink: Sink, options: SfuOptions): Promise<StepResult> {
  const sinkPorts = sink.ready.ports[group]!;
  const setupStarted = performance.now();
  await target.setViewers(viewers);
  const setupMs = Math.round(performance.now() - setupStarted);
  const gen = target.generator;
  const stalls0 = gen.counts.stalls;
  const pli0 = gen.counts.keyFrameRequests;
  const drops0 = await kernelUdpDrops(sinkPorts);
  const ingestDrops0 = await kernelUdpDrops([gen.targetPort]);
  const cpu0 = await target.cpu();
  const sink0 = await sink.request('snapshot', {});
  const counts0 = sink0.groups[group]!;
  const bench0 = cpuSample();
  const latencyPackets0 = latency.packets;
  const rejected0 = latency.rejected;
  const published0 = gen.packets;

  // The generator and the latency viewer share this event loop: if the
  // machine stalls it, published counts dip and latency samples inflate.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  gen.requestKeyFrame();
  gen.start();
  const started = process.hrtime.bigint();
  await sleep(options.settleSeconds * 1000);
  latency.reset();
  await sleep(options.stepSeconds * 1000);
  const lat = latency.summary();
  gen.stop();
  loopDelay.disable();
  const publishSec = Number(process.hrtime.bigint() - started) / 1e9;
  const bench1 = cpuSample();
  const publishedPackets = gen.packets - published0;
  const expectedPackets = publishedPackets * viewers;

  const { snapshot: sink1, counts: counts1, lastArrivalNs, timedOut } = await drain(sink, group);
  // Rates and CPU are over the active time: publishing, plus any backlog the
  // forwarder still had to send afterwards (±DRAIN_POLL_MS). Over publish
  // time alone, an overloaded single-threaded worker would show > 100%.
  const activeSec = Math.max(publishSec, Number(lastArrivalNs - started) / 1e9);
  const cpu1 = await target.cpu();
  const drops1 = await kernelUdpDrops(sinkPorts);
  const ingestDrops1 = await kernelUdpDrops([gen.targetPort]);
  const consumerSample = target.sample ? await target.sample() : undefined;

  const receivedPackets = counts1.rtpPackets - counts0.rtpPackets;
  const lossPct = expectedPackets > 0 ? Math.max(0, (1 - receivedPackets / expectedPackets) * 100) : 100;
  const forwarded = receivedPackets + latency.packets - latencyPackets0;
  const forwarderCpuSec = (cpu1.cpuMicros - cpu0.cpuMicros) / 1e6;
  const step = {
    target: target.name,
    viewers,
    windowSec: Math.round(publishSec * 1000) / 1000,
    activeSec: Math.round(activeSec * 1000) / 1000,
    setupMs,
    publishedPackets,
    expectedPackets,
    receivedPackets,
    receivedBytes: counts1.rtpBytes - counts0.rtpBytes,
    lossPct: Math.round(lossPct * 1000) / 1000,
    sinkKernelDrops: drops0 === undefined || drops1 === undefined ? null : drops1 - drops0,
    ingestKernelDrops: ingestDrops0 === undefined || ingestDrops1 === undefined ? null : ingestDrops1 - ingestDrops0,
    backlogTimedOut: timedOut,
    forwardedPerSec: Math.round(forwarded / activeSec),
    forwarderCpuPct: Math.round((forwarderCpuSec / activeSec) * 1000) / 10,
    forwarderKernelCpuPct: Math.round(((cpu1.systemMicros - cpu0.systemMicros) / 1e6 / activeSec) * 1000) / 10,
    forwardedPerCore: forwarderCpuSec > 0.01 ? Math.round(forwarded / forwarderCpuSec) : null,
    sinkCpuPct: Math.round(((sink1.cpu.cpuMicros - sink0.cpu.cpuMicros) / 1e6 / activeSec) * 1000) / 10,
    benchCpuPct: Math.round(cpuFraction(bench0, bench1) * 1000) / 10,
    latencyMs: lat,
    latencyViewerRejected: latency.rejected - rejected0,
    generatorStalls: gen.counts.stalls - stalls0,
    benchLoopDelayMaxMs: Math.round(loopDelay.max / 1e5) / 10,
    keyFrameRequests: gen.counts.keyFrameRequests - pli0,
    probationPackets: counts1.probationPackets - counts0.probationPackets,
    ...(consumerSample ? { consumerSample } : {}),
  };
  return { ...step, ...verdict(step) };
}

export async function runSfuBench(options: SfuOptions, log: Log = () => {}): Promise<SfuReport> {
  const started = new Date();
  const deadline = performance.now() + options.maxWallSeconds * 1000;
  const machine = machineInfo();
  const closers: (() => Promise<void> | void)[] = [];
  const steps: StepResult[] = [];
  const stopped = new Map<TargetName, TargetSummary['stoppedBecause']>();

  try {
    const kinds: Kind[] = [
      { srtp: true, sendPath: 'io_uring' },
      ...(options.libuv ? [{ srtp: true, sendPath: 'libuv' } as const] : []),
      ...(options.plain ? [{ srtp: false, sendPath: 'io_uring' } as const] : []),
      ...(options.baseline ? ['relay' as const] : []),
    ];
    const sink = await ChildHandle.spawn<SinkApi, SinkReady>(new URL('./sink-process.ts', import.meta.url), {
      groups: kinds.length,
      socketsPerGroup: options.sinkSockets,
      // 4 MiB is the default net.core.rmem_max; larger asks are capped anyway.
      recvBufferBytes: 4 * 2 ** 20,
    } satisfies SinkConfig);
    closers.push(() => sink.close());

    const lanes: Lane[] = [];
    // mediasoup workers split the port range (one port per viewer).
    const share = portsPerWorker(options);
    let nextPort = options.rtcMinPort;
    for (const [group, kind] of kinds.entries()) {
      const latency = await LatencyReceiver.create();
      closers.push(() => latency.close());
      const sinkPorts = sink.ready.ports[group]!;
      let target: ForwardingTarget;
      if (kind === 'relay') {
        target = await RelayTarget.create(sinkPorts, latency.port);
      } else {
        const ports = { rtcMinPort: nextPort, rtcMaxPort: nextPort + share - 1 };
        nextPort += share;
        const mediasoup = await MediasoupTarget.create({ ...ports, sinkPorts, latencyPort: latency.port, ...kind });
        if (mediasoup.latencyViewerKeyBase64) latency.decryptSrtp(mediasoup.latencyViewerKeyBase64);
        target = mediasoup;
      }
      closers.push(() => target.close());
      lanes.push({ target, group, latency });
    }

    const unhealthyRun = new Map<TargetName, number>();
    let lastStepMs = 0;
    for (const viewers of options.steps) {
      const live = lanes.filter((l) => !stopped.has(l.target.name));
      if (live.length === 0) break;
      const estimateMs = Math.max(lastStepMs, live.length * (options.settleSeconds + options.stepSeconds) * 1000);
      if (performance.now() + estimateMs > deadline) {
        for (const l of live) stopped.set(l.target.name, 'time budget');
        log(`time budget of ${options.maxWallSeconds} s reached before ${viewers} viewers`);
        break;
      }
      const stepStarted = performance.now();
      for (const lane of live) {
        const { target } = lane;
        let step: StepResult | undefined;
        try {
          step = await measureStep(lane, viewers, sink, options);
        } catch (error) {
          // A dead worker fails its requests; anything else is a bench bug.
          if (!target.died) throw error;
        }
        if (!step || target.died) {
          target.generator.stop();
          stopped.set(target.name, 'forwarder died');
          log(`${target.name} died at ${viewers} viewers: ${target.died?.message ?? 'unknown'}`);
          continue;
        }
        steps.push(step);
        log(
          `${target.name} ${viewers} viewers: loss ${step.lossPct}% cpu ${step.forwarderCpuPct}% (kernel ${step.forwarderKernelCpuPct}%) ` +
            `${step.forwardedPerSec} pkts/s p95 ${step.latencyMs.p95 ?? '-'} ms (set-up ${step.setupMs} ms)`,
        );
        const run = step.healthy ? 0 : (unhealthyRun.get(target.name) ?? 0) + 1;
        unhealthyRun.set(target.name, run);
        if (run >= options.stopAfterUnhealthy) stopped.set(target.name, 'unhealthy');
      }
      lastStepMs = performance.now() - stepStarted;
    }
  } finally {
    for (const close of closers.reverse()) await close();
  }

  const finished = new Date();
  const summary = (name: TargetName) => summarizeTarget(name, steps, stopped.get(name) ?? 'all steps done');
  const mediasoup = summary('mediasoup');
  const ioUringVsLibuv = compareAtMatchedLoad(steps, 'mediasoup', 'mediasoup-libuv');
  const { outDir: _outDir, ...reportedOptions } = options;
  return {
    scenario: 'sfu',
    schemaVersion: 1,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSec: Math.round((finished.getTime() - started.getTime()) / 100) / 10,
    options: reportedOptions,
    machine,
    method: {
      publisher: 'synthetic RTP generator (Node), PlainTransport comedia, rtcp-mux; answers PLI/FIR with a key frame',
      video: `VP8 640x360 ${STREAM_PROFILE.videoFps} fps, <=${STREAM_PROFILE.videoMaxPayload} B payloads, key frame every ${STREAM_PROFILE.keyFrameIntervalMs} ms`,
      audio: `Opus ${STREAM_PROFILE.audioFrameMs} ms frames, ${STREAM_PROFILE.audioPayloadBytes} B payloads`,
      viewer: 'PlainTransport, SRTP AES_CM_128_HMAC_SHA1_80 (mediasoup-plain: no SRTP), audio + video consumer, into a Node UDP sink',
      sinks: `${options.sinkSockets} UDP sockets per target in one helper process, counting packets only`,
      loss: 'per step: the stream starts and stops inside the step (first frame a key frame); expected = published × viewers; received = RTP packets at the sinks after draining (max 3 s)',
      cpu: 'forwarder CPU time for the step (mediasoup worker getResourceUsage() ru_utime + ru_stime, or the relay process cpuUsage()), drain included, over publish time',
      perCore: 'packets received by all viewers (sinks + latency viewer) ÷ forwarder CPU seconds',
      latency:
        "one extra viewer like the target's others (SRTP where they have it: authenticated and decrypted with werift-rtp before reading); send time (hrtime ns) in the last 8 payload bytes; one-way publisher → SFU → viewer on one clock; loopback, no encoder/decoder/jitter buffer",
      baseline: 'plain Node UDP relay in its own process: one connected socket per viewer, no SRTP, no header rewriting',
      targets:
        'interleaved per step: mediasoup (SRTP, io_uring worker build), mediasoup-libuv (SRTP, libuv-only build), mediasoup-plain (io_uring build, SRTP off), node-relay; one worker/process each',
      workerBuilds: 'scripts/mediasoup/build-worker.sh: the same sources and libraries, built with and without -Dms_disable_liburing',
      healthy: 'loss < 1% and forwarder CPU < 90% of one core',
    },
    steps,
    summary: {
      mediasoup,
      mediasoupLibuv: options.libuv ? summary('mediasoup-libuv') : null,
      mediasoupPlain: options.plain ? summary('mediasoup-plain') : null,
      baseline: options.baseline ? summary('node-relay') : null,
      ratios: {
        mediasoupVsRelay: compareAtMatchedLoad(steps, 'mediasoup', 'node-relay'),
        mediasoupPlainVsRelay: compareAtMatchedLoad(steps, 'mediasoup-plain', 'node-relay'),
        mediasoupVsMediasoupPlain: compareAtMatchedLoad(steps, 'mediasoup', 'mediasoup-plain'),
        mediasoupVsLibuv: ioUringVsLibuv,
      },
      targets: TARGETS,
      met: {
        viewersPerWorker: mediasoup.carries >= TARGETS.viewersPerWorker,
        packetsPerSecPerCore: (mediasoup.forwardedPerCoreAtCarries ?? 0) >= TARGETS.packetsPerSecPerCore,
        latencyP95Ms: mediasoup.latencyP95MsAtCarries !== null && mediasoup.latencyP95MsAtCarries <= TARGETS.latencyP95Ms,
        ioUringGain: ioUringVsLibuv !== null && ioUringVsLibuv.ratio >= TARGETS.ioUringVsLibuv,
      },
    },
  };
}
