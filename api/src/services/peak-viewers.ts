import { KeyedThrottle } from './keyed-throttle.js';

/**
 * A stream's peak viewer count, written at most once a second per stream per
 * node (the first join at once, then the window's highest count at its end):
 * a join storm of 10,000 viewers was 10,000 UPDATEs. The write itself only
 * ever raises the peak (`WHERE "peakViewers" < n`), so nodes need no
 * coordination.
 */
export class PeakViewers {
  readonly #throttle: KeyedThrottle<number>;

  constructor(write: (streamId: string, viewers: number) => Promise<void>, windowMs = 1000) {
    this.#throttle = new KeyedThrottle<number>((id, n) => write(id, n), Math.max, windowMs);
  }

  seen(streamId: string, viewers: number): Promise<void> {
    return this.#throttle.push(streamId, viewers);
  }

  /** Shutdown: the highest counts still in a window are written before the database closes. */
  close(): Promise<void> {
    return this.#throttle.close(true);
  }
}
