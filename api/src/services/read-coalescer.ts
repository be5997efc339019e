type Slot<V> = { running: Promise<void> | null; queued: Promise<V> | null };

const MAX_KEPT = 10_000;
const HOT_PER_SECOND = 50;

/**
 * Concurrent identical reads share one query, without serving anything older
 * than the request: a caller joins the next read of its key that has not
 * started yet, and that read starts once the one in flight has finished. So
 * every caller gets data read after it asked, and a burst of N callers (10,000
 * viewers joining as a big show starts) costs about two reads per key, not N.
 * Callers share the resolved value: they must not mutate it.
 *
 * With `reuseMs`, a key asked for more than HOT_PER_SECOND times in a
 * second (a storm, not a person) is served a value whose read started at
 * most that long ago: when reads queue for the database (each taking tens
 * of ms) "about two reads" becomes one per window, at the price of data up
 * to `reuseMs` older than the request. A quiet key is always read fresh.
 */
export class ReadCoalescer<V> {
  readonly #slots = new Map<string, Slot<V>>();
  readonly #recent = new Map<string, { value: V; startedAt: number }>();
  // Requests per key in the current second, and in the one before.
  readonly #heat = new Map<string, { second: number; count: number; before: number }>();

  constructor(
    private readonly read: (key: string) => Promise<V>,
    private readonly reuseMs = 0,
  ) {}

  get(key: string): Promise<V> {
    if (this.reuseMs > 0 && this.#hot(key)) {
      const recent = this.#recent.get(key);
      if (recent && Date.now() - recent.startedAt <= this.reuseMs) return Promise.resolve(recent.value);
    }
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { running: null, queued: null };
      this.#slots.set(key, slot);
    }
    if (slot.queued) return slot.queued;
    if (!slot.running) return this.#run(key, slot);
    const current = slot;
    const queued = current.running!.then(() => {
      current.queued = null;
      return this.#run(key, current);
    });
    current.queued = queued;
    return queued;
  }

  #hot(key: string): boolean {
    const second = Math.floor(Date.now() / 1000);
    let heat = this.#heat.get(key);
    if (!heat) {
      if (this.#heat.size >= MAX_KEPT) this.#heat.clear();
      heat = { second, count: 0, before: 0 };
      this.#heat.set(key, heat);
    }
    if (heat.second !== second) {
      heat.before = heat.second === second - 1 ? heat.count : 0;
      heat.second = second;
      heat.count = 0;
    }
    heat.count += 1;
    return heat.count > HOT_PER_SECOND || heat.before > HOT_PER_SECOND;
  }

  /** This node changed the data: the next request reads it again (other nodes' changes wait out `reuseMs`). */
  forget(key: string): void {
    this.#recent.delete(key);
  }

  #run(key: string, slot: Slot<V>): Promise<V> {
    const startedAt = Date.now();
    const result = this.read(key);
    if (this.reuseMs > 0)
      void result.then(
        (value) => {
          if (this.#recent.size >= MAX_KEPT) this.#recent.clear();
          const known = this.#recent.get(key);
          if (!known || known.startedAt <= startedAt) this.#recent.set(key, { value, startedAt });
        },
        () => undefined,
      );
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    slot.running = done;
    void done.then(() => {
      if (slot.running !== done) return;
      slot.running = null;
      if (!slot.queued) this.#slots.delete(key);
    });
    return result;
  }
}
