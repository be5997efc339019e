import { setTimeout as sleep } from 'node:timers/promises';
import { MEDIA_INTERNAL_HEADER, mediaEventSchema, type MediaEvent } from '@hawker/shared';
import { childLogger, type Logger } from './logger.js';

export interface ApiNotifierOptions {
  /** API_INTERNAL_URL; without it, events are only logged. */
  baseUrl: string | undefined;
  secret: string;
  logger: Logger;
  /** Delays before each retry; the default retries twice. */
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
}

export const MEDIA_EVENTS_PATH = '/api/internal/media-events';

/**
 * media-server → api callbacks (`broadcast.live`, `broadcast.closed`). The api
 * owns stream status, so these matter, but a slow or restarting api must never
 * hold up or crash the media path: sends are fire-and-forget with a few
 * retries, failures are logged, and close() waits for what is in flight.
 */
export class ApiNotifier {
  readonly #url: URL | undefined;
  readonly #secret: string;
  readonly #logger: Logger;
  readonly #retryDelaysMs: readonly number[];
  readonly #timeoutMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();

  static create(options: ApiNotifierOptions): ApiNotifier {
    return new ApiNotifier(options);
  }

  private constructor(options: ApiNotifierOptions) {
    this.#url = options.baseUrl ? new URL(MEDIA_EVENTS_PATH, options.baseUrl) : undefined;
    this.#secret = options.secret;
    this.#logger = childLogger(options.logger, 'ApiNotifier');
    this.#retryDelaysMs = options.retryDelaysMs ?? [500, 2_000];
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Queues an event for the api. Never throws. */
  notify(event: MediaEvent): void {
    // Our own bug if this fails: caught here rather than by the api as a 400.
    const parsed = mediaEventSchema.safeParse(event);
    if (!parsed.success) {
      this.#logger.error({ event, issues: parsed.error.issues }, 'refusing to send an invalid media event');
      return;
    }
    if (!this.#url) {
      this.#logger.debug({ event }, 'API_INTERNAL_URL unset; media event not sent');
      return;
    }
    const sending = this.#send(this.#url, parsed.data).finally(() => this.#inFlight.delete(sending));
    this.#inFlight.add(sending);
  }

  /** Gives events in flight up to `graceMs` to be delivered, then stops retrying. */
  async close(graceMs = 3_000): Promise<void> {
    const timer = sleep(graceMs, undefined, { signal: this.#abort.signal }).catch(() => undefined);
    await Promise.race([Promise.allSettled([...this.#inFlight]), timer]);
    this.#abort.abort();
  }

  async #send(url: URL, event: MediaEvent): Promise<void> {
    const attempts = this.#retryDelaysMs.length + 1;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [MEDIA_INTERNAL_HEADER]: this.#secret },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) {
          this.#logger.info({ type: event.type, streamId: event.streamId, attempt }, 'media event delivered');
          return;
        }
        // 4xx other than 408/429 will not get better by retrying.
        if (res.status < 500 && res.status !== 408 && res.status !== 429) {
          this.#logger.error({ type: event.type, streamId: event.streamId, status: res.status }, 'api rejected media event');
          return;
        }
        this.#logger.warn({ type: event.type, streamId: event.streamId, status: res.status, attempt }, 'media event failed');
      } catch (error) {
        this.#logger.warn({ type: event.type, streamId: event.streamId, err: error, attempt }, 'media event failed');
      }
      const delay = this.#retryDelaysMs[attempt - 1];
      if (delay === undefined) break;
      try {
        await sleep(delay, undefined, { signal: this.#abort.signal });
      } catch {
        break;
      }
    }
    this.#logger.error({ type: event.type, streamId: event.streamId, attempts }, 'media event dropped after retries');
  }
}
