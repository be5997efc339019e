import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { AD_SLOT_POSITIONS } from '@hawker/shared';
import { measuredCode } from '../report/code.js';
import { LOGGED_BEYOND_SLOTS } from '../../../api/src/domain/ad-auction.js';
import { pacingPassRate } from '../../../api/src/domain/ad-pacing.js';
import { AdIndex, type AdContext } from '../../../api/src/services/ad-index.js';
import { buildAdFixtures, type AdFixtures, type BenchPlacement } from './fixtures.js';
import { LinearAds, type DecidedAd } from './linear.js';
import {
  DISTURBED_LOADAVG,
  METHOD,
  MODES,
  spread,
  TARGETS,
  type AdsBenchOptions,
  type AdsMode,
  type AdsPoint,
  type AdsReport,
  type Figures,
  type ModeSummary,
  type Segment,
} from './ads-report.js';
import { openSqlAds, type SqlAds } from './sql.js';

export { median, spread, type AdsReport, type AdsBenchOptions, type Spread } from './ads-report.js';

type Log = (line: string) => void;

/** The code under test: what the report names by commit and content hash (the working tree is what runs). */
export const MEASURED_FILES = ['api/src/services/ad-index.ts', 'api/src/domain/ad-auction.ts', 'api/src/domain/ad-pacing.ts'];

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Fails loudly, with the first difference, when two modes did not decide the same ads at the same prices. */
export function assertSameDecisions(label: string, expected: readonly DecidedAd[], actual: readonly DecidedAd[]): void {
  const key = (d: DecidedAd | undefined) =>
    d ? `${d.adId} bid ${d.bidId} target ${d.targetId} slot ${d.slot} price ${d.priceMinor} score ${d.score}` : '-';
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (key(expected[i]) !== key(actual[i]))
      throw new Error(`ads bench: ${label} differs at rank ${i + 1}:\n  expected ${key(expected[i])}\n  got      ${key(actual[i])}`);
  }
}

function fromIndex(ranked: ReturnType<AdIndex['auction']>): DecidedAd[] {
  return ranked.map((r) => ({
    adId: r.adId,
    bidId: r.bidId,
    targetId: r.targetId,
    slot: r.slot,
    priceMinor: r.priceMinor,
    score: r.score,
  }));
}

type Modes = { pages: AdContext[]; slots: number; index: AdIndex; linear: LinearAds; sql: SqlAds; f: AdFixtures };

/**
 * Every page in all three modes, at the placement's reserve and at a higher
 * one: identical ranks, targets, slots, prices and scores, or throw. On
 * 'home' also checks that the planted cases came out as planted (so the
 * check really covered the budget, balance, shared-target and tie rules).
 * Returns the check and each page's ranking length at the reserve (what
 * every timed decision must return).
 */
async function checkSame(m: Modes): Promise<{ check: AdsPoint['check']; lengths: number[] }> {
  const { f } = m;
  const pacerPasses = f.campaigns.every((c) => pacingPassRate(c.spentTodayMinor, c.dailyBudgetMinor, f.now) === 1);
  if (!pacerPasses) throw new Error('ads bench: some campaign has a pacing pass rate below 1 at the bench time');
  const reserves = [f.reserveMinor, f.reserveMinor + 150];
  const keep = m.slots + LOGGED_BEYOND_SLOTS;
  const lengths: number[] = [];
  let first: DecidedAd[] = [];
  for (const [i, ctx] of m.pages.entries())
    for (const reserve of reserves) {
      const hawker = fromIndex(m.index.auction(ctx, m.slots, reserve, f.now));
      const linear = m.linear.auction(ctx, m.slots, reserve, f.now);
      const sql = await m.sql.auction(ctx, m.slots, reserve);
      const page = f.placement === 'search' ? `query '${ctx.queryTerms.join(' ')}'` : f.placement;
      if (hawker.length > keep || (f.placement === 'home' && hawker.length !== keep))
        throw new Error(`ads bench: hawker ranked ${hawker.length} ads for ${page} at reserve ${reserve}`);
      assertSameDecisions(`linear for ${page} at reserve ${reserve}`, hawker, linear);
      assertSameDecisions(`sql for ${page} at reserve ${reserve}`, hawker, sql);
      if (reserve === f.reserveMinor) lengths.push(hawker.length);
      if (reserve === f.reserveMinor && i === 0) first = hawker;
    }
  const p = f.planted;
  if (p) {
    const shown = first.slice(0, 5).map((d) => d.adId);
    const expected = [p.sameTarget[0], p.tieOnBid[0], p.tieOnBid[1], p.tieOnScore[0], p.tieOnScore[1]];
    if (shown.join() !== expected.join() || first.some((d) => [p.brokeOwner, p.spentCampaign, p.sameTarget[1]].includes(d.adId)))
      throw new Error(`ads bench: the planted cases did not rank as planted: ${shown.join(', ')}`);
  }
  if (lengths.every((n) => n === 0)) throw new Error(`ads bench: no page of ${f.placement} had any ad`);
  return { check: { reserves, pages: m.pages.length, identical: true, ranked: first }, lengths };
}

