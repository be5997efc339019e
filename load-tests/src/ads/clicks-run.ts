import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, type Database } from '../../../api/src/repositories/db/client.js';
import { checkLedger, type LedgerProblem } from '../../../api/src/repositories/ledger-check.repository.js';
import { connectRedis } from '../../../api/src/repositories/redis.js';
import { AdTokens, CLICK_TTL_MS } from '../../../api/src/services/ad-token.js';
import { measuredCode, type MeasuredCode } from '../report/code.js';
import { createBenchDatabase } from '../chat/fixtures.js';
import { DISTURBED_LOADAVG, machineAtStart, type MachineRecord } from '../report/machine.js';
import { ChildHandle, cpuFraction, cpuSample, type CpuSample } from '../sfu/ipc.js';
import type { ClicksApiApi, ClicksApiConfig, ClicksApiReady } from './clicks-api-process.js';
import { checkBilling, checkLine, clickCounts, countsSince, total, type BillingCheck, type ClickCounts } from './clicks-check.js';
import { insertImpressions, planClicks, seedAdvertisers, type ClickFixtures } from './clicks-fixtures.js';
import { driveClicks, latencySummary, type LatencyMs } from './clicks-load.js';
import { seededRandom } from './fixtures.js';
import { spread, type Spread } from './run.js';

export const CLICK_MODES = ['billed', 'redirect'] as const;
export type ClickMode = (typeof CLICK_MODES)[number];

/** Issue 11: "≥ 1,000 billed clicks/s across two nodes with 0 overspend". */
export const TARGETS = { billedClicksPerSecond: 1_000, nodes: 2, overspendMinor: 0 } as const;
/** A ramp stops at the first step that fails: p99 over this, an answer other than the right 302, or no real gain. */
export const STEP_LIMITS = { p99Ms: 1_000, minGain: 1.03 } as const;
const CURRENCY = 'USD';
const NODES = 2;

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

type Log = (line: string) => void;
type ApiNode = ChildHandle<ClicksApiApi, ClicksApiReady>;

/** The click path under test: named in the report by commit and content hash (the working tree is what runs). */
export const MEASURED_FILES = [
  'api/src/http/routes/ads.routes.ts',
  'api/src/services/ad-server.service.ts',
  'api/src/services/ad-token.ts',
  'api/src/repositories/ad-billing.repository.ts',
  'api/src/repositories/ledger.repository.ts',
  'api/src/repositories/db/sql.ts',
];

const round2 = (n: number) => Math.round(n * 100) / 100;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n >= 100 ? `${n.toFixed(0)} ms` : `${n.toFixed(1)} ms`);

/** Busy and total jiffies of all cores (Linux /proc/stat), or null. */
async function machineJiffies(): Promise<{ busy: number; total: number } | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const totalJ = v.reduce((a, b) => a + b, 0);
    return { busy: totalJ - v[3]! - v[4]!, total: totalJ };
  } catch {
    return null;
  }
}

type CpuNow = { client: CpuSample; api: CpuSample[]; machine: { busy: number; total: number } | null };

async function cpuNow(nodes: ApiNode[]): Promise<CpuNow> {
  const [api, machine] = await Promise.all([Promise.all(nodes.map((n) => n.request('cpu', {}))), machineJiffies()]);
  return { client: cpuSample(), api, machine };
}

function cpuOver(a: CpuNow, b: CpuNow, seconds: number, answered: number): Cpu {
  const apiCores = a.api.map((s, i) => round2(cpuFraction(s, b.api[i]!)));
  const machineCores =
    a.machine && b.machine && b.machine.total > a.machine.total
      ? round2(((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * os.cpus().length)
      : null;
  const per = (cores: number) => (answered > 0 ? round2((cores * seconds * 1000) / answered) : 0);
  return {
    clientCores: round2(cpuFraction(a.client, b.client)),
    apiCores,
    machineCores,
    apiMsPerClick: per(apiCores.reduce((x, y) => x + y, 0)),
    machineMsPerClick: machineCores === null ? null : per(machineCores),
  };
}

/** Samples pg_stat_activity for the bench database every 50 ms until stopped: where the backends wait. */
function sampleWaits(db: Database): () => Promise<Record<string, number>> {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await db.sql.query<{ w: string; n: number }>(
        {
          name: 'bench_adclicks_waits',
          text: `SELECT state || '/' || coalesce(wait_event_type || ':' || wait_event, 'cpu') AS w, count(*)::int AS n
                   FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' GROUP BY 1`,
        },
        [],
      );
      samples++;
      for (const r of rows) counts.set(r.w, (counts.get(r.w) ?? 0) + r.n);
      await sleep(50);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([w, n]) => [w, round2(n / Math.max(1, samples))]));
  };
}

