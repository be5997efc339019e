import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MediaConfig } from './config.js';
import { createHttpApp } from './http.js';
import { childLogger, createLogger, type Logger } from './logger.js';
import { WorkerPool } from './WorkerPool.js';

export interface MediaServer {
  /** Base URL of the HTTP API, with the real port when config.port was 0. */
  readonly url: string;
  readonly pool: WorkerPool;
  /** Stops HTTP, then every worker. Idempotent; resolves when all is released. */
  close(): Promise<void>;
}

export interface StartMediaServerOptions {
  /** Root logger; one is created from config.logLevel when omitted. */
  logger?: Logger;
}

/** Starts the worker pool, then the HTTP server on config.host:config.port. */
export async function startMediaServer(config: MediaConfig, options: StartMediaServerOptions = {}): Promise<MediaServer> {
  const root = options.logger ?? createLogger({ level: config.logLevel });
  const log = childLogger(root, 'MediaServer');

  const pool = await WorkerPool.create({
    numWorkers: config.numWorkers,
    rtcMinPort: config.rtcMinPort,
    rtcMaxPort: config.rtcMaxPort,
    logger: root,
  });

  const server = http.createServer(createHttpApp({ pool, logger: root }));
  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    // Workers are child processes: leaving them behind would keep the process alive.
    await pool.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, workers: config.numWorkers }, 'media server listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Stop taking requests first so nothing lands on a pool being torn down.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.close();
      log.info('media server closed');
    })();
    return closing;
  };

  return { url, pool, close };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
