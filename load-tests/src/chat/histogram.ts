/**
 * Latency in whole milliseconds, counted per millisecond up to a minute: a
 * viewer process sees millions of deliveries per run, which is too many
 * samples to keep but fits a 60k-slot counter exactly at 1 ms resolution.
 */
export const MAX_LATENCY_MS = 60_000;

export interface LatencySummary {
  samples: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** [milliseconds, count] for the non-empty slots: small enough for IPC and the report. */
export type SparseHistogram = [number, number][];

export class LatencyHistogram {
  readonly #counts = new Float64Array(MAX_LATENCY_MS + 1);
  #samples = 0;

  add(ms: number): void {
    const slot = ms <= 0 ? 0 : ms >= MAX_LATENCY_MS ? MAX_LATENCY_MS : Math.round(ms);
    this.#counts[slot]!++;
    this.#samples++;
  }

  get samples(): number {
    return this.#samples;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#samples = 0;
  }

  toSparse(): SparseHistogram {
    const out: SparseHistogram = [];
    for (let ms = 0; ms <= MAX_LATENCY_MS; ms++) if (this.#counts[ms]! > 0) out.push([ms, this.#counts[ms]!]);
    return out;
  }

  static merge(parts: readonly SparseHistogram[]): SparseHistogram {
    const sum = new Map<number, number>();
    for (const part of parts) for (const [ms, n] of part) sum.set(ms, (sum.get(ms) ?? 0) + n);
    return [...sum.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** What `later` counted since `earlier` (two snapshots of the same histogram). */
  static since(later: SparseHistogram, earlier: SparseHistogram): SparseHistogram {
    const before = new Map(earlier);
    return later.map(([ms, n]): [number, number] => [ms, n - (before.get(ms) ?? 0)]).filter(([, n]) => n > 0);
  }
}

/** Nearest-rank percentiles of a sparse histogram. */
export function summarizeHistogram(h: SparseHistogram): LatencySummary {
  const samples = h.reduce((n, [, c]) => n + c, 0);
  if (samples === 0) return { samples, p50: null, p95: null, p99: null, max: null, mean: null };
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil((p / 100) * samples));
    let seen = 0;
    for (const [ms, c] of h) {
      seen += c;
      if (seen >= rank) return ms;
    }
    return h.at(-1)![0];
  };
  const mean = h.reduce((s, [ms, c]) => s + ms * c, 0) / samples;
  return { samples, p50: at(50), p95: at(95), p99: at(99), max: h.at(-1)![0], mean: Math.round(mean * 10) / 10 };
}
