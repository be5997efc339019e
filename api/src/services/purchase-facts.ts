/**
 * What every purchase in a stream needs to know and that does not change
 * while the show runs — the stream's start (for the order's offset into the
 * recording) and the deal's listing and window — read once per node and kept
 * briefly, instead of twice per purchase in a rush. Concurrent misses share
 * one read (the first presses of a rush must not each queue a query behind
 * the checkouts). Absent rows are not kept.
 */
export class PurchaseFacts<S extends { startedAt: Date | null }, D> {
  readonly #streams = new Map<string, { value: S; until: number }>();
  readonly #deals = new Map<string, { value: D; until: number }>();
  readonly #loading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly loadStream: (id: string) => Promise<S | null>,
    private readonly loadDeal: (id: string) => Promise<D | null>,
    private readonly ttlMs = 10_000,
  ) {}

  // A stream that has not started yet changes when it goes live: only a started one is kept.
  stream(id: string): Promise<S | null> {
    return this.#get('stream', this.#streams, id, this.loadStream, (s) => s.startedAt !== null);
  }

  deal(id: string): Promise<D | null> {
    return this.#get('deal', this.#deals, id, this.loadDeal, () => true);
  }

  async #get<T>(
    kind: 'stream' | 'deal',
    cache: Map<string, { value: T; until: number }>,
    id: string,
    load: (id: string) => Promise<T | null>,
    keep: (v: T) => boolean,
  ) {
    const hit = cache.get(id);
    if (hit && hit.until > Date.now()) return hit.value;
    const slot = `${kind}:${id}`;
    const inFlight = this.#loading.get(slot) as Promise<T | null> | undefined;
    if (inFlight) return inFlight;
    const loading = load(id).finally(() => this.#loading.delete(slot));
    this.#loading.set(slot, loading);
    const value = await loading;
    if (value && keep(value)) {
      if (cache.size > 1000) cache.clear();
      cache.set(id, { value, until: Date.now() + this.ttlMs });
    }
    return value;
  }
}