function measureSync(mode: AdsMode, position: number, decide: (i: number) => DecidedAd[], o: AdsBenchOptions, lengths: number[]): Segment {
  const warmEnd = performance.now() + 200;
  for (let i = 0; i < o.warmupDecisions && performance.now() < warmEnd; i++) decide(i);
  const lat = new Float64Array(o.maxDecisions);
  let bad = 0;
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + o.maxSeconds * 1000;
  let t = start;
  while (n < o.maxDecisions && t < deadline) {
    const r = decide(n);
    const t1 = performance.now();
    if (r.length !== lengths[n % lengths.length]) bad++;
    lat[n++] = t1 - t;
    t = t1;
  }
  const cpu = process.cpuUsage(cpu0);
  if (bad > 0) throw new Error(`ads bench: ${mode} returned a ranking of another length than in the check in ${bad} of ${n} decisions`);
  return segment(mode, position, lat.subarray(0, n), (t - start) / 1000, n === o.maxDecisions, (cpu.user + cpu.system) / 1e6, null);
}

async function measureAsync(
  mode: AdsMode,
  position: number,
  decide: (i: number) => Promise<DecidedAd[]>,
  o: AdsBenchOptions,
  lengths: number[],
  backendCpu: () => Promise<number | null>,
): Promise<Segment> {
  const warmEnd = performance.now() + 200;
  for (let i = 0; i < o.warmupDecisions && performance.now() < warmEnd; i++) await decide(i);
  const lat = new Float64Array(o.maxDecisions);
  let bad = 0;
  let n = 0;
  const backend0 = await backendCpu();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + o.maxSeconds * 1000;
  let t = start;
  while (n < o.maxDecisions && t < deadline) {
    const r = await decide(n);
    const t1 = performance.now();
    if (r.length !== lengths[n % lengths.length]) bad++;
    lat[n++] = t1 - t;
    t = t1;
  }
  const cpu = process.cpuUsage(cpu0);
  const backend1 = await backendCpu();
  if (bad > 0) throw new Error(`ads bench: ${mode} returned a ranking of another length than in the check in ${bad} of ${n} decisions`);
  const backend = backend0 !== null && backend1 !== null ? backend1 - backend0 : null;
  return segment(mode, position, lat.subarray(0, n), (t - start) / 1000, n === o.maxDecisions, (cpu.user + cpu.system) / 1e6, backend);
}

function segment(
  mode: AdsMode,
  position: number,
  latMs: Float64Array,
  seconds: number,
  byCount: boolean,
  nodeCpuSeconds: number,
  backendCpuSeconds: number | null,
): Segment {
  const sorted = Float64Array.from(latMs).sort();
  const us = (ms: number) => Math.round(ms * 10_000) / 10;
  const n = sorted.length;
  const cpuSeconds = nodeCpuSeconds + (backendCpuSeconds ?? 0);
  return {
    mode,
    position,
    decisions: n,
    seconds: Math.round(seconds * 1000) / 1000,
    endedBy: byCount ? 'decisions' : 'time',
    decisionsPerSecond: Math.round(n / seconds),
    latencyUs: {
      p50: us(percentile(sorted, 50)),
      p90: us(percentile(sorted, 90)),
      p99: us(percentile(sorted, 99)),
      p999: us(percentile(sorted, 99.9)),
      max: us(sorted[n - 1]!),
      mean: us(sorted.reduce((a, b) => a + b, 0) / n),
    },
    nodeCpuSeconds: Math.round(nodeCpuSeconds * 1000) / 1000,
    backendCpuSeconds: backendCpuSeconds === null ? null : Math.round(backendCpuSeconds * 100) / 100,
    decisionsPerCpuSecond: cpuSeconds > 0 ? Math.round(n / cpuSeconds) : 0,
    loadAvg1m: round2(os.loadavg()[0]!),
  };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtUs = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);

