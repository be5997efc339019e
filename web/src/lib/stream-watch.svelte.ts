import type { StreamDetail } from '@hawker/shared';
import { ApiError, errorMessage, isAbortError } from './api.js';
import { poll } from './poll.js';
import { fetchStream } from './streams.js';

export type StreamWatchStatus = 'loading' | 'ready' | 'not_found' | 'error';

/**
 * A show's details, kept fresh by polling until the room socket pushes
 * `stream:live` / `stream:ended`. Refreshes are silent: the page keeps showing
 * what it has while a refresh is in flight, and a failed refresh after a
 * successful load changes nothing.
 */
export class StreamWatch {
  stream = $state.raw<StreamDetail | null>(null);
  status = $state<StreamWatchStatus>('loading');
  error = $state<string | null>(null);

  #controller: AbortController | null = null;

  constructor(
    private readonly streamId: string,
    private readonly intervalMs: number,
  ) {}

  /** Loads now and then every interval; returns the stop function for the page's teardown. */
  start(): () => void {
    const stopPolling = poll((signal) => this.#load(signal), this.intervalMs);
    return () => {
      stopPolling();
      this.#controller?.abort();
    };
  }

  /** An extra load right now (the player suspects the show ended). */
  refresh(): void {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    void this.#load(controller.signal);
  }

  async #load(signal: AbortSignal): Promise<void> {
    try {
      const stream = await fetchStream(this.streamId, signal);
      if (signal.aborted) return;
      this.stream = stream;
      this.status = 'ready';
      this.error = null;
    } catch (err) {
      if (signal.aborted || isAbortError(err)) return;
      if (err instanceof ApiError && err.status === 404) {
        this.status = 'not_found';
      } else if (this.stream === null) {
        this.status = 'error';
        this.error = errorMessage(err);
      }
    }
  }
}
