import type { LedgerProblem } from '../../../api/src/repositories/ledger-check.repository.js';
import type { MeasuredCode } from '../report/code.js';
import type { MachineRecord } from '../report/machine.js';
import { checkLine, type BillingCheck, type ClickCounts } from './clicks-check.js';
import type { LatencyMs } from './clicks-load.js';
import type { Spread } from './ads-report.js';

// The ad-clicks bench's options, results file and step lines (clicks-run.ts runs it).

export const CLICK_MODES = ['billed', 'redirect'] as const;
export type ClickMode = (typeof CLICK_MODES)[number];

/** Issue 11: "≥ 1,000 billed clicks/s across two nodes with 0 overspend". */
export const TARGETS = { billedClicksPerSecond: 1_000, nodes: 2, overspendMinor: 0 } as const;
/** A ramp stops at the first step that fails: p99 over this, an answer other than the right 302, or no real gain. */
export const STEP_LIMITS = { p99Ms: 1_000, minGain: 1.03 } as const;

export type AdClicksOptions = {
  rounds: number;
  /** Requests in flight in a ramp's first step; each next step doubles them. */
  startConcurrency: number;
  maxSteps: number;
  /** A step sends for this long (then the requests in flight finish) … */
  maxSeconds: number;
  /** … or until its tokens run out: this many per second of maxSeconds are prepared per step. */
  tokensPerSecond: Record<ClickMode, number>;
  campaigns: number;
  /** The first this-many campaigns have small daily budgets (capped), the rest one no run reaches (open). */
  cappedCampaigns: number;
  /** Share of clicks on capped campaigns. */
  cappedShare: number;
  cappedBudgetMinor: [number, number];
  openBudgetMinor: number;
  fundMinor: number;
  /** Each click's price, uniform in this range (the ads bid maxCpcMinor). */
  priceMinor: [number, number];
  maxCpcMinor: number;
  /** Untimed clicks of each mode before the first round (statements prepared, connections open, JIT warm). */
  warmupClicks: number;
  seed: number;
  adminUrl: string;
  redisUrl: string;
};

export type Cpu = {
  /** This process (the load generator): cores used over the step. */
  clientCores: number;
  apiCores: number[];
  /** The whole machine from /proc/stat (PostgreSQL, Redis, anything else included); null off Linux. */
  machineCores: number | null;
  /** Milliseconds of api CPU (both nodes) per answered click, and of the whole machine. */
  apiMsPerClick: number;
  machineMsPerClick: number | null;
};

export type ClickStep = {
  mode: ClickMode;
  step: number;
  concurrency: number;
  /** Tokens prepared; the step sent as many as it could in maxSeconds. */
  tokens: number;
  answered: number;
  seconds: number;
  endedBy: 'clicks' | 'time';
  answersPerSecond: number;
  /** billed mode: clicks billed in the step, and per second (the figure the target is about); null for redirect. */
  billed: number | null;
  billedPerSecond: number | null;
  /** Click rows the step wrote, by outcome ('billed' or the reason it was not): budget is expected, nothing else. */
  outcomes: ClickCounts;
  otherStatus: Record<string, number>;
  wrongLocation: number;
  errors: number;
  firstError: string | null;
  latencyMs: LatencyMs;
  cpu: Cpu;
  /** PostgreSQL backends of the bench database by state and wait event, averaged over samples every 50 ms. */
  pgWaits: Record<string, number>;
  loadAvg1m: number;
  /** billed mode: the money after the step (cumulative over the run). */
  check: BillingCheck | null;
  /** Anything that makes the run's results wrong (a failed check, an unexpected outcome, rows written by redirects). */
  problems: string[];
  /** ok: the ramp goes on; otherwise why it stopped here. */
  verdict: 'ok' | 'p99' | 'answers' | 'flat';
};

export type Peak = {
  step: number;
  concurrency: number;
  perSecond: number;
  answersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Where the time went at that step: CPU per click and the PostgreSQL backends waiting on a row lock (tuple or transaction). */
  machineMsPerClick: number | null;
  apiMsPerClick: number;
  machineCores: number | null;
  rowLockWaiters: number;
};

