import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultOptions } from '../src/chat/options.js';
import { writeChatReport } from '../src/chat/output.js';
import type { ChatReport } from '../src/chat/report.js';
import { runChatBench } from '../src/chat/run.js';

/**
 * Keeps `npm run bench -- chat` from rotting: the real scenario (a fresh
 * database, real api nodes on PostgreSQL + Redis, the viewer and sender
 * processes, the raw ws floor) at a tiny size, two rounds. Not a performance
 * test: it only checks that every run delivered, that the order rotated and
 * that the report is complete.
 */
const outDir = await mkdtemp(path.join(os.tmpdir(), 'hawker-chat-smoke-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

const tcp = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;

describe('chat bench (tiny)', () => {
  it('runs the three modes in two rotated rounds with 50 viewers, delivers every message, writes a complete report and closes what it opened', async () => {
    const before = tcp();
    const report = await runChatBench(
      {
        ...defaultOptions(),
        viewers: 50,
        viewerProcesses: 1,
        ratePerSecond: 5,
        senders: 8,
        seconds: 2,
        warmupSeconds: 0.5,
        drainSeconds: 5,
        rounds: 2,
      },
      () => undefined,
    );

    // Where it ran: versions read from the servers themselves, and the load it started under.
    expect(report.machine).toMatchObject({ postgres: expect.stringMatching(/^\d+\.\d+/), redis: expect.stringMatching(/^\d+\.\d+/) });
    expect(report.machine.disturbed).toBe(report.machine.loadAvgBefore[0]! > 0.5);
    expect(report.runs.map((m) => [m.round, m.mode, m.chatBatchMs])).toEqual([
      [1, 'batched', 100],
      [1, 'naive', 0],
      [1, 'floor', 100],
      [2, 'naive', 0],
      [2, 'floor', 100],
      [2, 'batched', 100],
    ]);
    for (const m of report.runs) {
      expect(m.viewers).toBe(50);
      expect(m.accepted).toBeGreaterThan(0);
      expect(m.window.deliveries).toBeGreaterThan(0);
      expect(m.totals.deliveries).toBe(m.totals.expected);
      expect(m.totals.perSocket).toEqual({ min: m.accepted, max: m.accepted });
      expect(m.latencyMs.samples).toBeGreaterThan(0);
      expect(m.fanoutLatencyMs.samples).toBeGreaterThan(0);
      expect(m.broadcast.wallMs).toBeGreaterThanOrEqual(0);
    }
    for (const m of report.runs.filter((x) => x.mode === 'naive')) expect(m.totals.batchFrames).toBe(0);
    // Medians with min/max over the two runs of each mode; the verdicts on the medians.
    expect(report.modes.map((m) => [m.mode, m.runs])).toEqual([
      ['batched', 2],
      ['naive', 2],
      ['floor', 2],
    ]);
    for (const m of report.modes) {
      const mine = report.runs.filter((x) => x.mode === m.mode).map((x) => x.window.deliveriesPerSec);
      expect(m.deliveriesPerSec).toEqual({
        median: Math.round((mine[0]! + mine[1]!) / 2),
        min: Math.min(...mine),
        max: Math.max(...mine),
        rounds: mine,
      });
      expect(m.completePct.median).toBe(100);
    }
    expect(report.summary.deliveriesPerSec.batched).toBe(report.modes[0]!.deliveriesPerSec.median);
    expect(report.summary.ratioByRound?.rounds).toHaveLength(2);
    // The raw floor: the batched mode's CPU per delivery as a ratio of its.
    expect(report.summary.vsFloor).toBeGreaterThan(0);
    expect(report.summary.vsFloorByRound?.rounds).toHaveLength(2);
    expect(report.summary.met.floor).not.toBeNull();
    expect(report.wire).toEqual({ perMessageDeflate: false, negotiatedExtensions: '' });
    expect(report.summary.ratio).toBeGreaterThan(0);
    expect(report.summary.met).toHaveProperty('p99');

    // The api nodes, the databases' and Redis connections and the child processes are gone.
    expect(tcp()).toBe(before);

    const [stamped, latest, svg] = await writeChatReport(report, outDir);
    expect(path.basename(stamped!)).toMatch(/^chat-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.json$/);
    const saved = JSON.parse(await readFile(latest!, 'utf8')) as ChatReport;
    expect(saved).toMatchObject({ scenario: 'chat', schemaVersion: 2, options: { viewers: 50, rounds: 2 } });
    expect(saved.runs).toHaveLength(6);
    expect(saved.options).not.toHaveProperty('adminUrl');
    expect(await readFile(svg!, 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<polyline/);
  }, 300_000);
});
