import type { LatencySummary, SparseHistogram } from '../chat/histogram.js';
import { LatencyHistogram, summarizeHistogram } from '../chat/histogram.js';
import type { MeasuredCode } from '../report/code.js';
import type { MachineRecord } from '../report/machine.js';
import { spread, type Spread } from '../report/stats.js';
import { cpuFraction } from '../sfu/ipc.js';
import type { RushResult } from './buyer-process.js';
import type { DealBenchOptions } from './run.js';

/** What `bench -- deal` reports: each run, the medians and spread per mode, and the targets of issue 12. */

export type DealMode = 'hawker' | 'naive';

export type DealModeResult = {
  mode: DealMode;
  round: number;
  /** Seconds for every buyer to connect (handshake with the session cookie) and join the room (the snapshot). */
  joinSeconds: number;
  attempts: number;
  acked: number;
  lost: number;
  codes: Record<string, number>;
  /** Attempts answered per second: attempts / (last ack − first press). */
  attemptsPerSecond: number;
  /** Seconds from the first press to the last ack. */
  seconds: number;
  ackLatencyMs: LatencySummary;
  /** The whole ack-latency histogram, merged over rounds for the chart. */
  ackLatency: SparseHistogram;
  /** Hawker: reservations followed to their outcome on the buyer channel (press → paid or failed). */
  outcomes: { paid: number; failed: number; latencyMs: LatencySummary } | null;
  sold: number;
  oversold: number;
  overLimitBuyers: number;
  ledgerProblems: number | null;
  pushedFrames: number;
  pushedByEvent: Record<string, number>;
  buyerCpuCores: number;
};

export type DealModeSummary = {
  mode: DealMode;
  attemptsPerSecond: Spread;
  ackP50Ms: Spread;
  ackP99Ms: Spread;
  joinSeconds: Spread;
  /** Hawker: the slowest press → payment outcome of each round. */
  outcomeMaxMs: Spread | null;
  ackLatencyCdf: [number, number][];
};

export const TARGETS = {
  ackP99Ms: 500,
  ratio: 3,
  joinSeconds: 10,
  settledWithinMs: 30_000,
} as const;

export type DealReport = {
  scenario: 'deal';
  startedAt: string;
  machine: MachineRecord;
  code: MeasuredCode;
  options: Omit<DealBenchOptions, 'adminUrl' | 'redisUrl'>;
  method: Record<string, string>;
  /** Each run as measured; its latency histogram lives on only in its mode's CDF (the file stays small). */
  runs: Omit<DealModeResult, 'ackLatency'>[];
  modes: DealModeSummary[];
  summary: {
    /** Median attempts/s of Hawker ÷ median of the naive server. */
    ratio: number;
    hawkerAttemptsPerSecond: number;
    hawkerAckP99Ms: number;
    /** Median join time of Hawker ÷ the naive server's (≤ 1 = no slower). */
    joinRatio: number;
    oversold: number;
    targets: {
      ackP99: boolean;
      ratio: boolean;
      joins: boolean;
      settled: boolean;
      oversold: boolean;
    };
  };
};

export const METHOD: Record<string, string> = {
  rush: 'N logged-in buyer sockets (lean WebSocket clients in 2 child processes) connect with their session cookie and join one live room; each presses Buy once (purchase:create, quantity 1, its own idempotency key), the presses spread evenly over spreadMs; an attempt is answered by its ack (Hawker: reserved or a refusal; naive: paid or a refusal).',
  hawker:
    'A real api node (PostgreSQL, Redis): the deal gate answers each press (reserved, deal_sold_out, deal_limit_reached, deal_closed) and the checkout (order, payment, escrow) runs behind the answer; its outcome (purchase:paid/failed on the buyer channel) is timed from the press. Room broadcasts as in production: deal:stock and the purchase:made ticker at most once a second each, viewers:count by room size.',
  naive:
    "The textbook server (naive-server.ts): a transaction per press taking the deal row lock (SELECT … FOR UPDATE), the limit check and one purchase row, answered when committed; its room:join reads the same room snapshot with Hawker's repositories once per viewer, and it broadcasts deal:stock at most once a second while units sell.",
  rounds:
    'Each round runs both modes on the same database, a fresh deal each run, in rotated order (round 1 hawker first, round 2 naive first, …); medians with min/max over rounds.',
  join: 'joinSeconds: from the first connect to the last room:join ack, 100 connects in flight per buyer process.',
};

export function modeResult(
  mode: DealMode,
  round: number,
  joinSeconds: number,
  parts: RushResult[],
  sold: number,
  units: number,
  overLimitBuyers: number,
  ledgerProblems: number | null,
): DealModeResult {
  const codes: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.codes)) codes[k] = (codes[k] ?? 0) + v;
  const first = Math.min(...parts.map((p) => p.firstSendAt));
  const last = Math.max(...parts.map((p) => p.lastAckAt));
  const attempts = parts.reduce((n, p) => n + p.attempts, 0);
  const seconds = Math.max(0.001, (last - first) / 1000);
  const merged = LatencyHistogram.merge(parts.map((p) => p.latency));
  const won = (codes.ok ?? 0) + (codes.reserved ?? 0) + (codes.paid ?? 0);
  return {
    mode,
    round,
    joinSeconds: Math.round(joinSeconds * 10) / 10,
    attempts,
    acked: parts.reduce((n, p) => n + p.acked, 0),
    lost: parts.reduce((n, p) => n + p.lost, 0),
    codes,
    attemptsPerSecond: Math.round(attempts / seconds),
    seconds: Math.round(seconds * 1000) / 1000,
    ackLatencyMs: summarizeHistogram(merged),
    ackLatency: merged,
    outcomes:
      mode === 'hawker'
        ? {
            paid: parts.reduce((n, p) => n + p.outcomes.paid, 0),
            failed: parts.reduce((n, p) => n + p.outcomes.failed, 0),
            latencyMs: summarizeHistogram(LatencyHistogram.merge(parts.map((p) => p.outcomes.latency))),
          }
        : null,
    sold,
    oversold: Math.max(0, sold - units) + Math.max(0, won - units),
    overLimitBuyers,
    ledgerProblems,
    pushedFrames: parts.reduce((n, p) => n + p.pushedFrames, 0),
    pushedByEvent: parts.reduce<Record<string, number>>((all, p) => {
      for (const [k, v] of Object.entries(p.pushedByEvent)) all[k] = (all[k] ?? 0) + v;
      return all;
    }, {}),
    buyerCpuCores: Math.round(parts.reduce((s, p) => s + cpuFraction(p.cpuBefore, p.cpuAfter), 0) * 100) / 100,
  };
}

