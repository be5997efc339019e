import { writeResults } from '../report/results.js';
import { lineChart, type Series } from '../report/svg-chart.js';
import { TARGETS, type ChatReport, type ModeName, type ModeResult } from './report.js';

const COLORS: Record<ModeName, string> = { batched: '#2563eb', naive: '#d97706', floor: '#6b7280' };

/** One line per run, coloured by mode. */
function series(runs: ModeResult[], pick: (t: ModeResult['timeline'][number]) => number | null): Series[] {
  return runs.map((m) => ({
    name: `${m.mode} (${m.chatBatchMs} ms) r${m.round}`,
    color: COLORS[m.mode],
    points: m.timeline.filter((t) => t.second >= 0).map((t) => [t.second, pick(t)] as const),
  }));
}

export function chatChart(r: ChatReport): string {
  const viewers = r.runs[0]?.viewers ?? r.options.viewers;
  return lineChart({
    title: `Chat fan-out: ${viewers} viewers in one room, ${r.options.ratePerSecond} msg/s offered, ${r.options.rounds} rounds (${r.machine.cpus} cpus, ${r.startedAt.slice(0, 16)}Z)`,
    xLabel: `seconds since the senders started (they stop at ${r.options.seconds} s)`,
    panels: [
      { title: 'Messages delivered per second (all viewers)', yLabel: 'deliveries/s', series: series(r.runs, (t) => t.deliveries) },
      {
        title: 'Delivery latency, mean per second of arrival',
        yLabel: 'ms',
        series: series(r.runs, (t) => t.meanLatencyMs),
        thresholds: [{ y: TARGETS.p99Ms, label: `p99 target ${TARGETS.p99Ms} ms` }],
      },
      { title: 'Delivery latency, worst per second of arrival', yLabel: 'ms', series: series(r.runs, (t) => t.maxLatencyMs) },
    ],
  });
}

/** Writes chat-<timestamp>.json, chat-latest.json and chat-latest.svg; returns their paths. */
export function writeChatReport(report: ChatReport, outDir: string): Promise<string[]> {
  return writeResults(outDir, 'chat', report, chatChart(report));
}
