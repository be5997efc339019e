import { lineChart } from '../report/svg-chart.js';
import { DISTURBED_LOADAVG, MODES, TARGETS, type AdsReport, type Spread } from './ads-report.js';

const COLORS = { hawker: '#16a34a', linear: '#d97706', sql: '#2563eb' } as const;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const us = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} ms` : `${n.toFixed(1)} µs`);
const range = (s: Spread, f: (n: number) => string) => `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;
const times = (n: number) => `${n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toPrecision(2)}×`;

/** The CLI summary: per size and mode the medians over rounds with [min–max], the ratios, then the targets. */
export function formatAdsReport(r: AdsReport): string {
  const m = r.machine;
  const lines = [
    `machine: ${m.cpus} cpus (${m.cpuModel}), ${int(m.totalMemMb)} MB, Node ${m.node}, PostgreSQL ${m.postgres}; load average ${m.loadAvgBefore.join(' ')} → ${m.loadAvgAfter.join(' ')}${m.disturbed ? ` — DISTURBED (1-min > ${DISTURBED_LOADAVG} at the start)` : ''}`,
    `code: ${r.code.commit.slice(0, 10)}${Object.entries(r.code.files)
      .filter(([, f]) => f.modified)
      .map(([file]) => ` + uncommitted ${file}`)
      .join('')}`,
  ];
  for (const p of r.points) {
    const pages = p.queries > 1 ? `, ${p.queries} queries in turn` : '';
    lines.push(
      '',
      `${p.placement}: ${int(p.ads)} bids (${int(p.eligibleAds)} eligible${pages}), median [min–max] over ${r.options.rounds} rounds:`,
    );
    const col = (text: string, width: number) => `${text.padEnd(width - 1)} `;
    lines.push(`  ${col('mode', 7)}${col('decisions/s', 26)}${col('p50', 34)}${col('p99', 34)}decisions per CPU-second`);
    for (const mode of MODES) {
      const s = p.modes[mode];
      lines.push(
        `  ${col(mode, 7)}${col(range(s.decisionsPerSecond, int), 26)}${col(range(s.p50Us, us), 34)}${col(range(s.p99Us, us), 34)}${range(s.decisionsPerCpuSecond, int)}`,
      );
    }
    const x = p.ratios;
    lines.push(
      `  hawker ÷ sql ${range(x.hawkerVsSql, times)} decisions/s (${range(x.hawkerVsSqlPerCpu, times)} per CPU-second with the backend's); hawker ÷ linear ${range(x.hawkerVsLinear, times)}; sql p99 ÷ hawker p99 ${range(x.sqlP99OverHawkerP99, times)}`,
    );
  }
  const s = r.summary;
  lines.push('');
  if (s.search)
    lines.push(
      `search, ${int(TARGETS.ads)} keyword bids (not part of the targets): hawker p50 ${us(s.search.hawker.p50Us)}, p99 ${us(s.search.hawker.p99Us)}, ${int(s.search.hawker.decisionsPerSecond)} decisions/s; ${times(s.search.ratioVsSql)} sql, ${times(s.search.ratioVsLinear)} linear`,
    );
  if (!s.met || !s.hawker || !s.metEveryRound) {
    lines.push(`targets are judged on 'home' at ${int(TARGETS.ads)} bids: not in this run`);
    return lines.join('\n');
  }
  const verdict = (median: boolean, every: boolean) => `${median ? 'met' : 'NOT met'}${median && !every ? ' (not in every round)' : ''}`;
  lines.push(
    `home at ${int(TARGETS.ads)} bids, hawker (medians over rounds): p99 ${us(s.hawker.p99Us)} (target ≤ ${TARGETS.p99Ms} ms: ${verdict(s.met.p99, s.metEveryRound.p99)}); ` +
      `${int(s.hawker.decisionsPerSecond)} decisions/s on one core (target ≥ ${int(TARGETS.decisionsPerSecond)}: ${verdict(s.met.decisionsPerSecond, s.metEveryRound.decisionsPerSecond)}); ` +
      `${times(s.ratioVsSql!)} the SQL baseline (target ≥ ${TARGETS.ratioVsSql}×: ${verdict(s.met.ratioVsSql, s.metEveryRound.ratioVsSql)}); ${times(s.ratioVsLinear!)} the linear scan`,
  );
  if (r.machine.disturbed) lines.push('the run started on a busy machine (disturbed): compare the ratios, not the absolute figures');
  return lines.join('\n');
}

/** The headline point ('home' at 10,000 bids, else the first point) round by round: the spread the medians come from. */
export function adsChart(r: AdsReport): string {
  const p = r.points.find((x) => x.placement === 'home' && x.ads === TARGETS.ads) ?? r.points[0]!;
  const seg = (round: (typeof p.rounds)[number], mode: (typeof MODES)[number]) => round.segments.find((s) => s.mode === mode)!;
  const per = (pick: (round: (typeof p.rounds)[number]) => number) => p.rounds.map((round) => [round.round, pick(round)] as const);
  return lineChart({
    title: `Ad decisions on one core, ${int(p.ads)} bids in '${p.placement}' (${r.startedAt.slice(0, 16)}Z${r.machine.disturbed ? ', DISTURBED' : ''})`,
    xLabel: 'round (each runs hawker, linear and sql once, in rotated order)',
    panels: [
      {
        title: 'Decisions per second, one at a time',
        yLabel: 'decisions/s',
        series: MODES.map((mode) => ({
          name: `${mode} ${int(p.modes[mode].decisionsPerSecond.median)}/s`,
          color: COLORS[mode],
          points: per((round) => seg(round, mode).decisionsPerSecond),
        })),
        thresholds: [{ y: TARGETS.decisionsPerSecond, label: `target ${int(TARGETS.decisionsPerSecond)}/s` }],
      },
      {
        title: `p99 decision latency (linear: ${us(p.modes.linear.p99Us.median)}, not drawn)`,
        yLabel: 'ms',
        series: (['hawker', 'sql'] as const).map((mode) => ({
          name: `${mode} ${us(p.modes[mode].p99Us.median)}`,
          color: COLORS[mode],
          points: per((round) => seg(round, mode).latencyUs.p99 / 1000),
        })),
        thresholds: [{ y: TARGETS.p99Ms, label: `target ${TARGETS.p99Ms} ms` }],
      },
      {
        title: `hawker ÷ sql, decisions per second in the same round (÷ linear: ${times(p.ratios.hawkerVsLinear.median)})`,
        yLabel: '×',
        series: [
          {
            name: `÷ sql ${times(p.ratios.hawkerVsSql.median)}`,
            color: COLORS.sql,
            points: per((round) => seg(round, 'hawker').decisionsPerSecond / seg(round, 'sql').decisionsPerSecond),
          },
        ],
        thresholds: [{ y: TARGETS.ratioVsSql, label: `target ${TARGETS.ratioVsSql}×` }],
      },
    ],
  });
}
