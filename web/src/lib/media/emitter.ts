/**
 * A small typed event emitter for the media objects (after mediasoup's
 * enhancedEvents.ts): event names and argument tuples come from one map, and
 * emit() is "safe": a throwing listener is reported to the page's error handler
 * on a later task instead of stopping the other listeners or the emitter's
 * own state changes.
 */
export class Emitter<Events extends Record<string, unknown[]>> {
  // Stored untyped: the map pairs each name with its own listener type, which a
  // Map cannot express; on() and emit() restore the pairing.
  readonly #listeners = new Map<keyof Events, Set<unknown>>();

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(name: K, listener: (...args: Events[K]) => void): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof Events>(name: K, ...args: Events[K]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Events[K]) => void)(...args);
      } catch (err) {
        setTimeout(() => {
          throw err;
        });
      }
    }
  }

  removeAll(): void {
    this.#listeners.clear();
  }
}
