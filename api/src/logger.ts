import { pino, type Logger } from 'pino';

/**
 * Level rubric: error = a request or job failed and someone should look;
 * warn = something unexpected we recovered from; info = one line per
 * lifecycle transition (server up, stream live, order paid); debug = detail
 * for developers. Context is bound once with child loggers.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'api', ...bindings } });
}

export type { Logger };
