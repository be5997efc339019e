import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/**
 * Structured logging for the media server. Nothing in src/ writes to the
 * console; every line is JSON from one root logger, with a `component` bound
 * once per class so a line can be traced to its owner without string prefixes.
 *
 * Level rubric (after LiveKit's LOGGING.md):
 * - fatal: the process cannot continue (bad config, cannot listen) and exits.
 * - error: something broke and needs a human: a worker died, a restart failed.
 * - warn:  degraded but handled: a request failed validation, a retry happened.
 * - info:  one line per meaningful lifecycle transition: worker started,
 *          server listening, pool closed. Never per packet or per poll.
 * - debug: per-request and per-peer detail useful while developing.
 * - trace: wire-level detail (signaling payloads).
 */

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];
export type Logger = PinoLogger;

export interface CreateLoggerOptions {
  level: LogLevel;
  /** Where lines go; stdout when omitted. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** The root logger of the media-server process. */
export function createLogger({ level, destination }: CreateLoggerOptions): Logger {
  const options = {
    level,
    base: { service: 'media-server', pid: process.pid },
    // Errors logged under `err` keep their stack and message as fields.
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * A named child logger: `component` says which object wrote the line and
 * `bindings` carry context that stays fixed for that object's life
 * (worker index, router id), so call sites never repeat it.
 */
export function childLogger(parent: Logger, component: string, bindings: Record<string, unknown> = {}): Logger {
  return parent.child({ component, ...bindings });
}
