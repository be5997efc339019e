import type { Earnings } from '@hawker/shared';

const DAY_S = 86_400;

/** "2026-01-03" (a UTC day, as the api groups them) → Unix seconds at its start. */
function dayStart(day: string): number | null {
  const t = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(t) ? null : t / 1000;
}

/**
 * One currency's daily earnings as chart series: every day from the first to
 * the last with a figure, days without earnings at zero.
 */
export function dailySeries(daily: Earnings['daily'], currency: string): { x: number[]; values: number[] } {
  const byDay = new Map<number, number>();
  for (const d of daily) {
    if (d.currency !== currency) continue;
    const t = dayStart(d.day);
    if (t !== null) byDay.set(t, (byDay.get(t) ?? 0) + d.earnedMinor);
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const first = days[0];
  const last = days[days.length - 1];
  const series = { x: [] as number[], values: [] as number[] };
  if (first === undefined || last === undefined) return series;
  for (let t = first; t <= last; t += DAY_S) {
    series.x.push(t);
    series.values.push(byDay.get(t) ?? 0);
  }
  return series;
}

/** The currencies the creator has money or history in, balances first. */
export function earningCurrencies(earnings: Earnings): string[] {
  const all = [
    ...earnings.balances.map((b) => b.currency),
    ...earnings.daily.map((d) => d.currency),
    ...earnings.shows.map((s) => s.currency),
  ];
  return [...new Set(all)];
}
