import { errorMessage, isAbortError } from './api.js';

export type ResourceStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * One piece of data a page fetches, with its loading state made explicit so the
 * page can render each case (skeleton, content, empty, error) without juggling
 * flags. load() cancels the previous request, and abort() belongs in the page's
 * teardown so a late answer never writes into an unmounted page.
 */
export class Resource<T> {
  status = $state<ResourceStatus>('idle');
  data = $state.raw<T | undefined>(undefined);
  error = $state.raw<unknown>(null);
  readonly message = $derived(this.error === null ? null : errorMessage(this.error));

  readonly #fetcher: (signal: AbortSignal) => Promise<T>;
  #controller: AbortController | null = null;

  constructor(fetcher: (signal: AbortSignal) => Promise<T>) {
    this.#fetcher = fetcher;
  }

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = 'loading';
    this.error = null;
    try {
      const data = await this.#fetcher(controller.signal);
      if (controller.signal.aborted) return;
      this.data = data;
      this.status = 'ready';
    } catch (err) {
      if (controller.signal.aborted || isAbortError(err)) return;
      this.error = err;
      this.status = 'error';
    }
  }

  abort(): void {
    this.#controller?.abort();
    this.#controller = null;
  }
}
