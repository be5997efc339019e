import { describe, expect, it } from 'vitest';
import { runDealBench } from '../src/deal/run.js';

/**
 * Keeps `npm run bench -- deal` from rotting: the real scenario (a real api
 * node on a fresh database and Redis, buyer processes, the naive server) at a
 * tiny size. Not a performance test: it checks that every press is answered
 * and nothing is oversold, in both modes and rotated rounds, and that every
 * Hawker reservation was paid behind its answer.
 */
describe('deal bench (tiny)', () => {
  it('answers every press in both modes, sells exactly the units, oversells nothing', { timeout: 180_000 }, async () => {
    const report = await runDealBench(
      {
        buyers: 60,
        units: 10,
        perBuyerLimit: 1,
        spreadMs: 200,
        buyerProcesses: 2,
        rounds: 2,
        adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
        redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
      },
      () => undefined,
    );
    // Where it ran: versions read from the servers themselves, and the load it started under.
    expect(report.machine).toMatchObject({ postgres: expect.stringMatching(/^\d+\.\d+/), redis: expect.stringMatching(/^\d+\.\d+/) });
    expect(report.machine.disturbed).toBe(report.machine.loadAvgBefore[0]! > 0.5);
    expect(report.modes.map((m) => m.mode)).toEqual(['hawker', 'naive']);
    // Rotated: round 1 runs Hawker first, round 2 the naive server first.
    expect(report.runs.map((r) => `${r.round}:${r.mode}`)).toEqual(['1:hawker', '1:naive', '2:naive', '2:hawker']);
    for (const r of report.runs) {
      expect(r).toMatchObject({ attempts: 60, acked: 60, lost: 0, sold: 10, oversold: 0, overLimitBuyers: 0 });
      expect(r.codes).toEqual(r.mode === 'hawker' ? { reserved: 10, deal_sold_out: 50 } : { ok: 10, deal_sold_out: 50 });
      expect(r.attemptsPerSecond).toBeGreaterThan(0);
      expect(r.joinSeconds).toBeGreaterThan(0);
      expect(r.ackLatencyMs.samples).toBe(60);
      if (r.mode === 'hawker') {
        expect(r.outcomes).toMatchObject({ paid: 10, failed: 0 });
        expect(r.ledgerProblems).toBe(0);
      }
    }
    expect(report.modes[0]!.attemptsPerSecond.rounds).toHaveLength(2);
    expect(report.summary.targets.settled).toBe(true);
    expect(report.summary.targets.oversold).toBe(true);
  });
});
