import type { MeasuredCode } from '../report/code.js';
import { median, spread as spreadOf, type Spread } from '../report/stats.js';
import type { BenchPlacement } from './fixtures.js';
import type { DecidedAd } from './linear.js';

// The ads (decisions) bench's options, modes, targets and results file (run.ts runs it).

/** Four significant digits: ratios far below 1 keep their size, latencies their microseconds. */
const sig4 = (n: number) => Number(n.toPrecision(4));

export const spread = (xs: readonly number[]): Spread => spreadOf(xs, sig4);
export { median, type Spread };

/** One mode's headline figures at a point. */
export type Figures = { p50Us: number; p99Us: number; decisionsPerSecond: number };

export const MODES = ['hawker', 'linear', 'sql'] as const;
export type AdsMode = (typeof MODES)[number];

/** Issue 11's targets, for one placement with 10,000 candidate ads on one core. */
export const TARGETS = { ads: 10_000, p99Ms: 2, decisionsPerSecond: 5_000, ratioVsSql: 10 } as const;
/** A run that starts with a higher 1-minute load average than this is marked disturbed. */
export const DISTURBED_LOADAVG = 0.5;

export type AdsBenchOptions = {
  /** Candidate ads in the 'home' placement, one measurement point each (ascending). */
  sizes: number[];
  /** Keyword bids in the 'search' placement, one point each (a query matches a few hundred of them). */
  searchSizes: number[];
  rounds: number;
  /** Each mode's segment of a round ends after this many decisions … */
  maxDecisions: number;
  /** … or after this many seconds, whichever comes first. */
  maxSeconds: number;
  /** Untimed decisions before each segment (at most this many, and at most 0.2 s). */
  warmupDecisions: number;
  /** Each placement's reserve (AD_RESERVES' defaults: home 15, search 20). */
  reserves: Record<BenchPlacement, number>;
  seed: number;
  adminUrl: string;
};

export type Segment = {
  mode: AdsMode;
  /** 0-based position in its round's order. */
  position: number;
  decisions: number;
  seconds: number;
  endedBy: 'decisions' | 'time';
  decisionsPerSecond: number;
  latencyUs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  /** This process's CPU (user + system) during the segment. */
  nodeCpuSeconds: number;
  /** The PostgreSQL backend's CPU during the segment (sql only; null when /proc is not readable). */
  backendCpuSeconds: number | null;
  /** Decisions per second of CPU, Node and PostgreSQL together: per core, whatever ran in parallel. */
  decisionsPerCpuSecond: number;
  /** 1-minute load average when the segment ended (this bench adds about 1): shows when other work joined. */
  loadAvg1m: number;
};

export type ModeSummary = {
  decisionsPerSecond: Spread;
  p50Us: Spread;
  p99Us: Spread;
  decisionsPerCpuSecond: Spread;
  decisions: number;
};

export type AdsPoint = {
  placement: BenchPlacement;
  /** Bids in the placement (home: one per ad). */
  ads: number;
  /** Pages decided in turn: 1 for home, the search queries for search. */
  queries: number;
  campaigns: number;
  owners: number;
  /** Ads whose campaign and owner can pay (the rest are filtered out by every mode). */
  eligibleAds: number;
  /** AdIndex.replace(…) wall time, three times in a row (a reload; it includes the re-sort a decision runs when stats moved). */
  hawkerReplaceMs: number[];
  /** ranked: the first page's decision at the placement's reserve. */
  check: { reserves: number[]; pages: number; identical: true; ranked: DecidedAd[] };
  sqlPlan: string;
  rounds: { round: number; order: AdsMode[]; segments: Segment[] }[];
  modes: Record<AdsMode, ModeSummary>;
  /** Per round, then median and range: hawker's decisions/s (wall, and per CPU second) over each baseline's in the same round. */
  ratios: { hawkerVsSql: Spread; hawkerVsLinear: Spread; hawkerVsSqlPerCpu: Spread; sqlP99OverHawkerP99: Spread };
};