function segmentLine(s: Segment): string {
  const cpu = s.backendCpuSeconds !== null ? `, ${fmtInt(s.decisionsPerCpuSecond)}/CPU-s with the backend` : '';
  return `${s.mode.padEnd(6)} ${fmtInt(s.decisionsPerSecond).padStart(7)}/s  p50 ${fmtUs(s.latencyUs.p50).padStart(9)}  p99 ${fmtUs(s.latencyUs.p99).padStart(9)}  (${fmtInt(s.decisions)} decisions in ${s.seconds.toFixed(1)} s${cpu}; load ${s.loadAvg1m})`;
}

async function runPoint(
  placement: BenchPlacement,
  ads: number,
  o: AdsBenchOptions,
  log: Log,
  onSqlVersion: (v: string) => void,
): Promise<AdsPoint> {
  const campaigns = Math.max(8, Math.round(ads / 10));
  const owners = Math.max(8, Math.round(campaigns * 0.8));
  const f = buildAdFixtures({ placement, ads, campaigns, owners, reserveMinor: o.reserves[placement], seed: o.seed });
  const label = `${placement} ${fmtInt(ads)}`;
  log(
    `${label}: ${fmtInt(ads)} bids, ${fmtInt(campaigns)} campaigns, ${fmtInt(owners)} owners, ${fmtInt(f.eligibleAds)} eligible, ${f.queries.length} page(s) in turn; loading PostgreSQL`,
  );
  // replace() builds and sorts the lists: what a reload costs, and (the sort) what a decision pays when it re-sorts after stats moved.
  const index = new AdIndex();
  const replaceMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    index.replace(f.bids, f.campaigns, f.balances, f.stats);
    replaceMs.push(Math.round((performance.now() - t0) * 100) / 100);
  }
  log(`${label}: AdIndex.replace took ${replaceMs.join(', ')} ms`);
  if (index.size !== ads) throw new Error(`ads bench: the index holds ${index.size} bids, expected ${ads}`);
  const linear = new LinearAds(f.bids, f.campaigns, f.balances, f.stats);
  const sql = await openSqlAds(o.adminUrl, f, log);
  try {
    onSqlVersion(sql.serverVersion);
    const slots = AD_SLOT_POSITIONS[placement].length;
    const pages: AdContext[] = f.queries.map((queryTerms) => ({ placement, queryTerms, category: null, listingId: null }));
    const m: Modes = { pages, slots, index, linear, sql, f };
    const { check, lengths } = await checkSame(m);
    log(
      `${label}: hawker, linear and sql rank the same ads at the same prices on ${check.pages} page(s) at reserves ${check.reserves.join(', ')}; ` +
        `first page's slots ${check.ranked
          .filter((d) => d.slot !== null)
          .map((d) => `${d.slot}: ${d.priceMinor}`)
          .join(', ')}; ${lengths.reduce((a, b) => a + b, 0) / lengths.length} ranked per page on average`,
    );
    const page = (i: number) => pages[i % pages.length]!;
    const reserve = f.reserveMinor;
    const rounds: AdsPoint['rounds'] = [];
    for (let r = 0; r < o.rounds; r++) {
      // Rotated, so no mode always runs first (cold) or right after the SQL one (PostgreSQL's CPU still busy).
      const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]!);
      const segments: Segment[] = [];
      for (const [position, mode] of order.entries()) {
        let s: Segment;
        if (mode === 'hawker') s = measureSync(mode, position, (i) => fromIndex(index.auction(page(i), slots, reserve, f.now)), o, lengths);
        else if (mode === 'linear') s = measureSync(mode, position, (i) => linear.auction(page(i), slots, reserve, f.now), o, lengths);
        else
          s = await measureAsync(
            mode,
            position,
            (i) => sql.auction(page(i), slots, reserve),
            o,
            lengths,
            () => sql.backendCpuSeconds(),
          );
        segments.push(s);
        log(`${label}, round ${r + 1}/${o.rounds}: ${segmentLine(s)}`);
      }
      rounds.push({ round: r + 1, order, segments });
    }
    const of = (mode: AdsMode) => rounds.map((rd) => rd.segments.find((s) => s.mode === mode)!);
    const summary = (mode: AdsMode): ModeSummary => ({
      decisionsPerSecond: spread(of(mode).map((s) => s.decisionsPerSecond)),
      p50Us: spread(of(mode).map((s) => s.latencyUs.p50)),
      p99Us: spread(of(mode).map((s) => s.latencyUs.p99)),
      decisionsPerCpuSecond: spread(of(mode).map((s) => s.decisionsPerCpuSecond)),
      decisions: of(mode).reduce((n, s) => n + s.decisions, 0),
    });
    const per = (fn: (h: Segment, other: Segment) => number, other: AdsMode) => spread(of('hawker').map((h, i) => fn(h, of(other)[i]!)));
    return {
      placement,
      ads,
      queries: pages.length,
      campaigns,
      owners,
      eligibleAds: f.eligibleAds,
      hawkerReplaceMs: replaceMs,
      check,
      sqlPlan: sql.plan,
      rounds,
      modes: { hawker: summary('hawker'), linear: summary('linear'), sql: summary('sql') },
      ratios: {
        hawkerVsSql: per((h, s) => h.decisionsPerSecond / s.decisionsPerSecond, 'sql'),
        hawkerVsLinear: per((h, l) => h.decisionsPerSecond / l.decisionsPerSecond, 'linear'),
        hawkerVsSqlPerCpu: per((h, s) => h.decisionsPerCpuSecond / s.decisionsPerCpuSecond, 'sql'),
        sqlP99OverHawkerP99: per((h, s) => s.latencyUs.p99 / h.latencyUs.p99, 'sql'),
      },
    };
  } finally {
    await sql.close();
  }
}

