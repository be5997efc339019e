import type { Logger } from 'pino';
import type { MinuteDelta, StreamMetricsRepository } from '../repositories/stream-metrics.repository.js';

const FLUSH_MS = 10_000;
const SAMPLE_MS = 30_000;

/**
 * Collects a show's numbers minute by minute on this node (orders, units,
 * GMV, chat messages, product clicks; viewers sampled every 30 s from the
 * cluster-wide presence count) and writes them every 10 s in one statement.
 * Reports and analytics chart what it stores.
 */
export class StreamMetrics {
  readonly #minutes = new Map<string, MinuteDelta>();
  readonly #clicks = new Map<string, number>();
  readonly #live = new Set<string>();
  readonly #flushTimer: NodeJS.Timeout;
  readonly #sampleTimer: NodeJS.Timeout;

  constructor(
    private readonly repo: StreamMetricsRepository,
    private readonly viewers: (streamId: string) => Promise<number>,
    private readonly logger: Logger,
  ) {
    this.#flushTimer = setInterval(() => void this.flush(), FLUSH_MS);
    this.#flushTimer.unref();
    this.#sampleTimer = setInterval(() => void this.#sample(), SAMPLE_MS);
    this.#sampleTimer.unref();
  }

  /** This node has viewers of the stream: sample its audience. */
  watching(streamId: string): void {
    this.#live.add(streamId);
  }

  ended(streamId: string): void {
    this.#live.delete(streamId);
  }

  order(streamId: string, units: number, gmvMinor: number, at = new Date()): void {
    const m = this.#minute(streamId, at);
    m.orders += 1;
    m.units += units;
    m.gmvMinor += gmvMinor;
  }

  chat(streamId: string, at = new Date()): void {
    this.#minute(streamId, at).chatMessages += 1;
  }

  productOpened(streamId: string, listingId: string): void {
    const key = `${streamId}|${listingId}`;
    this.#clicks.set(key, (this.#clicks.get(key) ?? 0) + 1);
  }

  viewersNow(streamId: string, count: number, at = new Date()): void {
    const m = this.#minute(streamId, at);
    m.viewers = Math.max(m.viewers, count);
  }

  async flush(): Promise<void> {
    const minutes = [...this.#minutes.values()];
    const clicks = [...this.#clicks].map(([key, n]) => {
      const [streamId, listingId] = key.split('|') as [string, string];
      return { streamId, listingId, clicks: n };
    });
    this.#minutes.clear();
    this.#clicks.clear();
    await Promise.all([this.repo.add(minutes), this.repo.addClicks(clicks)]).catch((err: unknown) =>
      this.logger.warn({ err, minutes: minutes.length }, 'stream metrics not written'),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.#flushTimer);
    clearInterval(this.#sampleTimer);
    await this.flush();
  }

  async #sample(): Promise<void> {
    for (const streamId of this.#live) {
      const n = await this.viewers(streamId).catch(() => null);
      if (n !== null) this.viewersNow(streamId, n);
    }
  }

  #minute(streamId: string, at: Date): MinuteDelta {
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
    const key = `${streamId}|${minute.getTime()}`;
    let m = this.#minutes.get(key);
    if (!m) {
      m = { streamId, minute, viewers: 0, orders: 0, units: 0, gmvMinor: 0, chatMessages: 0 };
      this.#minutes.set(key, m);
    }
    return m;
  }
}
