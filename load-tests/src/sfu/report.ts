import os from 'node:os';
import { version as mediasoupVersion } from 'mediasoup';
import type { LatencySummary } from './measure.js';
import type { SfuOptions } from './options.js';
import type { ConsumerSample, TargetName } from './target.js';

/**
 * The issue's targets; the report says which were met. ioUringVsLibuv: the
 * io_uring build's SRTP packets/s per core ÷ the libuv build's (today's), at
 * the highest step both carried.
 */
export const TARGETS = { viewersPerWorker: 1000, packetsPerSecPerCore: 50_000, latencyP95Ms: 100, ioUringVsLibuv: 1.3 } as const;
/** "Carries a step" = loss below this and the forwarder's core below MAX_CPU_PCT. */
export const MAX_LOSS_PCT = 1;
export const MAX_CPU_PCT = 90;
/** Above this the bench itself was stalled: the step's latency includes the stall. */
export const NOISY_LOOP_DELAY_MS = 50;

export interface StepResult {
  target: TargetName;
  viewers: number;
  /** How long the publisher sent in this step (settle + hold). */
  windowSec: number;
  /** windowSec plus the time the forwarder needed to flush its backlog. */
  activeSec: number;
  /** Time to add this step's viewers (mediasoup: transports + consumers). */
  setupMs: number;
  /** RTP packets the publisher sent in the window (one viewer's worth). */
  publishedPackets: number;
  expectedPackets: number;
  receivedPackets: number;
  /** RTP bytes at the sinks; with SRTP each packet carries a 10-byte auth tag more. */
  receivedBytes: number;
  lossPct: number;
  /** Of the loss: datagrams the kernel dropped at the sinks' full buffers. */
  sinkKernelDrops: number | null;
  /**
   * Publisher packets the kernel dropped at the forwarder's full ingest socket:
   * the forwarder did not read its input in time (saturated or starved). Each
   * one is lost for every viewer.
   */
  ingestKernelDrops: number | null;
  /** The forwarder still had packets queued 3 s after the publisher stopped (they count as lost). */
  backlogTimedOut: boolean;
  /** RTP packets out of the forwarder per second (sinks + latency viewer). */
  forwardedPerSec: number;
  /** Forwarder process CPU over activeSec, % of one core. */
  forwarderCpuPct: number;
  /** Of forwarderCpuPct, the kernel's (absent in runs before it was recorded). */
  forwarderKernelCpuPct?: number;
  /** Packets forwarded ÷ forwarder CPU seconds; null when CPU was ~0. */
  forwardedPerCore: number | null;
  sinkCpuPct: number;
  /** The bench process itself: generator, latency viewer, mediasoup's Node side. */
  benchCpuPct: number;
  latencyMs: LatencySummary;
  /** SRTP packets the latency viewer could not authenticate (absent in runs before it decrypted). */
  latencyViewerRejected?: number;
  generatorStalls: number;
  /** Worst event-loop delay of the bench process (generator + latency viewer) in the step. */
  benchLoopDelayMaxMs: number;
  keyFrameRequests: number;
  /**
   * mediasoup's BWE probation padding seen at the sinks during the step (not
   * media, not counted; the sinks send no transport-cc feedback, so it keeps
   * probing, also between steps). Its CPU is part of the worker's.
   */
  probationPackets: number;
  consumerSample?: ConsumerSample[];
  healthy: boolean;
  /**
   * Why an unhealthy step failed: the forwarder's CPU; its ingest socket
   * overflowing or a backlog still queued after 3 s (it could not keep up,
   * often because it was starved of CPU on a shared machine); the sinks' own
   * buffers overflowing (the measuring side could not keep up: the step says
   * little about the forwarder); or other loss.
   */
  limitedBy: 'none' | 'forwarder cpu' | 'ingest overflow' | 'backlog > 3 s' | 'sink overflow' | 'loss';
}

export interface TargetSummary {
  target: TargetName;
  /** Highest step with loss < 1% and forwarder CPU < 90%; 0 if none. */
  carries: number;
  forwardedPerSecAtCarries: number | null;
  forwardedPerCoreAtCarries: number | null;
  cpuPctAtCarries: number | null;
  /** Of cpuPctAtCarries, the kernel's (absent in runs before it was recorded). */
  kernelCpuPctAtCarries?: number | null;
  latencyP95MsAtCarries: number | null;
  /**
   * Highest carried step whose latency p95 also meets the target. On a shared
   * machine a starved worker queues packets (latency) before its measured CPU
   * reaches 90%: the CPU it got is not the CPU it wanted.
   */
  carriesWithinLatencyTarget: number;
  highestStepRun: number;
  stoppedBecause: 'all steps done' | 'unhealthy' | 'time budget' | 'forwarder died';
}

