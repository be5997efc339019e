import { createLogger, type LogLevel, type Logger } from '../../src/logger.js';

/** One parsed pino line. */
export interface LogLine {
  level: number;
  msg: string;
  component?: string;
  [key: string]: unknown;
}

/** pino's numeric levels, for assertions that read like the rubric. */
export const LEVEL = { fatal: 60, error: 50, warn: 40, info: 30, debug: 20, trace: 10 } as const;

/** A real logger whose lines are kept in memory, so tests can assert on what operators would see. */
export function captureLogs(level: LogLevel = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  });
  return { logger, lines };
}
