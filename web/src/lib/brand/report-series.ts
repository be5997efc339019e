import type { SponsorshipReport } from '@hawker/shared';

export interface MinuteSeries {
  /** Unix seconds. */
  x: number[];
  viewers: (number | null)[];
  orders: (number | null)[];
}

/**
 * The report's minutes as chart series: one point per minute, summed when two
 * covered shows share a minute, and a gap (null) between shows so the line does
 * not draw a ramp across the hours in between.
 */
export function minuteSeries(minutes: SponsorshipReport['minutes']): MinuteSeries {
  const byMinute = new Map<number, { viewers: number; orders: number }>();
  for (const m of minutes) {
    const t = Math.floor(Date.parse(m.at) / 60_000) * 60;
    const seen = byMinute.get(t);
    byMinute.set(t, { viewers: (seen?.viewers ?? 0) + m.viewers, orders: (seen?.orders ?? 0) + m.orders });
  }
  const series: MinuteSeries = { x: [], viewers: [], orders: [] };
  let previous: number | null = null;
  for (const t of [...byMinute.keys()].sort((a, b) => a - b)) {
    if (previous !== null && t - previous > 60) {
      series.x.push(previous + 60);
      series.viewers.push(null);
      series.orders.push(null);
    }
    const point = byMinute.get(t) ?? { viewers: 0, orders: 0 };
    series.x.push(t);
    series.viewers.push(point.viewers);
    series.orders.push(point.orders);
    previous = t;
  }
  return series;
}

/** Who is reading the report: its brand, its creator, or someone else the api let in (an admin). */
export function readerOf(report: SponsorshipReport, userId: string | null): 'brand' | 'creator' | 'other' {
  if (userId === report.sponsorship.brand.id) return 'brand';
  if (userId === report.sponsorship.creator.id) return 'creator';
  return 'other';
}
