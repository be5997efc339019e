/** Medians and spread over rotated rounds: what every bench reports for each figure. */
export type Spread = { median: number; min: number; max: number; rounds: number[] };

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median, min, max and each round, each passed through `round` (exact by default). */
export function spread(xs: readonly number[], round: (n: number) => number = (n) => n): Spread {
  return { median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)), rounds: xs.map(round) };
}
