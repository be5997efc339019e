import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { formatPageWeightReport, pageWeightChart } from '../src/page-weight/output.js';
import { runPageWeightBench, type PageWeightReport } from '../src/page-weight/run.js';
import { writeResults } from '../src/report/results.js';

/**
 * Keeps `npm run bench -- page-weight` from rotting: the real scenario (its
 * own database, a media-server, an api serving web/dist, a creator live from
 * /studio with Chromium's fake camera) with one round of a WebRTC viewer and a
 * viewer the full SFU sends to HLS, compressed and not. Not a performance
 * test: it checks each viewer played the path it should, the bytes add up
 * against the build's own files, and everything is gone afterwards.
 */
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const outDir = await mkdtemp(path.join(os.tmpdir(), 'hawker-page-weight-smoke-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

describe('page-weight bench (one round)', () => {
  it('measures a WebRTC viewer and a refused one that falls back to HLS, compressed and not', { timeout: 120_000 }, async () => {
    const report = await runPageWeightBench(
      {
        modes: ['webrtc', 'fallback'],
        encodings: ['compressed', 'identity'],
        rounds: 1,
        warmup: false,
        firstFrameTimeoutMs: 30_000,
        rtcMinPort: 46_000,
        rtcMaxPort: 46_099,
        adminUrl,
      },
      () => undefined,
    );
    expect(report.samples).toHaveLength(4);
    for (const s of report.samples) {
      expect(s.playedAs).toBe(s.mode === 'webrtc' ? 'webrtc' : 'hls');
      expect(s.mediaRefusal).toBe(s.mode === 'fallback' ? 'webrtc_capacity' : null);
      expect(s.firstFrameMs).toBeGreaterThan(0);
      expect(s.advancedSeconds).toBeGreaterThanOrEqual(0.5);
      expect(s.js.requests).toBeGreaterThan(0);
      if (s.encoding === 'identity') expect(s.js.wireBodyBytes).toBe(s.js.decodedBytes);
    }
    const cell = (mode: string, encoding: string) => report.cells.find((c) => c.mode === mode && c.encoding === encoding)!;
    // The same scripts either way; compression only shrinks them.
    expect(cell('webrtc', 'compressed').jsDecodedBytes.median).toBe(cell('webrtc', 'identity').jsDecodedBytes.median);
    expect(cell('webrtc', 'compressed').jsWireBytes.median).toBeLessThan(cell('webrtc', 'identity').jsWireBytes.median / 2);
    // The fallback viewer loaded the WebRTC chunks and then hls.js as well.
    expect(cell('fallback', 'compressed').jsWireBytes.median).toBeGreaterThan(cell('webrtc', 'compressed').jsWireBytes.median);
    expect(report.summary.checks).toMatchObject({ matchesBuild: true, resourceTimingAgrees: true });
    expect(report.files.webrtc!.length).toBeGreaterThan(0);
    expect(report.files.webrtc!.every((f) => f.contentEncoding === null || f.contentEncoding === 'br')).toBe(true);
    expect(typeof report.summary.met).toBe('boolean');
    expect(report.rounds[0]!.order).toEqual(['webrtc/compressed', 'webrtc/identity', 'fallback/compressed', 'fallback/identity']);
    expect(formatPageWeightReport(report)).toContain('first WebRTC frame');

    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const left = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`hawker_bench_page_weight_%_${process.pid}`]);
    await admin.end();
    expect(left.rows).toEqual([]);

    const files = await writeResults(outDir, 'page-weight', report, pageWeightChart(report), { latest: false });
    expect(await readdir(outDir)).toHaveLength(1);
    const saved = JSON.parse(await readFile(files[0]!, 'utf8')) as PageWeightReport;
    expect(saved).toMatchObject({ scenario: 'page-weight', schemaVersion: 1, full: false });
    expect(saved.options).not.toHaveProperty('adminUrl');
    expect(pageWeightChart(report)).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<polyline/);
  });
});
