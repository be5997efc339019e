import { spread, type Spread } from '../report/stats.js';
import { MODES, round, TARGETS, type AudienceSweep, type ChatReport, type ModeName, type ModeResult, type ModeSummary } from './report.js';

/** How the runs were made, written into every results file. */
export const METHOD: Record<string, string> = {
  room: 'One live room; N viewer sockets (lean Engine.IO clients in child processes) join it; logged-in senders in their own process offer a fixed rate through the real chat:send path (auth, checks, the per-user token bucket, the insert, the fan-out), open loop.',
  modes:
    'batched: CHAT_BATCH_MS (default 100), a busy room gets at most one chat:batch per window; naive: CHAT_BATCH_MS=0, one chat:message per message per viewer; floor: a plain ws server in the same process (no Socket.IO, no database) that answers chat:send at once and feeds the messages through the same ChatFanout windows, so it writes the same frames at the same times, each encoded once and written to every viewer socket as one buffer.',
  vsFloor:
    "vsFloor: the batched mode's CPU per delivery (this process: the api node, or the floor server, plus the bench's own polling) ÷ the floor's, the medians' and each round's.",
  runs: 'Every run starts a fresh api node (or floor server) (in the bench process, so its CPU is measured there) on the same database and Redis, with its own stream and its own senders (the token buckets start full); the viewer and sender processes stay up for the whole bench.',
  audiences:
    'After the main rounds, each smaller room (options.audiences) runs the same number of rounds with the batched mode and the floor, rotated the same way: p99 by audience. The p99 target is judged at TARGETS.p99AtViewers.',
  rounds:
    'Each round runs every mode once, in rotated order (round 1 batched, naive, floor; round 2 naive, floor, batched; …); medians with min/max over the rounds. The verdicts are on the medians; metEveryRound says whether every single round met them too.',
  window:
    'Figures are measured between two marks (the send time minus the warm-up); latency is send → received with the send time stamped in the text (same machine, no clock sync); complete % counts every delivery after the drain.',
};

const one = (n: number) => round(n, 1);
const two = (n: number) => round(n, 2);

/** Spread of a figure every run has, or null when a run lacks it (no deliveries in the window). */
function of(runs: ModeResult[], pick: (r: ModeResult) => number | null, r: (n: number) => number = one): Spread | null {
  const xs = runs.map(pick);
  return xs.some((x) => x === null) ? null : spread(xs as number[], r);
}

function all(runs: ModeResult[], pick: (r: ModeResult) => number, r: (n: number) => number = one): Spread {
  return spread(runs.map(pick), r);
}

export function summarizeMode(mode: ModeName, runs: ModeResult[]): ModeSummary {
  return {
    mode,
    chatBatchMs: runs[0]!.chatBatchMs,
    runs: runs.length,
    viewers: all(runs, (r) => r.viewers, Math.round),
    connectSeconds: all(runs, (r) => r.connectSeconds),
    deliveriesPerSec: all(runs, (r) => r.window.deliveriesPerSec, Math.round),
    framesPerViewerPerSec: all(runs, (r) => r.window.framesPerViewerPerSec, two),
    messagesPerFrame: of(runs, (r) => r.window.messagesPerFrame, two),
    p50Ms: of(runs, (r) => r.latencyMs.p50),
    p95Ms: of(runs, (r) => r.latencyMs.p95),
    p99Ms: of(runs, (r) => r.latencyMs.p99),
    p99AllMs: of(runs, (r) => r.latencyAllMs.p99),
    fanoutP99Ms: of(runs, (r) => r.fanoutLatencyMs.p99),
    ackMsMean: of(runs, (r) => r.ackMsMean),
    apiCpuMicrosPerDelivery: of(
      runs,
      (r) => r.window.apiCpuMicrosPerDelivery,
      (n) => round(n, 3),
    ),
    apiCpuPct: all(runs, (r) => r.window.apiCpuPct),
    apiKernelCpuPct: all(runs, (r) => r.window.apiKernelCpuPct),
    viewerCpuPct: all(runs, (r) => r.window.viewerCpuPct),
    completePct: all(runs, (r) => r.totals.completePct, two),
    broadcastCpuMs: all(runs, (r) => r.broadcast.cpuMs),
    broadcastCpuMicrosPerViewer: all(runs, (r) => r.broadcast.cpuMicrosPerViewer, two),
    drainTimedOutRuns: runs.filter((r) => r.totals.drainTimedOut).length,
    viewerSaturatedRuns: runs.filter((r) => r.viewerSaturated).length,
  };
}

