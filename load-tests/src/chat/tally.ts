import type { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpuFraction, type CpuSample } from '../sfu/ipc.js';
import { LatencyHistogram, summarizeHistogram } from './histogram.js';
import type { ChatBenchOptions } from './options.js';
import { round, SATURATED_CPU_PCT, type ModeName, type ModeResult } from './report.js';
import type { SenderStatus } from './sender-process.js';
import type { ViewerFinal, ViewerSnapshot } from './viewer-process.js';

/**
 * Turns what the bench read from its processes into a mode's figures: the
 * steady window between two marks (rates, CPU, latency), then the totals
 * after the drain (completeness, every latency, the per-second timeline).
 */

/** Everything read at one instant: the viewers' counters, the senders', and the api's CPU (this process). */
export type Mark = { viewers: ViewerSnapshot[]; sender: SenderStatus; apiCpu: NodeJS.CpuUsage; atNs: bigint };

export function modeResult(
  mode: ModeName,
  round: number,
  chatBatchMs: number,
  o: ChatBenchOptions,
  c: { inRoom: number; failed: number; connectSeconds: number; senders: number; broadcast: ModeResult['broadcast'] },
): ModeResult {
  return {
    mode,
    round,
    chatBatchMs,
    viewers: c.inRoom,
    connectFailures: c.failed,
    connectSeconds: c.connectSeconds,
    senders: c.senders,
    offeredPerSec: o.ratePerSecond,
    sent: 0,
    accepted: 0,
    refused: {},
    unackedAtEnd: 0,
    ackMsMean: null,
    window: {
      seconds: 0,
      deliveries: 0,
      deliveriesPerSec: 0,
      framesPerSec: 0,
      framesPerViewerPerSec: 0,
      messagesPerFrame: null,
      apiCpuPct: 0,
      apiKernelCpuPct: 0,
      apiCpuMicrosPerDelivery: null,
      viewerCpuPct: 0,
      busiestViewerCpuPct: 0,
      senderCpuPct: 0,
      apiLoopDelayMs: { p99: 0, max: 0 },
    },
    totals: {
      deliveries: 0,
      expected: 0,
      completePct: 0,
      perSocket: { min: 0, max: 0 },
      drainMs: 0,
      drainTimedOut: false,
      messageFrames: 0,
      batchFrames: 0,
    },
    broadcast: c.broadcast,
    latencyMs: summarizeHistogram([]),
    latencyAllMs: summarizeHistogram([]),
    fanoutLatencyMs: summarizeHistogram([]),
    timeline: [],
    viewerSaturated: false,
  };
}

export function fillWindow(r: ModeResult, a: Mark, b: Mark, loop: ReturnType<typeof monitorEventLoopDelay>): void {
  const seconds = Number(b.atNs - a.atNs) / 1e9;
  let deliveries = 0;
  let perSec = 0;
  let frames = 0;
  const viewerCpu: number[] = [];
  a.viewers.forEach((va, i) => {
    const vb = b.viewers[i]!;
    const dt = (vb.atMs - va.atMs) / 1000;
    const d = vb.deliveries - va.deliveries;
    deliveries += d;
    perSec += dt > 0 ? d / dt : 0;
    frames += vb.messageFrames + vb.batchFrames - va.messageFrames - va.batchFrames;
    viewerCpu.push(cpuFraction(va.cpu, vb.cpu) * 100);
  });
  const apiMicros = b.apiCpu.user + b.apiCpu.system - a.apiCpu.user - a.apiCpu.system;
  const apiSystemMicros = b.apiCpu.system - a.apiCpu.system;
  const cpuPct = (x: CpuSample, y: CpuSample) => round(cpuFraction(x, y) * 100);
  r.window = {
    seconds: round(seconds, 2),
    deliveries,
    deliveriesPerSec: Math.round(perSec),
    framesPerSec: Math.round(frames / seconds),
    framesPerViewerPerSec: r.viewers ? round(frames / seconds / r.viewers, 2) : 0,
    messagesPerFrame: frames ? round(deliveries / frames, 2) : null,
    apiCpuPct: round((apiMicros / (seconds * 1e6)) * 100),
    apiKernelCpuPct: round((apiSystemMicros / (seconds * 1e6)) * 100),
    apiCpuMicrosPerDelivery: deliveries ? round(apiMicros / deliveries, 3) : null,
    viewerCpuPct: round(viewerCpu.reduce((s, x) => s + x, 0)),
    busiestViewerCpuPct: round(Math.max(...viewerCpu)),
    senderCpuPct: cpuPct(a.sender.cpu, b.sender.cpu),
    apiLoopDelayMs: { p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6) },
  };
  r.viewerSaturated = r.window.busiestViewerCpuPct > SATURATED_CPU_PCT;
  r.latencyMs = summarizeHistogram(
    LatencyHistogram.merge(a.viewers.map((va, i) => LatencyHistogram.since(b.viewers[i]!.latency ?? [], va.latency ?? []))),
  );
  r.fanoutLatencyMs = summarizeHistogram(
    LatencyHistogram.merge(a.viewers.map((va, i) => LatencyHistogram.since(b.viewers[i]!.fanout ?? [], va.fanout ?? []))),
  );
}

export function fillTotals(r: ModeResult, finals: ViewerFinal[], s: SenderStatus, drainMs: number, drainTimedOut: boolean): void {
  r.sent = s.sent;
  r.accepted = s.accepted;
  r.refused = s.refused;
  r.unackedAtEnd = s.awaiting;
  r.ackMsMean = s.accepted ? round(s.ackMsSum / s.accepted) : null;
  const deliveries = finals.reduce((n, f) => n + f.deliveries, 0);
  const expected = s.accepted * r.viewers;
  r.totals = {
    deliveries,
    expected,
    completePct: expected ? round((deliveries / expected) * 100, 2) : 0,
    perSocket: { min: Math.min(...finals.map((f) => f.perSocket.min)), max: Math.max(...finals.map((f) => f.perSocket.max)) },
    drainMs,
    drainTimedOut,
    messageFrames: finals.reduce((n, f) => n + f.messageFrames, 0),
    batchFrames: finals.reduce((n, f) => n + f.batchFrames, 0),
  };
  r.latencyAllMs = summarizeHistogram(LatencyHistogram.merge(finals.map((f) => f.latency)));
  const seconds = new Map<number, { deliveries: number; sum: number; max: number }>();
  for (const f of finals)
    for (const t of f.timeline) {
      const acc = seconds.get(t.second) ?? { deliveries: 0, sum: 0, max: 0 };
      acc.deliveries += t.deliveries;
      acc.sum += t.latencySumMs;
      acc.max = Math.max(acc.max, t.latencyMaxMs);
      seconds.set(t.second, acc);
    }
  r.timeline = [...seconds.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([second, t]) => ({
      second,
      deliveries: t.deliveries,
      meanLatencyMs: t.deliveries ? round(t.sum / t.deliveries) : null,
      maxLatencyMs: t.deliveries ? t.max : null,
    }));
}
