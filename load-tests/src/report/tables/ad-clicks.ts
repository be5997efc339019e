import type { AdClicksReport } from '../../ads/clicks-report.js';
import { int, met, ms, range, spreadOr, table, times } from './format.js';

// The README's `bench-table:ad-clicks` block, from `ad-clicks-*.json` (see ../readme-tables.ts).

const msPerClick = (n: number) => `${n.toFixed(2)} ms`;

/** A mode's row: the summary holds the same figures for both, `billed…` and `redirect…`. */
function modeRow(s: AdClicksReport['summary'], mode: 'billed' | 'redirect', label: string): string[] {
  return [
    label,
    spreadOr(mode === 'billed' ? s.billedPerSecond : s.redirectsPerSecond, int, mode === 'billed'),
    range(s[`${mode}PeakConcurrency` as const]),
    spreadOr(s[`${mode}P50Ms` as const], ms),
    spreadOr(s[`${mode}P99Ms` as const], ms),
    spreadOr(s[`${mode}MachineMsPerClick` as const], msPerClick),
    spreadOr(s[`${mode}ApiMsPerClick` as const], msPerClick),
  ];
}

export function renderAdClicks(r: AdClicksReport): string {
  const o = r.options;
  const s = r.summary;
  const f = r.final;
  const c = f.check;
  const lines = [
    `2 api nodes, ${int(o.campaigns)} campaigns (${int(o.cappedCampaigns)} with small daily budgets, ${Math.round(o.cappedShare * 100)} % of the clicks); ${o.rounds} rounds, order alternating; each mode ramps from ${o.startConcurrency} in flight, doubling, up to ${o.maxSteps} steps of ${o.maxSeconds} s; medians [min–max] of each round's peak.`,
    '',
    table(
      ['mode', 'per second (peak)', 'at (in flight)', 'p50', 'p99', 'machine CPU per click', 'api CPU per click'],
      [modeRow(s, 'billed', 'billed clicks'), modeRow(s, 'redirect', 'redirects (baseline)')],
    ),
    '',
    `Billed ÷ redirect ${spreadOr(s.ratio, times, true)}; PostgreSQL backends waiting on a row lock at the billed peak: ${spreadOr(s.billedRowLockWaiters, (n) => n.toFixed(1))}. ${int(f.outcomes.billed ?? 0)} clicks billed, ${int(f.outcomes.budget ?? 0)} refused for budget; ${f.cappedExhausted} of the ${int(o.cappedCampaigns)} small campaigns exhausted their daily budget, passing it by at most ${int(c.maxOverBudgetMinor)} minor units${c.maxOverBudgetMinor <= o.maxCpcMinor ? ' (less than one click)' : ''}, so overspend ${int(s.overspendMinor)}: ${met(s.met?.overspend)}; ad revenue ${int(c.adRevenueMinor)} minor units against ${int(c.billedMinor)} billed, ledger self-check ${f.ledgerProblemCount === 0 ? 'clean' : `**${f.ledgerProblemCount} problems**`}, every check ${s.correct ? 'passed' : '**failed**'}. ≥ ${int(s.targets.billedClicksPerSecond)} billed clicks/s across ${s.targets.nodes} nodes: ${met(s.met?.billedPerSecond)}.`,
  ];
  return lines.join('\n');
}

export function earlierAdClicks(r: AdClicksReport): string {
  const s = r.summary;
  return `billed ${spreadOr(s.billedPerSecond, int)}/s, redirects ${spreadOr(s.redirectsPerSecond, int)}/s, billed ÷ redirect ${spreadOr(s.ratio, times)}; per billed click ${spreadOr(s.billedMachineMsPerClick, msPerClick)} of machine CPU, row-lock waiters at the billed peak ${spreadOr(s.billedRowLockWaiters, (n) => n.toFixed(1))}`;
}
