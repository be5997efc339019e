import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultOptions } from '../src/sfu/options.js';
import { writeSfuReport } from '../src/sfu/output.js';
import type { SfuReport } from '../src/sfu/report.js';
import { runSfuBench } from '../src/sfu/run.js';

/**
 * Keeps `npm run bench -- sfu` from rotting: the real scenario (mediasoup
 * worker, helper processes, UDP sinks), one small step, ~10 s. Not a
 * performance test: the thresholds only say "packets were forwarded".
 */
const outDir = await mkdtemp(path.join(os.tmpdir(), 'hawker-sfu-smoke-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

describe('sfu bench (quick)', () => {
  it('forwards 20 viewers with little loss through every target and writes a complete report', async () => {
    const udpBefore = process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
    const report = await runSfuBench({ ...defaultOptions(true), steps: [20], stepSeconds: 2, outDir });

    expect(report.steps.map((s) => s.target)).toEqual(['mediasoup', 'mediasoup-libuv', 'mediasoup-plain', 'node-relay']);
    for (const step of report.steps) {
      expect(step.viewers).toBe(20);
      expect(step.publishedPackets).toBeGreaterThan(150); // ~115 packets/s for 2.5 s
      expect(step.receivedPackets).toBeGreaterThan(0);
      expect(step.lossPct).toBeLessThan(5);
      expect(step.forwarderCpuPct).toBeGreaterThan(0);
      expect(step.latencyMs.samples).toBeGreaterThan(0);
      expect(step.latencyMs.p95).toBeGreaterThan(0);
      // The SRTP targets' latency viewer decrypts what it reads: every packet authenticated.
      expect(step.latencyViewerRejected).toBe(0);
    }
    expect(report.steps[0]?.consumerSample?.[0]).toMatchObject({ role: 'producer-video' });

    // Everything the run opened is closed again: sockets here, children exited.
    expect(process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length).toBe(udpBefore);

    const [stamped, latest, svg] = await writeSfuReport(report, outDir);
    expect(path.basename(stamped!)).toMatch(/^sfu-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.json$/);
    const saved = JSON.parse(await readFile(latest!, 'utf8')) as SfuReport;
    expect(saved).toMatchObject({ scenario: 'sfu', schemaVersion: 1, options: { steps: [20], quick: true } });
    expect(Object.keys(saved.machine)).toEqual(expect.arrayContaining(['cpus', 'node', 'mediasoup']));
    expect(saved.machine.mediasoup).toBe('3.13.16');
    expect(Object.keys(saved.steps[0]!)).toEqual(
      expect.arrayContaining([
        'expectedPackets',
        'receivedPackets',
        'lossPct',
        'forwarderCpuPct',
        'forwardedPerCore',
        'sinkCpuPct',
        'latencyMs',
      ]),
    );
    expect(saved.summary.mediasoup).toMatchObject({ target: 'mediasoup', carries: 20 });
    expect(saved.summary.ratios.mediasoupVsRelay).toMatchObject({ viewers: 20 });
    expect(saved.summary.ratios.mediasoupVsLibuv).toMatchObject({ viewers: 20 });
    expect(saved.summary.met).toHaveProperty('viewersPerWorker', false);
    expect(await readFile(svg!, 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<polyline/);
  });
});