type Ctx = {
  o: AdClicksOptions;
  db: Database;
  nodes: ApiNode[];
  urls: string[];
  tokens: AdTokens;
  f: ClickFixtures;
  rand: () => number;
  /** The next unused network number (each click its own /24 over the whole run). */
  network: number;
};

function plan(ctx: Ctx, mode: ClickMode, count: number) {
  const p = planClicks(ctx.tokens, ctx.f, count, {
    // Redirect: issued 31 minutes ago, past the 30-minute click window: the same signature check and 302, no database.
    ageMs: mode === 'billed' ? 0 : CLICK_TTL_MS + 60_000,
    firstNetwork: ctx.network,
    cappedShare: ctx.o.cappedShare,
    priceMinor: ctx.o.priceMinor,
    rand: ctx.rand,
  });
  ctx.network += count;
  return p;
}

async function runStep(ctx: Ctx, mode: ClickMode, step: number, concurrency: number, best: number | null): Promise<ClickStep> {
  const { o, db } = ctx;
  const tokens = Math.ceil(o.maxSeconds * o.tokensPerSecond[mode]);
  const p = plan(ctx, mode, tokens);
  if (mode === 'billed') await insertImpressions(db, p.impressions);
  // No step inherits the previous one's dirty buffers.
  await db.sql.query({ text: 'CHECKPOINT' }, []);
  const before = await clickCounts(db);
  const stopWaits = sampleWaits(db);
  const cpu0 = await cpuNow(ctx.nodes);
  const r = await driveClicks(ctx.urls, p.clicks, concurrency, o.maxSeconds);
  const cpu1 = await cpuNow(ctx.nodes);
  const pgWaits = await stopWaits();
  const outcomes = countsSince(before, await clickCounts(db));
  const check = mode === 'billed' ? await checkBilling(db, CURRENCY) : null;
  const seconds = Math.max(r.seconds, 1e-3);
  const latencyMs = latencySummary(r.latencyMs);
  const answersPerSecond = Math.round(r.answered / seconds);
  const billed = mode === 'billed' ? (outcomes.billed ?? 0) : null;
  const problems: string[] = [];
  const rows = total(outcomes);
  if (mode === 'redirect' && rows > 0) problems.push(`redirects wrote ${rows} click rows`);
  if (mode === 'billed') {
    const unexpected = Object.entries(outcomes).filter(([k]) => k !== 'billed' && k !== 'budget');
    if (unexpected.length > 0) problems.push(`clicks refused for ${unexpected.map(([k, n]) => `${k} (${n})`).join(', ')}`);
    if (r.errors === 0 && rows !== r.answered) problems.push(`${r.answered} clicks answered, ${rows} click rows written`);
  }
  if (check && !check.ok) problems.push(checkLine(check));
  const wrongAnswers = r.errors + r.wrongLocation + Object.values(r.otherStatus).reduce((a, b) => a + b, 0);
  const verdict: ClickStep['verdict'] =
    wrongAnswers > 0 || r.answered === 0
      ? 'answers'
      : latencyMs.p99 > STEP_LIMITS.p99Ms
        ? 'p99'
        : best !== null && answersPerSecond < best * STEP_LIMITS.minGain
          ? 'flat'
          : 'ok';
  return {
    mode,
    step,
    concurrency,
    tokens,
    answered: r.answered,
    seconds: Math.round(seconds * 1000) / 1000,
    endedBy: r.endedBy,
    answersPerSecond,
    billed,
    billedPerSecond: billed === null ? null : Math.round(billed / seconds),
    outcomes,
    otherStatus: r.otherStatus,
    wrongLocation: r.wrongLocation,
    errors: r.errors,
    firstError: r.firstError,
    latencyMs,
    cpu: cpuOver(cpu0, cpu1, seconds, r.answered),
    pgWaits,
    loadAvg1m: round2(os.loadavg()[0]!),
    check,
    problems,
    verdict,
  };
}

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

