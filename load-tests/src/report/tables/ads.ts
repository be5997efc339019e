import type { AdsPoint, AdsReport, ModeSummary as AdsModeSummary } from '../../ads/ads-report.js';
import { int, met, ms, spread, table, targetTimes, times, us } from './format.js';

// The README's `bench-table:ads` block, from `ads-*.json` (see ../readme-tables.ts).

function adsPointLabel(p: AdsPoint): string {
  return p.placement === 'search' ? `${int(p.ads)} search bids (${p.queries} queries)` : `${int(p.ads)} ${p.placement} bids`;
}

export function renderAds(r: AdsReport): string {
  const o = r.options;
  const s = r.summary;
  const target = (p: AdsPoint) => p.placement === 'home' && p.ads === s.targets.ads;
  const rows: string[][] = [];
  for (const p of r.points)
    for (const mode of ['hawker', 'sql', 'linear'] as const) {
      const m: AdsModeSummary = p.modes[mode];
      const bold = mode === 'hawker' && target(p);
      rows.push([adsPointLabel(p), mode, spread(m.decisionsPerSecond, int, bold), spread(m.p50Us, us), spread(m.p99Us, us, bold)]);
    }
  const ratios = r.points.map((p) => [
    adsPointLabel(p),
    spread(p.ratios.hawkerVsSql, times, target(p)),
    spread(p.ratios.hawkerVsSqlPerCpu, times),
    spread(p.ratios.hawkerVsLinear, times),
    p.hawkerReplaceMs.map((x) => ms(x)).join(', '),
  ]);
  const lines = [
    `Home ${o.sizes.map(int).join(' / ') || 'none'} bids, search ${o.searchSizes.map(int).join(' / ') || 'none'} keyword bids; ${o.rounds} rounds, modes rotated, each segment up to ${int(o.maxDecisions)} decisions or ${o.maxSeconds} s; medians [min–max] over rounds.`,
    '',
    table(['bids', 'mode', 'decisions/s', 'p50', 'p99'], rows),
    '',
    table(['bids', 'hawker ÷ sql', 'per CPU-second (with the PostgreSQL backend)', 'hawker ÷ linear', '`replace` (three reloads)'], ratios),
  ];
  if (s.hawker && s.met && s.metEveryRound && s.ratioVsSql !== null)
    lines.push(
      '',
      `At ${int(s.targets.ads)} home bids: p99 ${us(s.hawker.p99Us)} (target ≤ ${s.targets.p99Ms} ms: ${met(s.met.p99)}), ${int(s.hawker.decisionsPerSecond)} decisions/s (target ≥ ${int(s.targets.decisionsPerSecond)}: ${met(s.met.decisionsPerSecond)}), ${times(s.ratioVsSql)} the SQL baseline (target ≥ ${targetTimes(s.targets.ratioVsSql)}: ${met(s.met.ratioVsSql)}); in every round: ${[s.metEveryRound.p99, s.metEveryRound.decisionsPerSecond, s.metEveryRound.ratioVsSql].every(Boolean) ? 'all three met' : 'not all three met'}.`,
    );
  return lines.join('\n');
}

export function earlierAds(r: AdsReport): string {
  const s = r.summary;
  if (!s.hawker || !s.sql || s.ratioVsSql === null) return 'no point at the targets';
  const hits = s.met ? Object.values(s.met).filter(Boolean).length : 0;
  const of = s.met ? Object.values(s.met).length : 0;
  return `hawker at ${int(s.ads ?? 0)} home bids p50 ${us(s.hawker.p50Us)}, p99 ${us(s.hawker.p99Us)}, ${int(s.hawker.decisionsPerSecond)} decisions/s, ${times(s.ratioVsSql)} the SQL query; targets met: ${hits} of ${of}`;
}
