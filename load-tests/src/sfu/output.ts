import { writeResults } from '../report/results.js';
import { lineChart, type Series } from '../report/svg-chart.js';
import { MAX_CPU_PCT, MAX_LOSS_PCT, TARGETS, type SfuReport, type StepResult } from './report.js';
import type { TargetName } from './target.js';

const COLORS: Record<TargetName, string> = {
  mediasoup: '#1f6feb',
  'mediasoup-libuv': '#059669',
  'mediasoup-plain': '#7c3aed',
  'node-relay': '#d97706',
};
const LABELS: Record<TargetName, string> = {
  mediasoup: 'mediasoup, SRTP (io_uring)',
  'mediasoup-libuv': 'mediasoup, SRTP (libuv build)',
  'mediasoup-plain': 'mediasoup, no SRTP',
  'node-relay': 'Node relay, no SRTP',
};

function series(steps: StepResult[], pick: (s: StepResult) => number | null): Series[] {
  const names = [...new Set(steps.map((s) => s.target))];
  return names.map((name) => ({
    name: LABELS[name],
    color: COLORS[name],
    points: steps.filter((s) => s.target === name).map((s) => [s.viewers, pick(s)] as const),
  }));
}

export function sfuChart(report: SfuReport): string {
  const { steps } = report;
  return lineChart({
    title: `SFU ramp, one worker (${report.machine.cpus} cpus, ${report.startedAt.slice(0, 16)}Z)`,
    xLabel: 'viewers',
    panels: [
      {
        title: 'Loss at the sinks',
        yLabel: 'loss %',
        series: series(steps, (s) => s.lossPct),
        thresholds: [{ y: MAX_LOSS_PCT, label: `${MAX_LOSS_PCT}% limit` }],
      },
      {
        title: 'Forwarder CPU (one process)',
        yLabel: '% of one core',
        series: series(steps, (s) => s.forwarderCpuPct),
        thresholds: [{ y: MAX_CPU_PCT, label: `${MAX_CPU_PCT}% limit` }],
      },
      {
        title: 'One-way forwarding latency p95 (loopback)',
        yLabel: 'ms',
        series: series(steps, (s) => s.latencyMs.p95),
        thresholds: [{ y: TARGETS.latencyP95Ms, label: 'target (WebRTC glass-to-glass)' }],
      },
      {
        title: 'Packets forwarded per second per core',
        yLabel: 'packets/s/core',
        series: series(steps, (s) => s.forwardedPerCore),
        thresholds: [{ y: TARGETS.packetsPerSecPerCore, label: 'target' }],
      },
    ],
  });
}

/** Writes sfu-<timestamp>.json, sfu-latest.json and sfu-latest.svg; returns their paths. */
export function writeSfuReport(report: SfuReport, outDir: string): Promise<string[]> {
  return writeResults(outDir, 'sfu', report, sfuChart(report));
}