export interface Ratio {
  viewers: number;
  ratio: number;
}

export interface SfuReport {
  scenario: 'sfu';
  schemaVersion: 1;
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  options: Omit<SfuOptions, 'outDir'>;
  machine: {
    cpus: number;
    cpuModel: string;
    totalMemMb: number;
    loadAvgAtStart: number[];
    node: string;
    mediasoup: string;
    platform: string;
    kernel: string;
  };
  method: Record<string, string | number>;
  steps: StepResult[];
  summary: {
    /** The benchmark: viewers with SRTP (io_uring build since it exists). */
    mediasoup: TargetSummary;
    /** The same on the libuv-only build (absent in runs before there were two builds). */
    mediasoupLibuv?: TargetSummary | null;
    /** The same worker set-up without SRTP (what SRTP costs). */
    mediasoupPlain: TargetSummary | null;
    /** The plain Node relay (no SRTP). */
    baseline: TargetSummary | null;
    /** Packets/s per core of the first ÷ the second, at the highest step both carried. */
    ratios: {
      mediasoupVsRelay: Ratio | null;
      mediasoupPlainVsRelay: Ratio | null;
      mediasoupVsMediasoupPlain: Ratio | null;
      mediasoupVsLibuv?: Ratio | null;
    };
    /** Older runs: without ioUringVsLibuv, and an 800-viewer target. */
    targets: Omit<typeof TARGETS, 'ioUringVsLibuv' | 'viewersPerWorker'> & { viewersPerWorker: number; ioUringVsLibuv?: number };
    met: { viewersPerWorker: boolean; packetsPerSecPerCore: boolean; latencyP95Ms: boolean; ioUringGain?: boolean };
  };
}

export function machineInfo(): SfuReport['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemMb: Math.round(os.totalmem() / 2 ** 20),
    loadAvgAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
    node: process.version,
    mediasoup: mediasoupVersion,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
  };
}

type Verdict = Pick<
  StepResult,
  | 'viewers'
  | 'lossPct'
  | 'forwarderCpuPct'
  | 'expectedPackets'
  | 'receivedPackets'
  | 'sinkKernelDrops'
  | 'ingestKernelDrops'
  | 'backlogTimedOut'
>;

export function verdict(step: Verdict): Pick<StepResult, 'healthy' | 'limitedBy'> {
  if (step.lossPct < MAX_LOSS_PCT && step.forwarderCpuPct < MAX_CPU_PCT) return { healthy: true, limitedBy: 'none' };
  if (step.forwarderCpuPct >= MAX_CPU_PCT) return { healthy: false, limitedBy: 'forwarder cpu' };
  const missing = step.expectedPackets - step.receivedPackets;
  const explains = (lost: number) => missing > 0 && lost >= missing / 2;
  // One publisher packet dropped at ingest is lost for every viewer.
  if (explains((step.ingestKernelDrops ?? 0) * step.viewers)) return { healthy: false, limitedBy: 'ingest overflow' };
  if (step.backlogTimedOut) return { healthy: false, limitedBy: 'backlog > 3 s' };
  if (explains(step.sinkKernelDrops ?? 0)) return { healthy: false, limitedBy: 'sink overflow' };
  return { healthy: false, limitedBy: 'loss' };
}

export function summarizeTarget(target: TargetName, steps: StepResult[], stoppedBecause: TargetSummary['stoppedBecause']): TargetSummary {
  const mine = steps.filter((s) => s.target === target);
  const best = mine.filter((s) => s.healthy).at(-1);
  return {
    target,
    carries: best?.viewers ?? 0,
    forwardedPerSecAtCarries: best ? Math.round(best.forwardedPerSec) : null,
    forwardedPerCoreAtCarries: best?.forwardedPerCore ?? null,
    cpuPctAtCarries: best?.forwarderCpuPct ?? null,
    kernelCpuPctAtCarries: best?.forwarderKernelCpuPct ?? null,
    latencyP95MsAtCarries: best?.latencyMs.p95 ?? null,
    carriesWithinLatencyTarget:
      mine.filter((s) => s.healthy && s.latencyMs.p95 !== null && s.latencyMs.p95 <= TARGETS.latencyP95Ms).at(-1)?.viewers ?? 0,
    highestStepRun: mine.at(-1)?.viewers ?? 0,
    stoppedBecause,
  };
}

