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
 * processes) at a tiny size. Not a performance test: it only checks that
 * both modes delivered and that the report is complete.
 */
const outDir = await mkdtemp(path.join(os.tmpdir(), 'hawker-chat-smoke-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

const tcp = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;

describe('chat bench (tiny)', () => {
  it('runs both modes with 50 viewers, delivers every message, writes a complete report and closes what it opened', async () => {
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
      },
      () => undefined,
    );

    // Where it ran: versions read from the servers themselves, and the load it started under.
    expect(report.machine).toMatchObject({ postgres: expect.stringMatching(/^\d+\.\d+/), redis: expect.stringMatching(/^\d+\.\d+/) });
    expect(report.machine.disturbed).toBe(report.machine.loadAvgBefore[0]! > 0.5);
    expect(report.modes.map((m) => [m.mode, m.chatBatchMs])).toEqual([
      ['batched', 100],
      ['naive', 0],
    ]);
    for (const m of report.modes) {
      expect(m.viewers).toBe(50);
      expect(m.accepted).toBeGreaterThan(0);
      expect(m.window.deliveries).toBeGreaterThan(0);
      expect(m.totals.deliveries).toBe(m.totals.expected);
      expect(m.totals.perSocket).toEqual({ min: m.accepted, max: m.accepted });
      expect(m.latencyMs.samples).toBeGreaterThan(0);
      expect(m.fanoutLatencyMs.samples).toBeGreaterThan(0);
      expect(m.broadcast.wallMs).toBeGreaterThanOrEqual(0);
    }
    expect(report.modes[1]!.totals.batchFrames).toBe(0);
    expect(report.wire).toEqual({ perMessageDeflate: false, negotiatedExtensions: '' });
    expect(report.summary.ratio).toBeGreaterThan(0);
    expect(report.summary.met).toHaveProperty('p99');

    // The api nodes, the databases' and Redis connections and the child processes are gone.
    expect(tcp()).toBe(before);

    const [stamped, latest, svg] = await writeChatReport(report, outDir);
    expect(path.basename(stamped!)).toMatch(/^chat-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.json$/);
    const saved = JSON.parse(await readFile(latest!, 'utf8')) as ChatReport;
    expect(saved).toMatchObject({ scenario: 'chat', schemaVersion: 1, options: { viewers: 50 } });
    expect(saved.options).not.toHaveProperty('adminUrl');
    expect(await readFile(svg!, 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<polyline/);
  }, 180_000);
});
