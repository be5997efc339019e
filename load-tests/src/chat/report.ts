import { machineLine, type MachineRecord } from '../report/machine.js';
import type { LatencySummary } from './histogram.js';
import type { ChatBenchOptions } from './options.js';

/** The targets; the report says which were met. */
export const TARGETS = { ratioVsNaive: 3, p99Ms: 250 } as const;
/** A viewer process above this share of a core was the bottleneck: the mode's figures are a floor. */
export const SATURATED_CPU_PCT = 90;

export type ModeName = 'batched' | 'naive';

export interface ModeResult {
  mode: ModeName;
  chatBatchMs: number;
  /** Viewer sockets connected and in the room. */
  viewers: number;
  connectFailures: number;
  connectSeconds: number;
  senders: number;
  offeredPerSec: number;
  /** Everything the senders sent (whole send time), and what the api acked. */
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  unackedAtEnd: number;
  /** Mean time from send to accepted ack: the server's queue as the sender sees it. */
  ackMsMean: number | null;
  /** The steady window: send time minus the warm-up. */
  window: {
    seconds: number;
    deliveries: number;
    deliveriesPerSec: number;
    /** WebSocket frames with chat in them, all viewers. */
    framesPerSec: number;
    framesPerViewerPerSec: number;
    messagesPerFrame: number | null;
    /** api process CPU (% of one core) and its cost per delivered message. */
    apiCpuPct: number;
    /** Of apiCpuPct, time in the kernel (socket writes on loopback). */
    apiKernelCpuPct: number;
    apiCpuMicrosPerDelivery: number | null;
    /** Sum over the viewer processes, and the busiest one. */
    viewerCpuPct: number;
    busiestViewerCpuPct: number;
    senderCpuPct: number;
    apiLoopDelayMs: { p99: number; max: number };
  };
  /** After the senders stopped and the drain ended. */
  totals: {
    deliveries: number;
    /** accepted × viewers: what complete delivery is. */
    expected: number;
    completePct: number;
    perSocket: { min: number; max: number };
    drainMs: number;
    drainTimedOut: boolean;
    messageFrames: number;
    batchFrames: number;
  };
  /** One emit to the whole room (before sending): the fixed cost of one frame per viewer. */
  broadcast: { cpuMs: number; wallMs: number; cpuMicrosPerViewer: number };
  /** Deliveries that arrived in the steady window. */
  latencyMs: LatencySummary;
  /** Every delivery the viewers saw: ramp-in, window and drain. */
  latencyAllMs: LatencySummary;
  /** The fan-out part of latencyMs: from the insert (createdAt) to the viewer, in the window. */
  fanoutLatencyMs: LatencySummary;
  timeline: { second: number; deliveries: number; meanLatencyMs: number | null; maxLatencyMs: number | null }[];
  /** The viewers' CPU, not the api's, capped the figures. */
  viewerSaturated: boolean;
}

export interface ChatReport {
  scenario: 'chat';
  schemaVersion: 1;
  startedAt: string;
  machine: MachineRecord;
  options: Omit<ChatBenchOptions, 'adminUrl' | 'redisUrl' | 'outDir'>;
  /** Per-message deflate on the api's engine.io (false: off) and what the clients negotiated ('' = none). */
  wire: { perMessageDeflate: boolean; negotiatedExtensions: string | null };
  modes: ModeResult[];
  summary: {
    deliveriesPerSec: Record<ModeName, number | null>;
    /** batched ÷ naive deliveries per second. */
    ratio: number | null;
    p99Ms: Record<ModeName, number | null>;
    apiCpuMicrosPerDelivery: Record<ModeName, number | null>;
    targets: typeof TARGETS;
    met: { ratio: boolean; p99: boolean };
  };
}

export function summarize(modes: ModeResult[]): ChatReport['summary'] {
  const pick = <T>(name: ModeName, f: (m: ModeResult) => T): T | null => {
    const m = modes.find((x) => x.mode === name);
    return m ? f(m) : null;
  };
  const batched = pick('batched', (m) => m.window.deliveriesPerSec);
  const naive = pick('naive', (m) => m.window.deliveriesPerSec);
  const ratio = batched !== null && naive ? round(batched / naive, 2) : null;
  const p99 = pick('batched', (m) => m.latencyMs.p99);
  return {
    deliveriesPerSec: { batched, naive },
    ratio,
    p99Ms: { batched: p99, naive: pick('naive', (m) => m.latencyMs.p99) },
    apiCpuMicrosPerDelivery: {
      batched: pick('batched', (m) => m.window.apiCpuMicrosPerDelivery),
      naive: pick('naive', (m) => m.window.apiCpuMicrosPerDelivery),
    },
    targets: TARGETS,
    met: { ratio: ratio !== null && ratio >= TARGETS.ratioVsNaive, p99: p99 !== null && p99 <= TARGETS.p99Ms },
  };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

const k = (n: number | null) => (n === null ? '—' : n >= 10_000 ? `${round(n / 1000, 1)}k` : String(round(n, 1)));

/** The terminal table: one row per mode, then the verdict. */
export function formatReport(r: ChatReport): string {
  const rows = [
    [
      'mode',
      'viewers',
      'offered/s',
      'accepted',
      'deliveries/s',
      'frames/viewer/s',
      'p50',
      'p95',
      'p99 ms',
      'p99 all',
      'fan-out p99',
      'send→ack',
      'complete',
      'api µs/delivery',
      'api cpu (kernel)',
      'viewers cpu',
    ],
    ...r.modes.map((m) => [
      `${m.mode} (${m.chatBatchMs} ms)`,
      String(m.viewers),
      String(m.offeredPerSec),
      `${m.accepted}/${m.sent}`,
      k(m.window.deliveriesPerSec),
      k(m.window.framesPerViewerPerSec),
      k(m.latencyMs.p50),
      k(m.latencyMs.p95),
      k(m.latencyMs.p99),
      k(m.latencyAllMs.p99),
      k(m.fanoutLatencyMs.p99),
      k(m.ackMsMean),
      `${m.totals.completePct}%${m.totals.drainTimedOut ? ' (drain timed out)' : ''}`,
      k(m.window.apiCpuMicrosPerDelivery),
      `${m.window.apiCpuPct}% (${m.window.apiKernelCpuPct}%)`,
      `${m.window.viewerCpuPct}%${m.viewerSaturated ? ' (saturated)' : ''}`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const table = rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
  const s = r.summary;
  const verdict = [
    `batched ÷ naive deliveries/s: ${s.ratio ?? '—'}× (target ≥ ${s.targets.ratioVsNaive}×: ${s.met.ratio ? 'met' : 'NOT met'})`,
    `batched p99 delivery latency: ${s.p99Ms.batched ?? '—'} ms (target ≤ ${s.targets.p99Ms} ms: ${s.met.p99 ? 'met' : 'NOT met'})`,
    `per-message deflate: ${r.wire.perMessageDeflate ? 'ON' : 'off'} (negotiated: '${r.wire.negotiatedExtensions ?? '?'}'); ${machineLine(r.machine)}`,
  ];
  return `${table}\n\n${verdict.join('\n')}`;
}
