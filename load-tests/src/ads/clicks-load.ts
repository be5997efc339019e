import { performance } from 'node:perf_hooks';
import type { PlannedClick } from './clicks-fixtures.js';

/** A desktop Chrome: not on the bot list (api/src/services/ad-bots.ts), as a person's click would be. */
export const BROWSER_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

export type DriveResult = {
  /** Requests answered (any status). */
  answered: number;
  /** 302s pointing where the token said. */
  redirected: number;
  /** Answers other than 302, by status. */
  otherStatus: Record<string, number>;
  /** 302s to somewhere else. */
  wrongLocation: number;
  /** Requests that failed without an answer (connection errors). */
  errors: number;
  firstError: string | null;
  /** Each answered request's latency (ms), in completion order. */
  latencyMs: Float64Array;
  /** First send to last answer. */
  seconds: number;
  endedBy: 'clicks' | 'time';
};

/**
 * Closed loop: `concurrency` requests in flight until the clicks run out or
 * `maxSeconds` pass (then the ones in flight finish). Click i goes to node
 * i mod nodes, through fetch (undici, keep-alive connections) with
 * `redirect: 'manual'`, its visitor cookie, a browser user agent and its
 * own X-Forwarded-For. Latency is request start to the body read.
 */
export async function driveClicks(
  nodeUrls: readonly string[],
  clicks: readonly PlannedClick[],
  concurrency: number,
  maxSeconds: number,
): Promise<DriveResult> {
  const latency = new Float64Array(clicks.length);
  const otherStatus: Record<string, number> = {};
  let next = 0;
  let answered = 0;
  let redirected = 0;
  let wrongLocation = 0;
  let errors = 0;
  let firstError: string | null = null;
  const start = performance.now();
  const deadline = start + maxSeconds * 1000;
  let last = start;
  const worker = async () => {
    while (next < clicks.length && performance.now() < deadline) {
      const i = next++;
      const click = clicks[i]!;
      const t0 = performance.now();
      try {
        const res = await fetch(nodeUrls[i % nodeUrls.length]! + click.path, {
          redirect: 'manual',
          headers: { cookie: click.cookie, 'user-agent': BROWSER_USER_AGENT, 'x-forwarded-for': click.forwardedFor },
        });
        await res.arrayBuffer();
        const t1 = performance.now();
        latency[answered++] = t1 - t0;
        last = t1;
        if (res.status !== 302) otherStatus[res.status] = (otherStatus[res.status] ?? 0) + 1;
        else if (res.headers.get('location') !== click.location) wrongLocation++;
        else redirected++;
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, clicks.length) }, worker));
  return {
    answered,
    redirected,
    otherStatus,
    wrongLocation,
    errors,
    firstError,
    latencyMs: latency.subarray(0, answered),
    seconds: (last - start) / 1000,
    endedBy: next >= clicks.length ? 'clicks' : 'time',
  };
}

export type LatencyMs = { p50: number; p90: number; p99: number; max: number; mean: number };

/** Nearest-rank percentiles, in ms to 0.01. */
export function latencySummary(ms: Float64Array): LatencyMs {
  const s = Float64Array.from(ms).sort();
  const at = (p: number) => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: r(at(50)),
    p90: r(at(90)),
    p99: r(at(99)),
    max: r(at(100)),
    mean: r(s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0),
  };
}
