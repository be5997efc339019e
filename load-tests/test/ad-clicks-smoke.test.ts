import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../api/src/repositories/redis.js';
import { adClicksChart, formatAdClicksReport } from '../src/ads/clicks-output.js';
import { cappedBudget, networkAddress } from '../src/ads/clicks-fixtures.js';
import { runAdClicksBench, type AdClicksReport } from '../src/ads/clicks-run.js';
import { writeResults } from '../src/report/results.js';

/**
 * Keeps `npm run bench -- ad-clicks` from rotting: the real scenario (two api
 * nodes in child processes, a database of its own, Redis) at a tiny size.
 * Not a performance test: it checks that both modes ran in alternating
 * order, every click was answered with the right 302, the two small
 * campaigns ran out of budget without overspending, the money adds up, and
 * the database and Redis keys are gone afterwards.
 */
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const outDir = await mkdtemp(path.join(os.tmpdir(), 'hawker-ad-clicks-smoke-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

describe('ad-clicks bench (tiny)', () => {
  it('bills and redirects on two nodes, ramps in alternating order, never overspends and cleans up', { timeout: 120_000 }, async () => {
    const report = await runAdClicksBench(
      {
        rounds: 2,
        startConcurrency: 4,
        maxSteps: 2,
        maxSeconds: 0.4,
        tokensPerSecond: { billed: 500, redirect: 1_000 },
        campaigns: 6,
        cappedCampaigns: 2,
        cappedShare: 0.5,
        cappedBudgetMinor: [100, 300],
        openBudgetMinor: 1_000_000,
        fundMinor: 10_000_000,
        priceMinor: [20, 60],
        maxCpcMinor: 60,
        warmupClicks: 40,
        seed: 11,
        adminUrl,
        redisUrl,
      },
      () => undefined,
    );
    expect(report.summary.problems).toEqual([]);
    expect(report.summary.correct).toBe(true);
    expect(report.rounds.map((r) => r.order)).toEqual([
      ['billed', 'redirect'],
      ['redirect', 'billed'],
    ]);
    for (const r of report.rounds)
      for (const step of [...r.ramps.billed, ...r.ramps.redirect]) {
        expect(step.answered).toBeGreaterThan(0);
        expect(step.verdict).not.toBe('answers');
        expect(step.errors).toBe(0);
        expect(step.latencyMs.p99).toBeGreaterThanOrEqual(step.latencyMs.p50);
        if (step.mode === 'redirect') expect(step.outcomes).toEqual({});
        else {
          expect(step.check).toMatchObject({ ok: true, overspendMinor: 0, doubleBilledTokens: 0 });
          expect(Object.keys(step.outcomes).every((k) => k === 'billed' || k === 'budget')).toBe(true);
          expect(step.billed).toBe(step.outcomes.billed ?? 0);
        }
      }
    expect(report.rounds.every((r) => r.peaks.billed !== null && r.peaks.redirect !== null && r.ratio! > 0)).toBe(true);
    // Both small campaigns ran out (half of all clicks, budgets 100 and 300): refusals for budget, no overspend.
    expect(report.final.cappedExhausted).toBe(2);
    expect(report.final.outcomes.budget).toBeGreaterThan(0);
    expect(Object.keys(report.final.outcomes).sort()).toEqual(['billed', 'budget']);
    expect(report.final.check).toMatchObject({ ok: true, overspendMinor: 0, exhausted: 2 });
    expect(report.final.check.adRevenueMinor).toBe(report.final.check.billedMinor);
    expect(report.final.ledgerProblemCount).toBe(0);
    expect(report.summary.overspendMinor).toBe(0);
    expect(report.summary.met).toEqual({ billedPerSecond: expect.any(Boolean), overspend: true });
    // Where it ran: versions read from the servers themselves, and the load it started under.
    expect(report.machine).toMatchObject({ postgres: expect.stringMatching(/^\d+\.\d+/), redis: expect.stringMatching(/^\d+\.\d+/) });
    expect(report.machine.disturbed).toBe(report.machine.loadAvgBefore[0]! > 0.5);
    expect(report.code.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(report.byConcurrency.billed[0]).toMatchObject({ step: 1, concurrency: 4, rounds: 2 });
    expect(formatAdClicksReport(report)).toContain('billed clicks/s (peak');

    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const left = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`hawker_bench_ad_clicks_%_${process.pid}`]);
    await admin.end();
    expect(left.rows).toEqual([]);
    const redis = await connectRedis(redisUrl);
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `hawker-bench-adclicks-${process.pid}-*`, COUNT: 1000 })) keys.push(...batch);
    await redis.quit();
    expect(keys).toEqual([]);

    const files = await writeResults(outDir, 'ad-clicks', report, adClicksChart(report), { latest: false });
    expect(files.map((f) => path.basename(f))).toEqual([expect.stringMatching(/^ad-clicks-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.json$/)]);
    expect(await readdir(outDir)).toHaveLength(1);
    const saved = JSON.parse(await readFile(files[0]!, 'utf8')) as AdClicksReport;
    expect(saved).toMatchObject({ scenario: 'ad-clicks', schemaVersion: 1, full: false });
    expect(saved.options).not.toHaveProperty('adminUrl');
    expect(saved.options).not.toHaveProperty('redisUrl');
    expect(adClicksChart(report)).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<polyline/);
  });

  it('gives every click its own network and spreads capped budgets geometrically', () => {
    expect([0, 1, 256, 65_535, 65_536].map(networkAddress)).toEqual(['11.0.0.1', '11.0.1.1', '11.1.0.1', '11.255.255.1', '12.0.0.1']);
    expect([0, 1, 2].map((i) => cappedBudget(i, 3, [100, 10_000]))).toEqual([100, 1_000, 10_000]);
  });
});
