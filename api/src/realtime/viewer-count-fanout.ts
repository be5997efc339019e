import { KeyedThrottle } from '../services/keyed-throttle.js';

/**
 * `viewers:count` to a room, at most once a second per room on this node.
 * A broadcast per join is quadratic in a join storm: 10,000 viewers arriving
 * as the show starts would be 50 million frames. The first change in a quiet
 * room goes out at once with the count the join saw; changes within the
 * window become one trailing broadcast of the count as it is then (read from
 * presence, so it is every node's total, not this node's).
 */
export class ViewerCountFanout {
  readonly #throttle: KeyedThrottle<number | null>;
  #closed = false;

  constructor(emit: (streamId: string, count: number) => void, count: (streamId: string) => Promise<number>, windowMs = 1000) {
    // A trailing run always reads the count fresh; a leading one uses the count its join saw, if any.
    this.#throttle = new KeyedThrottle<number | null>(
      async (id, known, _folded, trailing) => {
        const n = known !== null && !trailing ? known : await count(id);
        // A count read that was in flight at shutdown must not reach a closed adapter.
        if (!this.#closed) emit(id, n);
      },
      () => null,
      windowMs,
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