function peakOf(steps: ClickStep[]): Peak | null {
  const fine = steps.filter((s) => s.verdict === 'ok' || s.verdict === 'flat');
  const rate = (s: ClickStep) => s.billedPerSecond ?? s.answersPerSecond;
  const best = fine.reduce<ClickStep | null>((b, s) => (b === null || rate(s) > rate(b) ? s : b), null);
  return best
    ? {
        step: best.step,
        concurrency: best.concurrency,
        perSecond: rate(best),
        answersPerSecond: best.answersPerSecond,
        p50Ms: best.latencyMs.p50,
        p99Ms: best.latencyMs.p99,
        machineMsPerClick: best.cpu.machineMsPerClick,
        apiMsPerClick: best.cpu.apiMsPerClick,
        machineCores: best.cpu.machineCores,
        rowLockWaiters: round2(rowLockWaiters(best.pgWaits)),
      }
    : null;
}

async function startNodes(
  o: AdClicksOptions,
  databaseUrl: string,
  appSecret: string,
  prefix: string,
  log: Log,
): Promise<{ nodes: ApiNode[]; urls: string[] }> {
  const nodes: ApiNode[] = [];
  const urls: string[] = [];
  try {
    for (let i = 0; i < NODES; i++) {
      const config: ClicksApiConfig = {
        databaseUrl,
        redisUrl: o.redisUrl,
        redisKeyPrefix: prefix,
        appSecret,
        nodeId: `bench-adclicks-${i + 1}`,
      };
      nodes.push(await ChildHandle.spawn<ClicksApiApi, ClicksApiReady>(new URL('./clicks-api-process.ts', import.meta.url), config));
    }
    const until = Date.now() + 180_000;
    for (const n of nodes) {
      for (;;) {
        const s = await n.request('status', {});
        if (s.error) throw new Error(`api node (pid ${n.ready.pid}) did not start: ${s.error}`);
        if (s.url) {
          urls.push(s.url);
          break;
        }
        if (Date.now() > until) throw new Error(`api node (pid ${n.ready.pid}) did not start within 180 s`);
        await sleep(200);
      }
    }
    log(`api nodes: ${urls.map((u, i) => `${u} (pid ${nodes[i]!.ready.pid})`).join(', ')}`);
    return { nodes, urls };
  } catch (err) {
    await stopNodes(nodes);
    throw err;
  }
}

