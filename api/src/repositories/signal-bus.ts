import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { RedisClient } from './redis.js';

/** Small messages every api node must hear at once (a cache to drop, a flag to set). */
export type SignalBus<T> = {
  publish(signal: T): void;
  subscribe(listener: (signal: T) => void): void;
  close(): Promise<void>;
};

/**
 * Redis pub/sub on one channel between api nodes (the publisher hears its own
 * messages too, so every node applies a signal the same way); in one process
 * without Redis, a local emitter. Each bus holds its own subscriber connection.
 */
export async function createSignalBus<T>(redis: RedisClient | undefined, channel: string, logger: Logger): Promise<SignalBus<T>> {
  const local = new EventEmitter();
  if (!redis) {
    return {
      publish: (s) => queueMicrotask(() => local.emit('signal', s)),
      subscribe: (l) => void local.on('signal', l),
      close: () => {
        local.removeAllListeners();
        return Promise.resolve();
      },
    };
  }
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined);
  await subscriber.connect();
  await subscriber.subscribe(channel, (message) => {
    try {
      local.emit('signal', JSON.parse(message) as T);
    } catch (err) {
      logger.warn({ err, channel }, 'unreadable signal');
    }
  });
  return {
    publish: (s) =>
      void redis.publish(channel, JSON.stringify(s)).catch((err: unknown) => logger.warn({ err, channel }, 'signal not published')),
    subscribe: (l) => void local.on('signal', l),
    close: async () => {
      local.removeAllListeners();
      await subscriber.quit().catch(() => undefined);
    },
  };
}
