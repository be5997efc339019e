import type { ListingSummary } from '@hawker/shared';
import { errorMessage, isAbortError } from '../api.js';
import { fetchListings, type ListingsOptions } from '../catalog.js';

export type FeedStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * A paginated list of listings (search results, a shop's listings): the first
 * page on load(), more on loadMore() through the api's nextCursor. A new load()
 * cancels whatever was in flight, so typing a new search never shows the
 * results of the previous one.
 */
export class ListingFeed {
  items = $state.raw<ListingSummary[]>([]);
  status = $state<FeedStatus>('idle');
  /** A "Load more" in flight; the list stays on screen meanwhile. */
  loadingMore = $state(false);
  error = $state<string | null>(null);
  nextCursor = $state<string | null>(null);

  readonly #pageSize: number;
  #options: ListingsOptions = {};
  #controller: AbortController | null = null;

  constructor(pageSize = 24) {
    this.#pageSize = pageSize;
  }

  async load(options: ListingsOptions): Promise<void> {
    this.#options = options;
    const signal = this.#restart();
    this.status = 'loading';
    this.items = [];
    this.nextCursor = null;
    this.error = null;
    this.loadingMore = false;
    try {
      const page = await fetchListings({ ...options, limit: this.#pageSize }, signal);
      if (signal.aborted) return;
      this.items = page.data;
      this.nextCursor = page.nextCursor;
      this.status = 'ready';
    } catch (err) {
      if (signal.aborted || isAbortError(err)) return;
      this.error = errorMessage(err);
      this.status = 'error';
    }
  }

  async loadMore(): Promise<void> {
    const cursor = this.nextCursor;
    if (!cursor || this.loadingMore || this.status !== 'ready') return;
    const signal = this.#restart();
    this.loadingMore = true;
    this.error = null;
    try {
      const page = await fetchListings({ ...this.#options, cursor, limit: this.#pageSize }, signal);
      if (signal.aborted) return;
      // Offset cursors can repeat a row when listings are added meanwhile.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, dropped when this method returns; never reactive state
      const seen = new Set(this.items.map((l) => l.id));
      this.items = [...this.items, ...page.data.filter((l) => !seen.has(l.id))];
      this.nextCursor = page.nextCursor;
    } catch (err) {
      if (signal.aborted || isAbortError(err)) return;
      this.error = errorMessage(err);
    } finally {
      if (!signal.aborted) this.loadingMore = false;
    }
  }

  abort(): void {
    this.#controller?.abort();
    this.#controller = null;
  }

  #restart(): AbortSignal {
    this.#controller?.abort();
    this.#controller = new AbortController();
    return this.#controller.signal;
  }
}
