import { machineLine, type MachineRecord } from '../report/machine.js';
import type { LatencySummary } from './histogram.js';
import type { ChatBenchOptions } from './options.js';
import type { Spread } from '../report/stats.js';

/** The issue's targets; the report says which were met. p99Ms is judged at p99AtViewers (the main room's p99 when no run had that many). */
export const TARGETS = { ratioVsNaive: 3, p99Ms: 250, p99AtViewers: 5_000, perDeliveryVsFloor: 1.5 } as const;
/** A viewer process above this share of a core was the bottleneck: the mode's figures are a floor. */
export const SATURATED_CPU_PCT = 90;

/** batched and naive are Hawker's api node (CHAT_BATCH_MS and 0); floor is a plain ws server writing the same frames (targets.ts). */
export type ModeName = 'batched' | 'naive' | 'floor';
export const MODES: readonly ModeName[] = ['batched', 'naive', 'floor'];
export const modesOf = (o: Pick<ChatBenchOptions, 'floor'>): ModeName[] => MODES.filter((m) => m !== 'floor' || o.floor);

export interface ModeResult {
  mode: ModeName;
  /** 1-based; within a round the modes run in rotated order. */
  round: number;
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

/** Figures of one mode over its runs: medians with min/max (`null`: a run had no such figure). */
export interface ModeSummary {
  mode: ModeName;
  chatBatchMs: number;
  runs: number;
  viewers: Spread;
  connectSeconds: Spread;
  deliveriesPerSec: Spread;
  framesPerViewerPerSec: Spread;
  messagesPerFrame: Spread | null;
  p50Ms: Spread | null;
  p95Ms: Spread | null;
  p99Ms: Spread | null;
  /** p99 of every delivery (ramp-in, window and drain). */
  p99AllMs: Spread | null;
  fanoutP99Ms: Spread | null;
  ackMsMean: Spread | null;
  apiCpuMicrosPerDelivery: Spread | null;
  apiCpuPct: Spread;
  apiKernelCpuPct: Spread;
  viewerCpuPct: Spread;
  completePct: Spread;
  broadcastCpuMs: Spread;
  broadcastCpuMicrosPerViewer: Spread;
  /** Runs whose drain ran out of time, and whose viewer processes were saturated. */
  drainTimedOutRuns: number;
  viewerSaturatedRuns: number;
}

export interface ChatReport {
  scenario: 'chat';
  /** 2: rotated rounds (`runs`, one per mode per round) and medians per mode (`modes`). */
  schemaVersion: 2;
  startedAt: string;
  machine: MachineRecord;
  options: Omit<ChatBenchOptions, 'adminUrl' | 'redisUrl' | 'outDir'>;
  method: Record<string, string>;
  /** Per-message deflate on the api's engine.io (false: off) and what the clients negotiated ('' = none). */
  wire: { perMessageDeflate: boolean; negotiatedExtensions: string | null };
  /** Every run, in the order they ran. */
  runs: ModeResult[];
  modes: ModeSummary[];
  /** The smaller rooms, run after the main rounds (absent in runs before there were any). */
  audiences?: AudienceSweep[];
  summary: {
    /** Medians over the rounds. */
    deliveriesPerSec: Record<ModeName, number | null>;
    /** Median batched ÷ median naive deliveries per second. */
    ratio: number | null;
    /** batched ÷ naive deliveries per second of each round. */
    ratioByRound: Spread | null;
    p99Ms: Record<ModeName, number | null>;
    /** Every room size run, the main one included, ascending: batched and floor p99 over the rounds. */
    p99ByAudience?: { viewers: number; batched: Spread | null; floor: Spread | null }[];
    apiCpuMicrosPerDelivery: Record<ModeName, number | null>;
    /** Batched CPU per delivery ÷ the floor's: the medians', and each round's (null: no floor run). */
    vsFloor: number | null;
    vsFloorByRound: Spread | null;
    /** Older runs: no p99AtViewers (p99 judged on the main room). */
    targets: Omit<typeof TARGETS, 'p99AtViewers'> & { p99AtViewers?: number };
    /** On the medians. */
    met: { ratio: boolean; p99: boolean; floor: boolean | null };
    metEveryRound: { ratio: boolean; p99: boolean; floor: boolean | null };
  };
}

/** One smaller room: the same rotated rounds, batched and floor. */
export interface AudienceSweep {
  viewers: number;
  runs: ModeResult[];
  modes: ModeSummary[];
}

/** The format before rotated rounds (schemaVersion 1): one run per mode, batched always first. */
export interface ChatReportV1 extends Omit<ChatReport, 'schemaVersion' | 'options' | 'method' | 'runs' | 'modes' | 'summary'> {
  schemaVersion: 1;
  options: Omit<ChatReport['options'], 'rounds'>;
  modes: Omit<ModeResult, 'round'>[];
  summary: Omit<ChatReport['summary'], 'ratioByRound' | 'metEveryRound' | 'vsFloor' | 'vsFloorByRound' | 'targets' | 'met'> & {
    targets: Omit<typeof TARGETS, 'perDeliveryVsFloor'>;
    met: { ratio: boolean; p99: boolean };
  };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

const k = (n: number | null) => (n === null ? '—' : n >= 10_000 ? `${round(n / 1000, 1)}k` : String(round(n, 1)));

/** `median [min–max]`, or the median alone when every run gave the same. */
const sp = (x: Spread | null, f: (n: number) => string = k) =>
  x === null ? '—' : x.min === x.max ? f(x.median) : `${f(x.median)} [${f(x.min)}–${f(x.max)}]`;

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

/** One line per run (in the order they ran), then the medians per mode, then the verdicts on the medians. */
export function formatReport(r: ChatReport): string {
  const runs = columns([
    [
      'round',
      'mode',
      'viewers',
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
    ...r.runs.map((m) => [
      String(m.round),
      `${m.mode} (${m.chatBatchMs} ms)`,
      String(m.viewers),
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
  ]);
  const medians = columns([
    ['mode', 'deliveries/s', 'p50', 'p99 ms', 'send→ack', 'api µs/delivery', 'api cpu %', 'complete %'],
    ...r.modes.map((m) => [
      `${m.mode} (${m.chatBatchMs} ms)`,
      sp(m.deliveriesPerSec),
      sp(m.p50Ms),
      sp(m.p99Ms),
      sp(m.ackMsMean),
      sp(m.apiCpuMicrosPerDelivery),
      sp(m.apiCpuPct),
      sp(m.completePct),
    ]),
  ]);
  const s = r.summary;
  const judged = s.p99ByAudience?.find((a) => a.viewers === s.targets.p99AtViewers);
  const verdict = (ok: boolean, everyRound: boolean) => (ok ? `met${everyRound ? '' : ', not in every round'}` : 'NOT met');
  const lines = [
    `batched ÷ naive deliveries/s (medians): ${s.ratio ?? '—'}×, by round ${sp(s.ratioByRound, (n) => `${n}×`)} (target ≥ ${s.targets.ratioVsNaive}×: ${verdict(s.met.ratio, s.metEveryRound.ratio)})`,
    `batched p99 delivery latency (median): ${s.p99Ms.batched ?? '—'} ms${judged ? `; at ${judged.viewers} viewers ${judged.batched?.median ?? '—'} ms` : ''} (target ≤ ${s.targets.p99Ms} ms${judged ? ` at ${judged.viewers}` : ''}: ${verdict(s.met.p99, s.metEveryRound.p99)})`,
    ...(s.p99ByAudience && s.p99ByAudience.length > 1
      ? [
          `p99 by room size (batched / floor): ${s.p99ByAudience.map((a) => `${a.viewers}: ${sp(a.batched)} / ${sp(a.floor)} ms`).join('; ')}`,
        ]
      : []),
    s.met.floor === null
      ? 'raw floor: not run (--no-floor)'
      : `batched CPU per delivery ÷ the raw ws floor's (medians): ${s.vsFloor ?? '—'}×, by round ${sp(s.vsFloorByRound, (n) => `${n}×`)} (target ≤ ${s.targets.perDeliveryVsFloor}×: ${verdict(s.met.floor, s.metEveryRound.floor ?? false)})`,
    `per-message deflate: ${r.wire.perMessageDeflate ? 'ON' : 'off'} (negotiated: '${r.wire.negotiatedExtensions ?? '?'}'); ${machineLine(r.machine)}`,
  ];
  return `${runs}\n\nmedians [min–max] over ${r.options.rounds} rounds:\n${medians}\n\n${lines.join('\n')}`;
}
