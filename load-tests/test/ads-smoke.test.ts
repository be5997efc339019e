import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { adsChart, formatAdsReport } from '../src/ads/output.js';
import { assertSameDecisions, runAdsBench, type AdsReport } from '../src/ads/run.js';
import { writeResults } from '../src/report/results.js';

/**
 * Keeps `npm run bench -- ads` from rotting: the real scenario (AdIndex, the
 * linear scan, a PostgreSQL table of its own) at a tiny size. Not a
 * performance test: it checks that the three modes agreed, every segment
 * ran, the database is gone and a partial run writes no -latest files.
 */
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const outDir = await mkdtemp(path.join(os.tmpdir(), 'hawker-ads-smoke-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

describe('ads bench (tiny)', () => {
  it('decides the same ads in all three modes, measures each in rotated order and drops its database', { timeout: 120_000 }, async () => {
    const report = await runAdsBench(
      {
        sizes: [300],
        searchSizes: [400],
        rounds: 3,
        maxDecisions: 50,
        maxSeconds: 0.5,
        warmupDecisions: 5,
        reserves: { home: 15, search: 20 },
        seed: 11,
        adminUrl,
      },
      () => undefined,
    );
    const [point, search] = report.points;
    expect(point).toMatchObject({
      placement: 'home',
      ads: 300,
      queries: 1,
      campaigns: 30,
      owners: 24,
      check: { identical: true, reserves: [15, 165] },
    });
    expect(search).toMatchObject({
      placement: 'search',
      ads: 400,
      queries: 64,
      check: { identical: true, pages: 64, reserves: [20, 170] },
    });
    expect(search!.sqlPlan).toMatch(/bench_ads_terms/);
    expect(search!.rounds.flatMap((r) => r.segments).every((s) => s.decisions > 0)).toBe(true);
    expect(point!.check.ranked.map((d) => d.slot)).toEqual([1, 2, 3, 4, null, null, null]);
    expect(point!.sqlPlan).toMatch(/Index Only Scan using bench_ads_top/);
    expect(point!.rounds.map((r) => r.order)).toEqual([
      ['hawker', 'linear', 'sql'],
      ['linear', 'sql', 'hawker'],
      ['sql', 'hawker', 'linear'],
    ]);
    for (const r of point!.rounds)
      for (const s of r.segments) {
        expect(s.decisions).toBeGreaterThan(0);
        expect(s.decisions).toBeLessThanOrEqual(50);
        expect(s.latencyUs.p99).toBeGreaterThanOrEqual(s.latencyUs.p50);
      }
    expect(point!.modes.sql.decisionsPerSecond.rounds).toHaveLength(3);
    expect(report.machine.postgres).toMatch(/^\d+\.\d+/);
    expect(Object.keys(report.code.files)).toContain('api/src/services/ad-index.ts');
    expect(report.code.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(report.summary.met).toBeNull(); // judged at 10,000 ads only
    expect(formatAdsReport(report)).toContain('home: 300 bids');

    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const left = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`hawker_bench_ads_%_${process.pid}`]);
    await admin.end();
    expect(left.rows).toEqual([]);

    const files = await writeResults(outDir, 'ads', report, adsChart(report), { latest: false });
    expect(files.map((f) => path.basename(f))).toEqual([expect.stringMatching(/^ads-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.json$/)]);
    expect(await readdir(outDir)).toHaveLength(1);
    const saved = JSON.parse(await readFile(files[0]!, 'utf8')) as AdsReport;
    expect(saved).toMatchObject({ scenario: 'ads', schemaVersion: 1, full: false });
    expect(saved.options).not.toHaveProperty('adminUrl');
    expect(adsChart(report)).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<polyline/);
  });

  it('fails loudly when a mode prices differently', () => {
    const ad = { adId: 'a', bidId: 'b', targetId: 't', slot: 1, priceMinor: 20, score: 1.5 };
    expect(() => assertSameDecisions('x', [ad], [ad])).not.toThrow();
    expect(() => assertSameDecisions('sql', [ad], [{ ...ad, priceMinor: 21 }])).toThrow(/sql differs at rank 1/);
    expect(() => assertSameDecisions('sql', [ad], [])).toThrow(/differs at rank 1/);
  });
});