async function stopNodes(nodes: ApiNode[]): Promise<void> {
  for (const n of nodes) {
    await n.request('stop', {}).catch(() => undefined);
    await n.close();
  }
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

/** `npm run bench -- ad-clicks`: billed clicks per second across two api nodes, against redirect-only clicks, with the money checked after every step. */
export async function runAdClicksBench(o: AdClicksOptions, log: Log, full = false): Promise<AdClicksReport> {
  const startedAt = new Date();
  const machine = await machineAtStart({ postgresUrl: o.adminUrl, redisUrl: o.redisUrl });
  const { loadAvgBefore, disturbed } = machine.record;
  const code = await measuredCode(MEASURED_FILES);
  const dirty = Object.entries(code.files).filter(([, f]) => f.modified);
  if (dirty.length > 0) log(`measuring uncommitted changes in ${dirty.map(([f]) => f).join(', ')} (on ${code.commit.slice(0, 10)})`);
  if (disturbed) log(`load average ${loadAvgBefore.join(' ')} at the start (> ${DISTURBED_LOADAVG}): this run is marked disturbed`);
  const appSecret = `ad-clicks-bench-${randomBytes(16).toString('hex')}`;
  const prefix = `hawker-bench-adclicks-${process.pid}-${Date.now()}:`;
  const redis = await connectRedis(o.redisUrl);
  const bench = await createBenchDatabase(o.adminUrl, 'ad_clicks');
  let db: Database | undefined;
  let nodes: ApiNode[] = [];
  try {
    db = await openDatabase({ kind: 'postgres', url: bench.url }, 4);
    const f = await seedAdvertisers(db, {
      campaigns: o.campaigns,
      cappedCampaigns: o.cappedCampaigns,
      cappedBudgetMinor: o.cappedBudgetMinor,
      openBudgetMinor: o.openBudgetMinor,
      fundMinor: o.fundMinor,
      maxCpcMinor: o.maxCpcMinor,
      currency: CURRENCY,
    });
    log(
      `database ${bench.name}, Redis prefix ${prefix}; ${f.campaigns.length} campaigns: ${f.capped.length} capped (daily budgets ${int(o.cappedBudgetMinor[0])}–${int(o.cappedBudgetMinor[1])}, ${Math.round(o.cappedShare * 100)} % of clicks), ${f.open.length} open (${int(o.openBudgetMinor)}); each owner funded ${int(o.fundMinor)}`,
    );
    const started = await startNodes(o, bench.url, appSecret, prefix, log);
    nodes = started.nodes;
    const urls = started.urls;
    const ctx: Ctx = { o, db, nodes, urls, tokens: new AdTokens(appSecret), f, rand: seededRandom(o.seed), network: 0 };

    const warm = { billed: 0, redirect: 0 };
    for (const mode of CLICK_MODES) {
      const p = plan(ctx, mode, o.warmupClicks);
      if (mode === 'billed') await insertImpressions(db, p.impressions);
      const r = await driveClicks(urls, p.clicks, o.startConcurrency, 30);
      warm[mode] = r.answered;
      if (r.redirected !== r.answered || r.errors > 0)
        throw new Error(
          `ad-clicks bench: warm-up ${mode} clicks were not all redirected: ${JSON.stringify({ ...r, latencyMs: undefined })}`,
        );
    }
    log(`warm-up: ${warm.billed} billed-mode and ${warm.redirect} redirect clicks, outcomes ${JSON.stringify(await clickCounts(db))}`);

    const rounds: ClickRound[] = [];
    for (let r = 0; r < o.rounds; r++) {
      // Alternating, so neither mode always runs first (fresh tables) or right after the other.
      const order: ClickMode[] = r % 2 === 0 ? ['billed', 'redirect'] : ['redirect', 'billed'];
      const ramps: Record<ClickMode, ClickStep[]> = { billed: [], redirect: [] };
      for (const mode of order) {
        let best: number | null = null;
        for (let s = 0; s < o.maxSteps; s++) {
          const step = await runStep(ctx, mode, s + 1, o.startConcurrency * 2 ** s, best);
          ramps[mode].push(step);
          log(`round ${r + 1}/${o.rounds}, ${stepLine(step)}`);
          if (step.verdict === 'answers') break;
          best = Math.max(best ?? 0, step.answersPerSecond);
          if (step.verdict !== 'ok') break;
        }
      }
      const peaks = { billed: peakOf(ramps.billed), redirect: peakOf(ramps.redirect) };
      const ratio = peaks.billed && peaks.redirect ? peaks.billed.perSecond / peaks.redirect.perSecond : null;
      rounds.push({ round: r + 1, order, ramps, peaks, ratio: ratio === null ? null : Number(ratio.toPrecision(4)) });
      log(
        `round ${r + 1}/${o.rounds}: peak billed ${peaks.billed ? `${int(peaks.billed.perSecond)}/s at ${peaks.billed.concurrency} in flight` : '-'}, redirect ${peaks.redirect ? `${int(peaks.redirect.perSecond)}/s at ${peaks.redirect.concurrency}` : '-'}${ratio === null ? '' : `, ratio ${ratio.toFixed(3)}`}`,
      );
    }

    const finalCheck = await checkBilling(db, CURRENCY);
    const ledgerProblems = await checkLedger(db.prisma);
    const outcomes = await clickCounts(db);
    const exhaustedIds = await db.sql.query<{ id: string }>(
      {
        text: `SELECT d."campaignId"::text AS id FROM ad_campaign_days d JOIN ad_campaigns c ON c.id = d."campaignId"
                WHERE d."spentMinor" >= c."dailyBudgetMinor"`,
      },
      [],
    );
    const exhaustedSet = new Set(exhaustedIds.map((x) => x.id));
    const cappedExhausted = f.capped.filter((c) => exhaustedSet.has(c.campaignId)).length;
    log(
      `final: ${checkLine(finalCheck)}; ledger self-check: ${ledgerProblems.length === 0 ? 'clean' : `${ledgerProblems.length} PROBLEMS`}`,
    );

    const steps = rounds.flatMap((rd) => [...rd.ramps.billed, ...rd.ramps.redirect].map((s) => ({ ...s, round: rd.round })));
    const problems = [
      ...steps.flatMap((s) => s.problems.map((p) => `round ${s.round}, ${s.mode} at ${s.concurrency} in flight: ${p}`)),
      ...(finalCheck.ok ? [] : [`final: ${checkLine(finalCheck)}`]),
      ...(ledgerProblems.length > 0 ? [`ledger self-check: ${ledgerProblems.length} problems`] : []),
    ];
    const overspendMinor = Math.max(finalCheck.overspendMinor, ...steps.map((s) => s.check?.overspendMinor ?? 0));
    const peaksOf = (mode: ClickMode) => rounds.map((rd) => rd.peaks[mode]).filter((p): p is Peak => p !== null);
    const sp = (xs: number[]) => (xs.length > 0 ? spread(xs) : null);
    const billedPeaks = peaksOf('billed');
    const redirectPeaks = peaksOf('redirect');
    const billedPerSecond = sp(billedPeaks.map((p) => p.perSecond));
    const finishedAt = new Date();
    const { adminUrl: _adminUrl, redisUrl: _redisUrl, ...options } = o;
    return {
      scenario: 'ad-clicks',
      schemaVersion: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSec: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
      full,
      machine: machine.finish(),
      code,
      options,
      method: METHOD,
      fixtures: {
        campaigns: f.campaigns.length,
        capped: f.capped.length,
        open: f.open.length,
        cappedBudgetsMinor: f.capped.map((c) => c.dailyBudgetMinor),
        openBudgetMinor: o.openBudgetMinor,
        fundedMinor: f.fundedMinor,
      },
      warmup: warm,
      rounds,
      byConcurrency: { billed: byConcurrency(rounds, 'billed'), redirect: byConcurrency(rounds, 'redirect') },
      final: {
        outcomes,
        check: finalCheck,
        ledgerProblems: ledgerProblems.slice(0, 20),
        ledgerProblemCount: ledgerProblems.length,
        cappedExhausted,
        cappedNotExhausted: f.capped.length - cappedExhausted,
      },
      summary: {
        billedPerSecond,
        billedAnswersPerSecond: sp(billedPeaks.map((p) => p.answersPerSecond)),
        redirectsPerSecond: sp(redirectPeaks.map((p) => p.perSecond)),
        ratio: sp(rounds.map((rd) => rd.ratio).filter((x): x is number => x !== null)),
        billedP50Ms: sp(billedPeaks.map((p) => p.p50Ms)),
        billedP99Ms: sp(billedPeaks.map((p) => p.p99Ms)),
        redirectP50Ms: sp(redirectPeaks.map((p) => p.p50Ms)),
        redirectP99Ms: sp(redirectPeaks.map((p) => p.p99Ms)),
        billedPeakConcurrency: billedPeaks.map((p) => p.concurrency),
        redirectPeakConcurrency: redirectPeaks.map((p) => p.concurrency),
        billedMachineMsPerClick: sp(billedPeaks.flatMap((p) => (p.machineMsPerClick === null ? [] : [p.machineMsPerClick]))),
        billedApiMsPerClick: sp(billedPeaks.map((p) => p.apiMsPerClick)),
        billedRowLockWaiters: sp(billedPeaks.map((p) => p.rowLockWaiters)),
        redirectMachineMsPerClick: sp(redirectPeaks.flatMap((p) => (p.machineMsPerClick === null ? [] : [p.machineMsPerClick]))),
        redirectApiMsPerClick: sp(redirectPeaks.map((p) => p.apiMsPerClick)),
        overspendMinor,
        correct: problems.length === 0,
        problems,
        targets: TARGETS,
        met: billedPerSecond
          ? {
              billedPerSecond: billedPerSecond.median >= TARGETS.billedClicksPerSecond,
              overspend: overspendMinor === TARGETS.overspendMinor,
            }
          : null,
        metEveryRound: billedPerSecond ? { billedPerSecond: billedPerSecond.min >= TARGETS.billedClicksPerSecond } : null,
      },
    };
  } finally {
    await stopNodes(nodes);
    await db?.close();
    await bench.drop();
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length > 0) await redis.del(keys);
    await redis.quit();
  }
}

/** Per ramp step: the medians over the rounds that ran it. */
function byConcurrency(rounds: ClickRound[], mode: ClickMode): ByConcurrency[] {
  const out: ByConcurrency[] = [];
  for (let step = 1; ; step++) {
    const at = rounds.map((rd) => rd.ramps[mode].find((s) => s.step === step)).filter((s): s is ClickStep => s !== undefined);
    if (at.length === 0) return out;
    out.push({
      step,
      concurrency: at[0]!.concurrency,
      rounds: at.length,
      perSecond: spread(at.map((s) => s.billedPerSecond ?? s.answersPerSecond)),
      p50Ms: spread(at.map((s) => s.latencyMs.p50)),
      p99Ms: spread(at.map((s) => s.latencyMs.p99)),
    });
  }
}
