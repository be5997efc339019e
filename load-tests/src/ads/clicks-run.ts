import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { openDatabase, type Database } from '../../../api/src/repositories/db/client.js';
import { checkLedger } from '../../../api/src/repositories/ledger-check.repository.js';
import { connectRedis } from '../../../api/src/repositories/redis.js';
import { AdTokens, CLICK_TTL_MS } from '../../../api/src/services/ad-token.js';
import { measuredCode } from '../report/code.js';
import { createBenchDatabase } from '../chat/fixtures.js';
import { DISTURBED_LOADAVG, machineAtStart } from '../report/machine.js';
import { checkBilling, checkLine, clickCounts, countsSince, total } from './clicks-check.js';
import { insertImpressions, planClicks, seedAdvertisers, type ClickFixtures } from './clicks-fixtures.js';
import { driveClicks, latencySummary } from './clicks-load.js';
import { cpuNow, cpuOver, sampleWaits, startNodes, stopNodes, type ApiNode } from './clicks-nodes.js';
import {
  CLICK_MODES,
  METHOD,
  rowLockWaiters,
  STEP_LIMITS,
  stepLine,
  TARGETS,
  type AdClicksOptions,
  type AdClicksReport,
  type ByConcurrency,
  type ClickMode,
  type ClickRound,
  type ClickStep,
  type Peak,
} from './clicks-report.js';
import { seededRandom } from './fixtures.js';
import { spread } from './ads-report.js';

export type { AdClicksOptions, AdClicksReport } from './clicks-report.js';

const CURRENCY = 'USD';
type Log = (line: string) => void;

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