export function summarize(
  startedAt: string,
  machine: MachineRecord,
  code: MeasuredCode,
  o: DealBenchOptions,
  runs: DealModeResult[],
): DealReport {
  const round1 = (n: number) => Math.round(n * 10) / 10;
  const modes = (['hawker', 'naive'] as const).map((mode): DealModeSummary => {
    const mine = runs.filter((r) => r.mode === mode);
    const maxOutcome = mine.map((r) => r.outcomes?.latencyMs.max ?? null).filter((x): x is number => x !== null);
    return {
      mode,
      attemptsPerSecond: spread(
        mine.map((r) => r.attemptsPerSecond),
        Math.round,
      ),
      ackP50Ms: spread(
        mine.map((r) => r.ackLatencyMs.p50 ?? Infinity),
        round1,
      ),
      ackP99Ms: spread(
        mine.map((r) => r.ackLatencyMs.p99 ?? Infinity),
        round1,
      ),
      joinSeconds: spread(
        mine.map((r) => r.joinSeconds),
        round1,
      ),
      outcomeMaxMs: mode === 'hawker' && maxOutcome.length > 0 ? spread(maxOutcome, Math.round) : null,
      ackLatencyCdf: cdf(LatencyHistogram.merge(mine.map((r) => r.ackLatency))),
    };
  });
  const [hawker, naive] = modes as [DealModeSummary, DealModeSummary];
  const hawkerRuns = runs.filter((r) => r.mode === 'hawker');
  const oversold = Math.max(...runs.map((r) => r.oversold));
  const ratio = hawker.attemptsPerSecond.median / naive.attemptsPerSecond.median;
  const joinRatio = hawker.joinSeconds.median / naive.joinSeconds.median;
  const settled = hawkerRuns.every(
    (r) =>
      r.outcomes !== null &&
      r.outcomes.paid + r.outcomes.failed === (r.codes.reserved ?? 0) &&
      (r.outcomes.latencyMs.max ?? 0) <= TARGETS.settledWithinMs,
  );
  return {
    scenario: 'deal',
    startedAt,
    machine,
    code,
    options: {
      buyers: o.buyers,
      units: o.units,
      perBuyerLimit: o.perBuyerLimit,
      spreadMs: o.spreadMs,
      buyerProcesses: o.buyerProcesses,
      rounds: o.rounds,
    },
    method: METHOD,
    runs: runs.map(({ ackLatency: _histogram, ...run }) => run),
    modes,
    summary: {
      ratio: Math.round(ratio * 100) / 100,
      hawkerAttemptsPerSecond: hawker.attemptsPerSecond.median,
      hawkerAckP99Ms: hawker.ackP99Ms.median,
      joinRatio: Math.round(joinRatio * 100) / 100,
      oversold,
      targets: {
        ackP99: hawker.ackP99Ms.median <= TARGETS.ackP99Ms,
        ratio: ratio >= TARGETS.ratio,
        joins: hawker.joinSeconds.median <= TARGETS.joinSeconds && joinRatio <= 1,
        settled,
        oversold: oversold === 0 && runs.every((r) => r.overLimitBuyers === 0) && hawkerRuns.every((r) => r.ledgerProblems === 0),
      },
    },
  };
}

export function line(r: DealModeResult): string {
  const l = r.ackLatencyMs;
  const paid = r.outcomes
    ? `; paid ${r.outcomes.paid}, failed ${r.outcomes.failed}, press → outcome max ${r.outcomes.latencyMs.max} ms`
    : '';
  return `${r.mode}: joined in ${r.joinSeconds} s; ${r.attempts} attempts in ${r.seconds} s = ${r.attemptsPerSecond}/s (buyer processes used ${r.buyerCpuCores} cores); ack p50 ${l.p50} ms, p99 ${l.p99} ms; sold ${r.sold}, oversold ${r.oversold}, over-limit buyers ${r.overLimitBuyers}; codes ${JSON.stringify(r.codes)}; pushed ${JSON.stringify(r.pushedByEvent)}${paid}${r.ledgerProblems === null ? '' : `; ledger problems ${r.ledgerProblems}`}`;
}

function cdf(h: SparseHistogram): [number, number][] {
  const total = h.reduce((n, [, c]) => n + c, 0);
  const out: [number, number][] = [];
  let seen = 0;
  let next = 0;
  for (const [ms, c] of h) {
    seen += c;
    while (next <= 100 && seen >= (next / 100) * total) {
      out.push([next, ms]);
      next += 2;
    }
  }
  return out;
}
