import { KeyedThrottle } from '../services/keyed-throttle.js';

/** A room of this many viewers is told its count once a second; bigger rooms proportionally less often. */
const VIEWERS_PER_SECOND_OF_WINDOW = 1000;
const MAX_WINDOW_MS = 10_000;

/**
 * `viewers:count` to a room, at most once a second per room on this node,
 * and less often in big rooms: a count is one frame to every socket (about
 * 30 µs of the kernel's write each), so a 10,000-viewer room told every
 * second would spend a third of a core on a number nobody reads that fast.
 * The window grows with the room: 1 s up to 1,000 viewers, 10 s from 10,000.
 * A broadcast per join is quadratic in a join storm: 10,000 viewers arriving
 * as the show starts would be 50 million frames. The first change in a quiet
 * room goes out at once with the count the join saw; changes within the
 * window become one trailing broadcast of the count as it is then (read from
 * presence, so it is every node's total, not this node's).
 */
export class ViewerCountFanout {
  readonly #throttle: KeyedThrottle<number | null>;
  // The last count each room was told, for the size of its next window.
  readonly #lastCount = new Map<string, number>();
  #closed = false;

  constructor(emit: (streamId: string, count: number) => void, count: (streamId: string) => Promise<number>, windowMs = 1000) {
    const windowFor = (id: string) =>
      Math.min(MAX_WINDOW_MS, Math.max(windowMs, (windowMs * (this.#lastCount.get(id) ?? 0)) / VIEWERS_PER_SECOND_OF_WINDOW));
    // A trailing run always reads the count fresh; a leading one uses the count its join saw, if any.
    this.#throttle = new KeyedThrottle<number | null>(
      async (id, known, _folded, trailing) => {
        const n = known !== null && !trailing ? known : await count(id);
        // A count read that was in flight at shutdown must not reach a closed adapter.
        if (this.#closed) return;
        if (n > 0) this.#lastCount.set(id, n);
        else this.#lastCount.delete(id);
        emit(id, n);
      },
      () => null,
      windowFor,
    );
  }

  /** The count changed; `known` is the new count when the caller has it (saves a read). */
  changed(streamId: string, known?: number): void {
    void this.#throttle.push(streamId, known ?? null).catch(() => undefined);
  }

  close(): void {
    this.#closed = true;
    void this.#throttle.close();
  }
}
