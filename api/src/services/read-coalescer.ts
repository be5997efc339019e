type Slot<V> = { running: Promise<void> | null; queued: Promise<V> | null };

/**
 * Concurrent identical reads share one query, without serving anything older
 * than the request: a caller joins the next read of its key that has not
 * started yet, and that read starts once the one in flight has finished. So
 * every caller gets data read after it asked, and a burst of N callers (10,000
 * viewers joining as a big show starts) costs about two reads per key, not N.
 * Callers share the resolved value: they must not mutate it.
 */
export class ReadCoalescer<V> {
  readonly #slots = new Map<string, Slot<V>>();

  constructor(private readonly read: (key: string) => Promise<V>) {}

  get(key: string): Promise<V> {
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

  #run(key: string, slot: Slot<V>): Promise<V> {
    const result = this.read(key);
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
