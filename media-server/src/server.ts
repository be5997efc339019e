import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiNotifier } from './ApiNotifier.js';
import { BroadcastRegistry } from './BroadcastRegistry.js';
import type { MediaConfig } from './config.js';
import { createHttpApp } from './http.js';
import { childLogger, createLogger, type Logger } from './logger.js';
import { MediaSignaling } from './MediaSignaling.js';
import { MediaTokenVerifier } from './tokens.js';
import { WorkerPool } from './WorkerPool.js';

export interface MediaServer {
  /** Base URL of the HTTP API, with the real port when config.port was 0. */
  readonly url: string;
  readonly pool: WorkerPool;
  readonly registry: BroadcastRegistry;
  /**
   * Stops signaling and HTTP, closes every broadcast (ffmpeg finishes each
   * playlist), delivers pending api callbacks, then stops every worker.
   * Idempotent; resolves when all is released.
   */
  close(): Promise<void>;
}

export interface StartMediaServerOptions {
  /** Root logger; one is created from config.logLevel when omitted. */
  logger?: Logger;
  /** ffmpeg binary for the HLS egress (tests may point elsewhere). */
  ffmpegPath?: string;
}

/** Starts the worker pool, then HTTP + Socket.IO signaling on config.host:config.port. */
export async function startMediaServer(config: MediaConfig, options: StartMediaServerOptions = {}): Promise<MediaServer> {
  const root = options.logger ?? createLogger({ level: config.logLevel });
  const log = childLogger(root, 'MediaServer');

  const pool = await WorkerPool.create({
    numWorkers: config.numWorkers,
    rtcMinPort: config.rtcMinPort,
    rtcMaxPort: config.rtcMaxPort,
    logger: root,
    sendPath: config.sendPath,
  });
  const notifier = ApiNotifier.create({ baseUrl: config.apiInternalUrl, secret: config.mediaTokenSecret, logger: root });
  const registry = BroadcastRegistry.create({
    pool,
    notifier,
    logger: root,
    hlsDir: config.hlsDir,
    listen: { listenIp: config.rtcListenIp, announcedIp: config.rtcListenIp === config.announcedIp ? undefined : config.announcedIp },
    publisherGraceMs: config.publisherGraceMs,
    ffmpegPath: options.ffmpegPath,
  });

  const server = http.createServer(
    createHttpApp({ pool, registry, hlsDir: config.hlsDir, internalSecret: config.mediaTokenSecret, logger: root }),
  );
  const signaling = MediaSignaling.create({
    httpServer: server,
    registry,
    verifier: new MediaTokenVerifier(config.mediaTokenSecret),
    maxViewersPerStream: config.maxWebrtcViewersPerStream,
    logger: root,
  });
  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    // Workers are child processes: leaving them behind would keep the process alive.
    await pool.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, workers: config.numWorkers, hlsDir: config.hlsDir, callbacks: Boolean(config.apiInternalUrl) }, 'media server listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Broadcasts first: peers hear 'media:broadcastClosed' while their sockets
      // are still up, and ffmpeg finishes each playlist while the routers live.
      // Shutting down is not the show ending: 'worker_died' tells clients to reconnect.
      await registry.closeAll('worker_died');
      signaling.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await notifier.close();
      await pool.close();
      log.info('media server closed');
    })();
    return closing;
  };

  return { url, pool, registry, close };
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