export type ClickRound = {
  round: number;
  order: ClickMode[];
  ramps: Record<ClickMode, ClickStep[]>;
  /** Per mode the step with the highest rate (billed clicks/s; redirects/s) among those with every answer right and p99 ≤ 1 s. */
  peaks: Record<ClickMode, Peak | null>;
  /** Billed peak ÷ redirect peak in this round. */
  ratio: number | null;
};

export type ByConcurrency = { step: number; concurrency: number; rounds: number; perSecond: Spread; p50Ms: Spread; p99Ms: Spread };

export type AdClicksReport = {
  scenario: 'ad-clicks';
  schemaVersion: 1;
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  /** Default options, not --quick: only a full run rewrites ad-clicks-latest.*. */
  full: boolean;
  /** Where it ran (versions read from the servers) and the load before and after; disturbed: 1-min load > 0.5 at the start. */
  machine: MachineRecord;
  code: MeasuredCode;
  options: Omit<AdClicksOptions, 'adminUrl' | 'redisUrl'>;
  method: Record<string, string>;
  fixtures: { campaigns: number; capped: number; open: number; cappedBudgetsMinor: number[]; openBudgetMinor: number; fundedMinor: number };
  warmup: { billed: number; redirect: number };
  rounds: ClickRound[];
  byConcurrency: Record<ClickMode, ByConcurrency[]>;
  final: {
    /** Every click row of the run (warm-up included) by outcome. */
    outcomes: ClickCounts;
    check: BillingCheck;
    /** checkLedger: must be empty. */
    ledgerProblems: LedgerProblem[];
    ledgerProblemCount: number;
    /** Capped campaigns whose daily budget was reached, and those that were not. */
    cappedExhausted: number;
    cappedNotExhausted: number;
  };
  summary: {
    billedPerSecond: Spread | null;
    billedAnswersPerSecond: Spread | null;
    redirectsPerSecond: Spread | null;
    ratio: Spread | null;
    billedP50Ms: Spread | null;
    billedP99Ms: Spread | null;
    redirectP50Ms: Spread | null;
    redirectP99Ms: Spread | null;
    billedPeakConcurrency: number[];
    redirectPeakConcurrency: number[];
    /** At each round's peak step: milliseconds of machine CPU (all processes) and of api CPU per answered click, row-lock waiters. */
    billedMachineMsPerClick: Spread | null;
    billedApiMsPerClick: Spread | null;
    billedRowLockWaiters: Spread | null;
    redirectMachineMsPerClick: Spread | null;
    redirectApiMsPerClick: Spread | null;
    /** The largest overspend any check saw (0 = never beyond one click's price). */
    overspendMinor: number;
    /** Every check, the ledger self-check and every step's outcomes as expected. */
    correct: boolean;
    problems: string[];
    targets: typeof TARGETS;
    met: { billedPerSecond: boolean; overspend: boolean } | null;
    metEveryRound: { billedPerSecond: boolean } | null;
  };
};

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n >= 100 ? `${n.toFixed(0)} ms` : `${n.toFixed(1)} ms`);

const VERDICTS: Record<ClickStep['verdict'], string> = {
  ok: '',
  p99: `  → stop: p99 over ${STEP_LIMITS.p99Ms} ms`,
  answers: '  → stop: answers other than the right 302',
  flat: `  → stop: under ${Math.round((STEP_LIMITS.minGain - 1) * 100)} % above the best earlier step`,
};

export function stepLine(s: ClickStep): string {
  const rate =
    s.mode === 'billed'
      ? `${int(s.billedPerSecond!)} billed/s (${int(s.answersPerSecond)} answered/s, ${int(s.outcomes.budget ?? 0)} refused for budget)`
      : `${int(s.answersPerSecond)} redirects/s`;
  const wrong = [
    ...Object.entries(s.otherStatus).map(([k, n]) => `${n}× ${k}`),
    s.wrongLocation ? `${s.wrongLocation} wrong locations` : '',
    s.errors ? `${s.errors} errors (${s.firstError})` : '',
  ].filter(Boolean);
  const cpu = `CPU client ${s.cpu.clientCores}, api ${s.cpu.apiCores.join('+')}, machine ${s.cpu.machineCores ?? '?'}`;
  return (
    `${s.mode.padEnd(8)} ${String(s.concurrency).padStart(3)} in flight: ${rate}, p50 ${ms(s.latencyMs.p50)} p99 ${ms(s.latencyMs.p99)}; ` +
    `${int(s.answered)} in ${s.seconds.toFixed(1)} s; ${cpu}; load ${s.loadAvg1m}${wrong.length ? `; ${wrong.join(', ')}` : ''}` +
    `${s.check ? `\n           ${checkLine(s.check)}` : ''}${VERDICTS[s.verdict]}`
  );
}

