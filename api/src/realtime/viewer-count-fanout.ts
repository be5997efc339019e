/**
 * `viewers:count` to a room, at most once per interval per room on this node.
 * A broadcast per join is quadratic in a join storm: 10,000 viewers arriving
 * as the show starts would be 50 million frames. The first change in a quiet
 * room goes out at once; changes within the interval become one trailing
 * broadcast of the count as it is then (read from presence, so it is every
 * node's total, not this node's).
 */
export class ViewerCountFanout {
  readonly #rooms = new Map<string, { dirty: boolean; timer: NodeJS.Timeout }>();
  #closed = false;

  constructor(
    private readonly emit: (streamId: string, count: number) => void,
    private readonly count: (streamId: string) => Promise<number>,
    private readonly intervalMs = 1000,
  ) {}

  /** The count changed; `known` is the new count when the caller has it (saves a read). */
  changed(streamId: string, known?: number): void {
    if (this.#closed) return;
    const open = this.#rooms.get(streamId);
    if (open) {
      open.dirty = true;
      return;
    }
    this.#send(streamId, known);
    const timer = setTimeout(() => this.#tick(streamId), this.intervalMs);
    timer.unref();
    this.#rooms.set(streamId, { dirty: false, timer });
  }

  #tick(streamId: string): void {
    const w = this.#rooms.get(streamId);
    this.#rooms.delete(streamId);
    // A trailing broadcast opens the next window, so a steady stream of joins stays at one per interval.
    if (w?.dirty) this.changed(streamId);
  }

  #send(streamId: string, known: number | undefined): void {
    const counted = known === undefined ? this.count(streamId) : Promise.resolve(known);
    void counted
      .then((count) => {
        if (!this.#closed) this.emit(streamId, count);
      })
      .catch(() => undefined);
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#rooms.values()) clearTimeout(w.timer);
    this.#rooms.clear();
  }
}
