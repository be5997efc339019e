import { loadMediaConfig, type MediaConfig } from './config.js';
import { MediaConfigError } from './errors.js';
import { childLogger, createLogger, type Logger } from './logger.js';
import { startMediaServer, type MediaServer } from './server.js';

/**
 * Process entry point: `tsx media-server/src/main.ts`. Everything testable
 * lives in server.ts; this file only owns the process (env, signals, exit code).
 */

/**
 * After a signal, give everything this long before forcing the exit: ffmpeg
 * gets up to 5 s to finish each playlist, api callbacks up to 3 s.
 */
const SHUTDOWN_TIMEOUT_MS = 15_000;

let config: MediaConfig;
try {
  config = loadMediaConfig();
} catch (error) {
  // No config means no LOG_LEVEL yet: report at the default level and stop.
  // A config error is the operator's to fix: its message names each bad
  // variable, and a stack trace would only bury it.
  const bootLogger = createLogger({ level: 'info' });
  if (error instanceof MediaConfigError) bootLogger.fatal({ issues: error.issues }, error.message);
  else bootLogger.fatal({ err: error }, 'could not load configuration');
  process.exit(1);
}

const logger: Logger = createLogger({ level: config.logLevel });
const log = childLogger(logger, 'main');

let server: MediaServer;
try {
  server = await startMediaServer(config, { logger });
} catch (error) {
  log.fatal({ err: error }, 'media server failed to start');
  process.exit(1);
}

let shuttingDown = false;
function shutdown(signal: NodeJS.Signals): void {
  if (shuttingDown) {
    log.warn({ signal }, 'second signal during shutdown; exiting now');
    process.exit(1);
  }
  shuttingDown = true;
  log.info({ signal }, 'shutting down');
  // unref: a clean close must not wait for this timer to fire.
  setTimeout(() => {
    log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();
  server.close().then(
    () => {
      process.exitCode = 0;
    },
    (error: unknown) => {
      log.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    },
  );
}

process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
