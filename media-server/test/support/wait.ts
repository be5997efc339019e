import type { EnhancedEventEmitter, EventMap } from '../../src/EnhancedEventEmitter.js';

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Said in the timeout error, so a failure reads as a sentence. */
  description?: string;
}

/**
 * Polls `probe` until it returns a truthy value and returns that value, or
 * throws after `timeoutMs` with the last value seen. For state that has no
 * event (a <video>'s currentTime, a transport's dtlsState seen from a page).
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50, description = 'condition' }: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const seen = lastError instanceof Error ? `last error: ${lastError.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Resolves with the arguments of the next `event` that passes `filter`, or
 * rejects after `timeoutMs`. Subscribe *before* triggering the action, as
 * with immich's waitForWebsocketEvent, or a fast event is missed.
 */
export function waitForEvent<E extends EventMap, K extends keyof E & string>(
  emitter: EnhancedEventEmitter<E>,
  event: K,
  { timeoutMs = 10_000, filter }: { timeoutMs?: number; filter?: (...args: E[K]) => boolean } = {},
): Promise<E[K]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: E[K]) => {
      if (filter && !filter(...args)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
    }, timeoutMs);
    emitter.on(event, listener);
  });
}
