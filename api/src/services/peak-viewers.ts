/**
 * A stream's peak viewer count, written at most once a second per stream per
 * node (the first join at once, then the window's highest count at its end):
 * a join storm of 10,000 viewers was 10,000 UPDATEs. The write itself only
 * ever raises the peak (`WHERE "peakViewers" < n`), so nodes need no
 * coordination.
 */
export class PeakViewers {
  readonly #windows = new Map<string, { max: number; written: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly write: (streamId: string, viewers: number) => Promise<void>,
    private readonly windowMs = 1000,
  ) {}

  async seen(streamId: string, viewers: number): Promise<void> {
    const open = this.#windows.get(streamId);
    if (open) {
      open.max = Math.max(open.max, viewers);
      return;
    }
    const timer = setTimeout(() => void this.#flush(streamId), this.windowMs);
    timer.unref();
    this.#windows.set(streamId, { max: viewers, written: viewers, timer });
    await this.write(streamId, viewers);
  }

  async #flush(streamId: string): Promise<void> {
    const w = this.#windows.get(streamId);
    this.#windows.delete(streamId);
    if (w && w.max > w.written) await this.write(streamId, w.max).catch(() => undefined);
  }

  /** Shutdown: the highest counts still in a window are written before the database closes. */
  async close(): Promise<void> {
    const ids = [...this.#windows.keys()];
    for (const w of this.#windows.values()) clearTimeout(w.timer);
    await Promise.all(ids.map((id) => this.#flush(id)));
  }
}
