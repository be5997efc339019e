import type { AdTotals, CampaignReport } from '@hawker/shared';
import { formatMoney } from '@hawker/shared';

const DAY_S = 86_400;

export interface DaySeries {
  /** Unix seconds at the start of each UTC day, every day from the first to the last. */
  x: number[];
  impressions: number[];
  clicks: number[];
  spendMinor: number[];
  revenueMinor: number[];
}

/** The report's days as chart series; a day the api left out (nothing happened) is a zero. */
export function daySeries(days: CampaignReport['days']): DaySeries {
  const byDay = new Map<number, CampaignReport['days'][number]>();
  for (const d of days) {
    const t = Date.parse(`${d.day}T00:00:00.000Z`);
    if (!Number.isNaN(t)) byDay.set(t / 1000, d);
  }
  const sorted = [...byDay.keys()].sort((a, b) => a - b);
  const series: DaySeries = { x: [], impressions: [], clicks: [], spendMinor: [], revenueMinor: [] };
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return series;
  for (let t = first; t <= last; t += DAY_S) {
    const d = byDay.get(t);
    series.x.push(t);
    series.impressions.push(d?.impressions ?? 0);
    series.clicks.push(d?.clicks ?? 0);
    series.spendMinor.push(d?.spendMinor ?? 0);
    series.revenueMinor.push(d?.revenueMinor ?? 0);
  }
  return series;
}

/**
 * Click-through rate as a percentage, from the counts themselves ("3.4 %"), so
 * it reads the same whatever scale the api's own `ctr` figure uses.
 */
export function ctrText(totals: Pick<AdTotals, 'impressions' | 'clicks'>): string {
  if (totals.impressions === 0) return '–';
  const pct = (totals.clicks / totals.impressions) * 100;
  return `${pct.toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
}

/** Return on ad spend: "4.2×", or a dash when nothing was spent. */
export function roasText(roas: number | null): string {
  return roas === null ? '–' : `${roas.toLocaleString('en-US', { maximumFractionDigits: 2 })}×`;
}

/** The average price per billed click, or a dash before the first. */
export function avgCpcText(totals: Pick<AdTotals, 'clicks' | 'avgCpcMinor'>, currency: string): string {
  return totals.clicks === 0 ? '–' : formatMoney(totals.avgCpcMinor, currency);
}