/** Backends waiting for another transaction's row lock: `Lock:transactionid` (the holder) and `Lock:tuple` (the queue behind the first waiter). */
export function rowLockWaiters(waits: Record<string, number>): number {
  return Object.entries(waits)
    .filter(([k]) => k.endsWith('Lock:transactionid') || k.endsWith('Lock:tuple'))
    .reduce((n, [, v]) => n + v, 0);
}

export const METHOD: Record<string, string> = {
  setup:
    'A fresh PostgreSQL database (migrated, dropped at the end), Redis with a key prefix of its own, and two api nodes, each `startApiServer(loadApiConfig(…))` in a child process (load-tests/src/ads/clicks-api-process.ts) with the same APP_SECRET, TRUST_PROXY=1, LOG_LEVEL=warn, the scheduler off. Advertisers are written straight into the database: one owner, shop, listing, campaign and active ad with a search bid per campaign; each owner funded through ledger_post (brand_card → brand_funding).',
  clicks:
    "Each click has its own token signed with AdTokens(APP_SECRET): a fresh id, one of the ads, placement search, position 1, a price drawn from priceMinor, viewer v:<uuid>, target /listings/<listing>. billed: issued now, with its ad_impressions row (id = token id, viewerKey = the viewer) inserted before the step, so the full click path runs (impression lookup, then the billing transaction: campaign row lock, facts, ledger transfer, writes). redirect (baseline): issued 31 minutes ago, so the same request, cookie, signature check and 302 but no database work. Every request carries its visitor's hk_vid cookie, a desktop Chrome user agent and an X-Forwarded-For of its own /24 (11.x.y.1), so neither the bot list nor the IP-burst rule refuses it.",
  load: 'The load generator is this process: fetch (undici, keep-alive) with redirect: manual, a closed loop of N requests in flight, click i to node i mod 2. A step runs maxSeconds (the requests in flight then finish) or until its prepared tokens run out; rate = answers ÷ (first send → last answer); latency = request start → body read.',
  ramp: `Each mode ramps from startConcurrency requests in flight, doubling per step, up to maxSteps, and stops at the first step that fails: p99 over ${STEP_LIMITS.p99Ms} ms, any answer other than a 302 to the token's target (or a connection error), or answers/s under ${STEP_LIMITS.minGain}× the best earlier step of the ramp (throughput stopped rising). A ramp's peak is its step with the highest rate (billed clicks/s; redirects/s) among the steps with every answer right and p99 within the limit. Budget refusals are not failures.`,
  rounds:
    'Each round runs both ramps, the order alternating between rounds, on the same servers and database. Figures are medians over rounds of each round’s peak, with min/max; the ratio is taken within a round (billed peak ÷ redirect peak), then the median. A CHECKPOINT precedes every step.',
  budgets:
    'Capped campaigns have daily budgets spread geometrically over cappedBudgetMinor and get cappedShare of the clicks, so some exhaust early in a run, some late, some never; the open campaigns carry the rest and never reach their budget, so billed clicks/s measures billing rather than cheap refusals. A click refused for budget still runs the billing transaction (lock, facts, write) without the ledger transfer.',
  checks:
    'After every billed step, from the database: per campaign and UTC day, billed spend ≤ daily budget + the largest billed click (overspendMinor = Σ beyond that, must be 0); ad_campaign_days.spentMinor and ad_campaigns.spentMinor equal the billed clicks; no token billed (or recorded) twice; the ad revenue ledger balance (the sum of its shard accounts) equals all billed clicks; every billed-mode click wrote exactly one row, billed or refused for budget and nothing else; redirects wrote none. At the end the ledger self-check (checkLedger) must be empty.',
  cpu: 'Per step: this process (the load generator), each api process, and the whole machine from /proc/stat (PostgreSQL, Redis and anything else running). pgWaits: the bench database’s non-idle backends by state and wait event, sampled every 50 ms.',
};
