import { ConfigError, loadApiConfig } from './config.js';
import { createLogger } from './logger.js';
import { startApiServer } from './server.js';

const bootLogger = createLogger('info');
try {
  const config = loadApiConfig();
  const api = await startApiServer(config);
  const stop = (signal: string) => {
    bootLogger.info({ signal }, 'shutting down');
    api.close().then(
      () => process.exit(0),
      (err: unknown) => {
        bootLogger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  if (err instanceof ConfigError) bootLogger.fatal(err.message);
  else bootLogger.fatal({ err }, 'api failed to start');
  process.exit(1);
}
