import { lineChart } from '../report/svg-chart.js';
import { CLICK_MODES, STEP_LIMITS, TARGETS, type AdClicksReport, type ClickMode } from './clicks-report.js';
import { machineLine } from '../report/machine.js';
import type { Spread } from './ads-report.js';

const COLORS: Record<ClickMode, string> = { billed: '#16a34a', redirect: '#2563eb' };
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(n >= 100 ? 0 : n >= 1 ? 1 : 2)} ms`;
const range = (s: Spread | null, f: (n: number) => string) => (s ? `${f(s.median)} [${f(s.min)}–${f(s.max)}]` : '-');
const times = (n: number) => `${n >= 10 ? n.toFixed(1) : n.toPrecision(2)}×`;
const UNIT: Record<ClickMode, string> = { billed: 'billed clicks/s', redirect: 'redirects/s' };

/** The CLI summary: each round's peaks, the ramp by step (medians over rounds), the money, then the target. */
export function formatAdClicksReport(r: AdClicksReport): string {
  const m = r.machine;
  const s = r.summary;
  const fx = r.fixtures;
  const lines = [
    `machine: ${machineLine(m)}`,
    `code: ${r.code.commit.slice(0, 10)}${Object.entries(r.code.files)
      .filter(([, f]) => f.modified)
      .map(([file]) => ` + uncommitted ${file}`)
      .join('')}`,
    `fixtures: ${fx.campaigns} campaigns on 2 api nodes — ${fx.capped} capped (daily budgets ${int(Math.min(...fx.cappedBudgetsMinor))}–${int(Math.max(...fx.cappedBudgetsMinor))}, ${Math.round(r.options.cappedShare * 100)} % of clicks), ${fx.open} open; prices ${r.options.priceMinor.join('–')}`,
    '',
    `peaks per round (highest rate with every answer a 302 to the target and p99 ≤ ${STEP_LIMITS.p99Ms} ms):`,
  ];
  for (const rd of r.rounds) {
    const peak = (mode: ClickMode) => {
      const p = rd.peaks[mode];
      return p ? `${mode} ${int(p.perSecond)}/s at ${p.concurrency} in flight (p50 ${ms(p.p50Ms)}, p99 ${ms(p.p99Ms)})` : `${mode} -`;
    };
    lines.push(
      `  round ${rd.round} (${rd.order.join(' then ')}): ${peak('billed')}; ${peak('redirect')}${rd.ratio === null ? '' : `; ratio ${rd.ratio.toFixed(3)}`}`,
    );
  }
  lines.push('', 'by requests in flight, median [min–max] over the rounds that ran the step:');
  for (const mode of CLICK_MODES)
    for (const b of r.byConcurrency[mode])
      lines.push(
        `  ${mode.padEnd(8)} ${String(b.concurrency).padStart(3)}: ${range(b.perSecond, int).padEnd(26)} ${UNIT[mode].padEnd(16)} p50 ${range(b.p50Ms, ms).padEnd(28)} p99 ${range(b.p99Ms, ms)}  (${b.rounds} rounds)`,
      );
  const o = r.final.outcomes;
  const other = Object.entries(o).filter(([k]) => k !== 'billed' && k !== 'budget');
  const c = r.final.check;
  lines.push(
    '',
    `billed clicks/s (peak, median [min–max] over ${r.rounds.length} rounds): ${range(s.billedPerSecond, int)} (${range(s.billedAnswersPerSecond, int)} clicks answered/s at those steps)`,
    `redirects/s (baseline): ${range(s.redirectsPerSecond, int)}; billed ÷ redirect: ${range(s.ratio, times)}`,
    `latency at the peak: billed p50 ${range(s.billedP50Ms, ms)}, p99 ${range(s.billedP99Ms, ms)}; redirect p50 ${range(s.redirectP50Ms, ms)}, p99 ${range(s.redirectP99Ms, ms)}`,
    `CPU per answered click at the peaks: billed ${range(s.billedMachineMsPerClick, ms)} for the machine (api ${range(s.billedApiMsPerClick, ms)}), redirect ${range(s.redirectMachineMsPerClick, ms)} (api ${range(s.redirectApiMsPerClick, ms)}); ` +
      `PostgreSQL backends waiting on a row lock during the billed peak: ${range(s.billedRowLockWaiters, (n) => n.toFixed(1))}`,
    `clicks in the run: ${int(o.billed ?? 0)} billed, ${int(o.budget ?? 0)} refused for budget${other.length ? `, ${other.map(([k, n]) => `${int(n)} ${k}`).join(', ')}` : ''}; ` +
      `${r.final.cappedExhausted} of ${fx.capped} capped campaigns exhausted their daily budget (${r.final.cappedNotExhausted} did not), ${c.overBudget} passed it by at most ${int(c.maxOverBudgetMinor)} (one click), overspend ${int(s.overspendMinor)}; ` +
      `ad revenue ${int(c.adRevenueMinor)} = billed ${int(c.billedMinor)}; ledger self-check ${r.final.ledgerProblemCount === 0 ? 'clean' : `${r.final.ledgerProblemCount} PROBLEMS`}`,
  );
  if (s.problems.length > 0) lines.push(`PROBLEMS (the run is not valid):`, ...s.problems.map((p) => `  ${p}`));
  if (s.met && s.billedPerSecond) {
    const every = s.metEveryRound?.billedPerSecond ? '' : s.met.billedPerSecond ? ' (not in every round)' : '';
    lines.push(
      `target ≥ ${int(TARGETS.billedClicksPerSecond)} billed clicks/s across ${TARGETS.nodes} nodes: ${s.met.billedPerSecond ? 'met' : 'NOT met'}${every} (${int(s.billedPerSecond.median)}/s); 0 overspend: ${s.met.overspend ? 'met' : 'NOT met'}`,
    );
  } else lines.push('target: no billed step passed, nothing to judge');
  if (m.disturbed) lines.push('the run started on a busy machine (disturbed): compare the ratio, not the absolute figures');
  return lines.join('\n');
}

/** The ramp, step by step (medians over rounds): billed clicks/s, redirects/s and p99 of both. */
export function adClicksChart(r: AdClicksReport): string {
  const by = r.byConcurrency;
  const pts = (mode: ClickMode, pick: (b: (typeof by.billed)[number]) => number) => by[mode].map((b) => [b.step, pick(b)] as const);
  return lineChart({
    title: `Ad clicks on 2 api nodes, ${r.fixtures.campaigns} campaigns (${r.startedAt.slice(0, 16)}Z${r.machine.disturbed ? ', DISTURBED' : ''})`,
    xLabel: `ramp step (1 = ${r.options.startConcurrency} requests in flight, doubling per step); medians over ${r.rounds.length} rounds`,
    panels: [
      {
        title: `Billed clicks per second (median peak ${r.summary.billedPerSecond ? int(r.summary.billedPerSecond.median) : '-'})`,
        yLabel: 'billed clicks/s',
        series: [{ name: 'billed', color: COLORS.billed, points: pts('billed', (b) => b.perSecond.median) }],
        thresholds: [{ y: TARGETS.billedClicksPerSecond, label: `target ${int(TARGETS.billedClicksPerSecond)}/s` }],
      },
      {
        title: `Redirects per second, baseline (median peak ${r.summary.redirectsPerSecond ? int(r.summary.redirectsPerSecond.median) : '-'})`,
        yLabel: 'redirects/s',
        series: [{ name: 'redirect', color: COLORS.redirect, points: pts('redirect', (b) => b.perSecond.median) }],
      },
      {
        title: 'p99 latency',
        yLabel: 'ms',
        series: CLICK_MODES.map((mode) => ({ name: mode, color: COLORS[mode], points: pts(mode, (b) => b.p99Ms.median) })),
        thresholds: [{ y: STEP_LIMITS.p99Ms, label: `step limit ${STEP_LIMITS.p99Ms} ms` }],
      },
    ],
  });
}