/** Per-core efficiency of `a` over `b` at equal load: the highest viewer count both carried. */
export function compareAtMatchedLoad(steps: StepResult[], a: TargetName, b: TargetName): Ratio | null {
  const base = new Map(steps.filter((s) => s.target === b && s.healthy).map((s) => [s.viewers, s]));
  const matched = steps.filter((s) => s.target === a && s.healthy && base.has(s.viewers)).at(-1);
  const other = matched && base.get(matched.viewers);
  if (!matched?.forwardedPerCore || !other?.forwardedPerCore) return null;
  return { viewers: matched.viewers, ratio: Math.round((matched.forwardedPerCore / other.forwardedPerCore) * 100) / 100 };
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
const fmt = (n: number | null, digits = 0) => (n === null ? '-' : n.toFixed(digits));

/** The CLI summary: one line per step and target, then the verdict. */
export function formatTable(report: SfuReport): string {
  const head = `${'target'.padEnd(16)}${pad('viewers', 8)}${pad('loss%', 8)}${pad('cpu%', 7)}${pad('pkts/s', 9)}${pad('pkts/s/core', 12)}${pad('p50ms', 8)}${pad('p95ms', 8)}${pad('p99ms', 8)}${pad('sink%', 7)} ok`;
  const note = (s: StepResult) => (s.benchLoopDelayMaxMs > NOISY_LOOP_DELAY_MS ? ' *' : '');
  const rows = report.steps.map(
    (s) =>
      `${s.target.padEnd(16)}${pad(s.viewers, 8)}${pad(s.lossPct.toFixed(2), 8)}${pad(s.forwarderCpuPct.toFixed(0), 7)}${pad(Math.round(s.forwardedPerSec), 9)}${pad(fmt(s.forwardedPerCore), 12)}${pad(fmt(s.latencyMs.p50, 2), 8)}${pad(fmt(s.latencyMs.p95, 2), 8)}${pad(fmt(s.latencyMs.p99, 2), 8)}${pad(s.sinkCpuPct.toFixed(0), 7)} ${s.healthy ? 'yes' : `NO (${s.limitedBy})`}${note(s)}`,
  );
  const { mediasoup: m, mediasoupLibuv: u, mediasoupPlain: p, baseline: b, ratios: r, met } = report.summary;
  const ratio = (label: string, x: Ratio | null) =>
    `${label}: ${x ? `${x.ratio}× (at ${x.viewers} viewers)` : 'n/a (no step carried by both)'}`;
  const verdict = [
    `mediasoup (SRTP) carries ${m.carries} viewers/worker (target ${TARGETS.viewersPerWorker}: ${met.viewersPerWorker ? 'met' : 'NOT met'}; stopped: ${m.stoppedBecause})`,
    `  ${fmt(m.forwardedPerCoreAtCarries)} packets/s per core at that step (target ${TARGETS.packetsPerSecPerCore}: ${met.packetsPerSecPerCore ? 'met' : 'NOT met'})`,
    `  forwarding latency p95 ${fmt(m.latencyP95MsAtCarries, 2)} ms on loopback (target ${TARGETS.latencyP95Ms}: ${met.latencyP95Ms ? 'met' : 'NOT met'})`,
    `  ${m.carriesWithinLatencyTarget} viewers with p95 <= ${TARGETS.latencyP95Ms} ms as well`,
    u
      ? `mediasoup (SRTP) on the libuv build carries ${u.carries} viewers, ${fmt(u.forwardedPerCoreAtCarries)} packets/s per core`
      : 'mediasoup on the libuv build: not run',
    p
      ? `mediasoup without SRTP carries ${p.carries} viewers, ${fmt(p.forwardedPerCoreAtCarries)} packets/s per core`
      : 'mediasoup without SRTP: not run',
    b
      ? `plain Node relay (no SRTP) carries ${b.carries} viewers, ${fmt(b.forwardedPerCoreAtCarries)} packets/s per core`
      : 'plain Node relay: not run',
    'packets/s per core, ratio at the highest step both carried:',
    ratio('  mediasoup (SRTP) ÷ Node relay', r.mediasoupVsRelay),
    ratio('  mediasoup without SRTP ÷ Node relay (like for like)', r.mediasoupPlainVsRelay),
    ratio('  mediasoup with SRTP ÷ without SRTP', r.mediasoupVsMediasoupPlain),
    `${ratio('  io_uring build ÷ libuv build (SRTP)', r.mediasoupVsLibuv ?? null)} (target ${TARGETS.ioUringVsLibuv}×: ${met.ioUringGain ? 'met' : 'NOT met'})`,
  ];
  const stalled = report.steps.some((s) => s.benchLoopDelayMaxMs > NOISY_LOOP_DELAY_MS)
    ? [`* the bench process itself stalled > ${NOISY_LOOP_DELAY_MS} ms in this step (busy machine): its latency includes that stall`]
    : [];
  return [head, ...rows, ...stalled, '', ...verdict].join('\n');
}
