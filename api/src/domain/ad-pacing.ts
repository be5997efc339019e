/**
 * Budget pacing by probabilistic throttling (LinkedIn's pass-through rate,
 * Yahoo's smart pacing: ../shared/notes/ads.md §5). The bid is never touched,
 * so the second price and the seller's simulator stay simple; instead a
 * campaign enters each auction with a probability that falls as its spend
 * catches up with an even spend curve over the UTC day:
 *
 *   target(t)  = daily budget × (seconds since 00:00 UTC ÷ 86,400)
 *   headroom   = target(t) + 5 % of the daily budget − spent today
 *   pass rate  = clamp(headroom ÷ 5 % of the daily budget, 0, 1)
 *
 * With uniform traffic the spend by hour h stays under budget × h/24 + 5 %
 * (plus the clicks still arriving on impressions already served), inside the
 * + 10 % the design allows, and a campaign that falls behind runs at full rate.
 */

const DAY_MS = 86_400_000;
export const PACING_ALLOWANCE = 0.05;

/** Milliseconds since the start of the UTC day. */
export function msIntoUtcDay(now: number): number {
  return ((now % DAY_MS) + DAY_MS) % DAY_MS;
}

/** The UTC day as YYYY-MM-DD: a campaign day's key. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function pacingPassRate(spentTodayMinor: number, dailyBudgetMinor: number, now: number): number {
  if (spentTodayMinor >= dailyBudgetMinor) return 0;
  const allowance = dailyBudgetMinor * PACING_ALLOWANCE;
  const target = (dailyBudgetMinor * msIntoUtcDay(now)) / DAY_MS;
  const headroom = target + allowance - spentTodayMinor;
  if (headroom <= 0) return 0;
  return Math.min(1, headroom / allowance);
}