/** `npm run bench -- ads`: ad decision latency and decisions per second on one core, AdIndex vs a linear scan vs a PostgreSQL top-k query. */
export async function runAdsBench(o: AdsBenchOptions, log: Log, full = false): Promise<AdsReport> {
  const startedAt = new Date();
  const loadAvgBefore = os.loadavg().map(round2);
  const disturbed = loadAvgBefore[0]! > DISTURBED_LOADAVG;
  const code = await measuredCode(MEASURED_FILES);
  const dirty = Object.entries(code.files).filter(([, f]) => f.modified);
  if (dirty.length > 0) log(`measuring uncommitted changes in ${dirty.map(([f]) => f).join(', ')} (on ${code.commit.slice(0, 10)})`);
  if (disturbed) log(`load average ${loadAvgBefore.join(' ')} at the start (> ${DISTURBED_LOADAVG}): this run is marked disturbed`);
  let postgres = '?';
  const points: AdsPoint[] = [];
  for (const ads of o.sizes) points.push(await runPoint('home', ads, o, log, (v) => (postgres = v)));
  for (const ads of o.searchSizes) points.push(await runPoint('search', ads, o, log, (v) => (postgres = v)));
  const cpus = os.cpus();
  const head = points.find((p) => p.placement === 'home' && p.ads === TARGETS.ads);
  const search = points.find((p) => p.placement === 'search' && p.ads === TARGETS.ads);
  const pick = (p: AdsPoint, mode: AdsMode): Figures => ({
    p50Us: p.modes[mode].p50Us.median,
    p99Us: p.modes[mode].p99Us.median,
    decisionsPerSecond: p.modes[mode].decisionsPerSecond.median,
  });
  const finishedAt = new Date();
  const { adminUrl: _adminUrl, ...options } = o;
  return {
    scenario: 'ads',
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSec: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
    full,
    code,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      totalMemMb: Math.round(os.totalmem() / 2 ** 20),
      node: process.version,
      postgres,
      platform: `${os.platform()} ${os.arch()}`,
      kernel: os.release(),
      loadAvgBefore,
      loadAvgAfter: os.loadavg().map(round2),
      disturbed,
    },
    options,
    method: METHOD,
    points,
    summary: {
      ads: head ? head.ads : null,
      hawker: head ? pick(head, 'hawker') : null,
      linear: head ? pick(head, 'linear') : null,
      sql: head ? pick(head, 'sql') : null,
      ratioVsSql: head ? head.ratios.hawkerVsSql.median : null,
      ratioVsLinear: head ? head.ratios.hawkerVsLinear.median : null,
      search: search
        ? {
            hawker: pick(search, 'hawker'),
            linear: pick(search, 'linear'),
            sql: pick(search, 'sql'),
            ratioVsSql: search.ratios.hawkerVsSql.median,
            ratioVsLinear: search.ratios.hawkerVsLinear.median,
          }
        : null,
      targets: TARGETS,
      met: head
        ? {
            p99: head.modes.hawker.p99Us.median <= TARGETS.p99Ms * 1000,
            decisionsPerSecond: head.modes.hawker.decisionsPerSecond.median >= TARGETS.decisionsPerSecond,
            ratioVsSql: head.ratios.hawkerVsSql.median >= TARGETS.ratioVsSql,
          }
        : null,
      metEveryRound: head
        ? {
            p99: head.modes.hawker.p99Us.max <= TARGETS.p99Ms * 1000,
            decisionsPerSecond: head.modes.hawker.decisionsPerSecond.min >= TARGETS.decisionsPerSecond,
            ratioVsSql: head.ratios.hawkerVsSql.min >= TARGETS.ratioVsSql,
          }
        : null,
    },
  };
}
