import { EventEmitter } from 'node:events';
import type { Logger } from './logger.js';

/** Event name → listener argument tuple. */
export type EventMap = Record<string, unknown[]>;

/** Every emitter can report a listener that threw, after mediasoup's. */
type WithListenerError<E extends EventMap> = E & { listenererror: [eventName: string, error: unknown] };

/**
 * A typed EventEmitter modelled on mediasoup's node/src/enhancedEvents.ts.
 *
 * `safeEmit()` is what our own lifecycle code uses: a listener that throws
 * (say, the api notifier while a worker is being restarted) must not abort the
 * restart that emitted the event, so the error is logged and re-emitted as
 * 'listenererror' instead of propagating into our state machine.
 */
export class EnhancedEventEmitter<E extends EventMap> {
  /**
   * Type-only (never assigned at runtime): gives generic helpers such as a
   * test's waitForEvent(emitter, 'name') something to infer the event map from.
   */
  declare readonly eventTypes?: E;

  readonly #emitter = new EventEmitter();
  readonly #logger: Logger | undefined;

  constructor(logger?: Logger) {
    this.#logger = logger;
    // Observers (api notifier, metrics, tests) are expected to subscribe
    // freely; Node's default limit of 10 would only produce noise.
    this.#emitter.setMaxListeners(Infinity);
  }

  on<K extends keyof WithListenerError<E> & string>(event: K, listener: (...args: WithListenerError<E>[K]) => void): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof WithListenerError<E> & string>(event: K, listener: (...args: WithListenerError<E>[K]) => void): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof WithListenerError<E> & string>(event: K, listener: (...args: WithListenerError<E>[K]) => void): this {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  listenerCount<K extends keyof WithListenerError<E> & string>(event: K): number {
    return this.#emitter.listenerCount(event);
  }

  /** Emits; a throwing listener is logged and reported, never rethrown. */
  protected safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    try {
      return this.#emitter.emit(event, ...args);
    } catch (error) {
      this.#logger?.error({ err: error, event }, 'event listener threw');
      try {
        this.#emitter.emit('listenererror', event, error);
      } catch {
        // A throwing 'listenererror' listener has nowhere left to report to.
      }
      return true;
    }
  }
}