export type AdsReport = {
  scenario: 'ads';
  schemaVersion: 1;
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  /** Default options, not --quick: only a full run rewrites ads-latest.*. */
  full: boolean;
  machine: {
    cpus: number;
    cpuModel: string;
    totalMemMb: number;
    node: string;
    postgres: string;
    platform: string;
    kernel: string;
    loadAvgBefore: number[];
    loadAvgAfter: number[];
    /** 1-min load average above DISTURBED_LOADAVG at the start: other work shared the machine. */
    disturbed: boolean;
  };
  /** HEAD when the run started and the measured files as they were (modified: differs from HEAD, uncommitted). */
  code: MeasuredCode;
  options: Omit<AdsBenchOptions, 'adminUrl'>;
  method: Record<string, string>;
  points: AdsPoint[];
  summary: {
    /** The point the targets are judged at ('home', 10,000 ads); null when the run did not include it. */
    ads: number | null;
    hawker: Figures | null;
    linear: Figures | null;
    sql: Figures | null;
    ratioVsSql: number | null;
    ratioVsLinear: number | null;
    /** The same figures for the search point at 10,000 keyword bids (not part of the targets), if run. */
    search: { hawker: Figures; linear: Figures; sql: Figures; ratioVsSql: number; ratioVsLinear: number } | null;
    targets: typeof TARGETS;
    /** On the medians over rounds. */
    met: { p99: boolean; decisionsPerSecond: boolean; ratioVsSql: boolean } | null;
    /** On the worst round. */
    metEveryRound: { p99: boolean; decisionsPerSecond: boolean; ratioVsSql: boolean } | null;
  };
};

export const METHOD: Record<string, string> = {
  decision:
    "One page view of one placement: 'home' has 4 slots (AD_SLOT_POSITIONS) plus the 3 logged runners-up, 'search' 2 slots plus 3; ranked by bid × predicted CTR (× keyword relevance on search) with distinct targets and GSP prices. Decisions run one after another in one process (no concurrency); latency is each call's wall time, decisions/s is decisions over the segment's wall time.",
  hawker:
    'AdIndex (api/src/services/ad-index.ts, the working tree named in `code`) filled with replace(bids, campaigns, balances, stats); auction(ctx, slots, reserve, now).',
  linear:
    "All the bids in one array: filter per bid (placement, keyword terms among the query's, reserve, budgets, balance, pacer), score each (predictedCtr × keywordRelevance), full sort, first distinct targets, secondPrice (load-tests/src/ads/linear.ts).",
  sql: 'The bids in a PostgreSQL table, one prepared query per decision over one connection, distinct targets (refetching with a larger LIMIT when targets repeat) and secondPrice in JS. home: stored float8 score and a covering partial index (placement, score DESC, bid DESC, ad_id, bid_id) WHERE eligible, read as an index-only scan of the first 7 rows. search: terms text[] with a partial GIN index for terms <@ query, score × relevance computed per matching row and top-N sorted. No pacer and no upkeep of eligible/score: generous to SQL (load-tests/src/ads/sql.ts).',
  inputs:
    'Seeded fixtures (load-tests/src/ads/fixtures.ts): bids uniform in [reserve, reserve + 300], impressions 0–20,000 at 0.2–8 % CTR per ad, campaigns = bids ÷ 10, owners = 0.8 × campaigns; ~3 % of owners without balance, ~1 % of campaigns out of total budget. home: one bid per ad, planted cases cover every ranking rule. search: 1–4 keyword bids per ad (1–3 words from 150, popular words more often), 64 queries of 1–4 words decided in turn.',
  pacing:
    'Decisions at a fixed now = 2026-12-01T23:00:00Z and every campaign has spent at most 90 % of its daily budget, so the pacing pass rate is 1 for all (asserted): the index still runs the pacer (Math.random() < 1), and every mode decides the same ads.',
  check:
    'Before timing, at each point: all three modes rank the same ads with the same slots, prices and scores on every page (home: the one page; search: all 64 queries) at two reserves, and on home the planted cases came out as planted; otherwise the run fails. Every timed decision must return as many ads as in the check.',
  rounds:
    "Each round runs every mode once, the order rotated each round; a segment ends at maxDecisions or maxSeconds, after an untimed warm-up. Figures are medians over rounds with min/max; ratios are taken within a round, then the median. The sql mode's decisions/s are wall time through a round trip; per-CPU-second figures add the PostgreSQL backend's CPU (/proc).",
};