/** Medians of each mode that ran. */
export function summarizeModes(runs: ModeResult[]): ModeSummary[] {
  return MODES.flatMap((mode) => {
    const mine = runs.filter((r) => r.mode === mode);
    return mine.length ? [summarizeMode(mode, mine)] : [];
  });
}

/**
 * Medians per mode, the batched ÷ naive ratio of the medians and of each
 * round, p99 by room size, and the targets judged on the medians (p99 at
 * TARGETS.p99AtViewers where a room of that size ran, else the main room).
 */
export function summarize(
  runs: ModeResult[],
  audiences: AudienceSweep[] = [],
  viewers = runs[0]?.viewers ?? 0,
): Pick<ChatReport, 'modes' | 'summary'> {
  const modes = summarizeModes(runs);
  const byMode = (mode: ModeName) => modes.find((m) => m.mode === mode);
  const pick = (f: (m: ModeSummary) => Spread | null) =>
    Object.fromEntries(MODES.map((mode) => [mode, byMode(mode) ? (f(byMode(mode)!)?.median ?? null) : null])) as Record<
      ModeName,
      number | null
    >;
  const deliveriesPerSec = pick((m) => m.deliveriesPerSec);
  const p99Ms = pick((m) => m.p99Ms);
  const ratio = deliveriesPerSec.batched !== null && deliveriesPerSec.naive ? two(deliveriesPerSec.batched / deliveriesPerSec.naive) : null;
  const rounds = [...new Set(runs.map((r) => r.round))];
  /** a ÷ b of one figure in each round that ran both modes. */
  const byRound = (a: ModeName, b: ModeName, f: (r: ModeResult) => number | null) =>
    rounds.flatMap((n) => {
      const x = runs.find((r) => r.round === n && r.mode === a);
      const y = runs.find((r) => r.round === n && r.mode === b);
      const [fx, fy] = [x && f(x), y && f(y)];
      return typeof fx === 'number' && typeof fy === 'number' && fy > 0 ? [fx / fy] : [];
    });
  const perRound = byRound('batched', 'naive', (r) => r.window.deliveriesPerSec);
  const rooms = [{ viewers, runs, modes }, ...audiences].sort((a, b) => a.viewers - b.viewers);
  const p99Of = (room: { modes: ModeSummary[] }, mode: ModeName) => room.modes.find((m) => m.mode === mode)?.p99Ms ?? null;
  const p99ByAudience = rooms.map((room) => ({ viewers: room.viewers, batched: p99Of(room, 'batched'), floor: p99Of(room, 'floor') }));
  const judged = audiences.find((a) => a.viewers === TARGETS.p99AtViewers) ?? { runs, modes };
  const judgedP99 = p99Of(judged, 'batched')?.median ?? null;
  const batchedP99 = judged.runs.filter((r) => r.mode === 'batched').map((r) => r.latencyMs.p99);
  const cost = pick((m) => m.apiCpuMicrosPerDelivery);
  const hasFloor = runs.some((r) => r.mode === 'floor');
  const vsFloor = cost.batched !== null && cost.floor ? two(cost.batched / cost.floor) : null;
  const floorRounds = byRound('batched', 'floor', (r) => r.window.apiCpuMicrosPerDelivery);
  return {
    modes,
    summary: {
      deliveriesPerSec,
      ratio,
      ratioByRound: perRound.length ? spread(perRound, two) : null,
      p99Ms,
      p99ByAudience,
      apiCpuMicrosPerDelivery: cost,
      vsFloor,
      vsFloorByRound: floorRounds.length ? spread(floorRounds, two) : null,
      targets: TARGETS,
      met: {
        ratio: ratio !== null && ratio >= TARGETS.ratioVsNaive,
        p99: judgedP99 !== null && judgedP99 <= TARGETS.p99Ms,
        floor: hasFloor ? vsFloor !== null && vsFloor <= TARGETS.perDeliveryVsFloor : null,
      },
      metEveryRound: {
        ratio: perRound.length > 0 && perRound.length === rounds.length && perRound.every((x) => x >= TARGETS.ratioVsNaive),
        p99: batchedP99.length > 0 && batchedP99.every((x) => x !== null && x <= TARGETS.p99Ms),
        floor: hasFloor ? floorRounds.length === rounds.length && floorRounds.every((x) => x <= TARGETS.perDeliveryVsFloor) : null,
      },
    },
  };
}

/** The modes of round `n` (1-based): the list rotated by n − 1, so each mode runs first as often as the others. */
export function roundOrder<T>(modes: readonly T[], n: number): T[] {
  const k = (n - 1) % modes.length;
  return [...modes.slice(k), ...modes.slice(0, k)];
}
