import express, { type ErrorRequestHandler, type Express } from 'express';
import type { ApiErrorBody, ErrorType } from '@hawker/shared';
import type { BroadcastRegistry } from './BroadcastRegistry.js';
import { mediaHealth } from './health.js';
import { createHlsRouter } from './hls-routes.js';
import { createInternalRouter } from './internal-routes.js';
import { MediaServerError } from './errors.js';
import { childLogger, type Logger } from './logger.js';
import type { WorkerPool } from './WorkerPool.js';

export interface HttpAppOptions {
  pool: WorkerPool;
  registry: BroadcastRegistry;
  hlsDir: string;
  /** MEDIA_TOKEN_SECRET, also the key to the internal routes. */
  internalSecret: string;
  logger: Logger;
}

function errorType(status: number): ErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  return status < 500 ? 'invalid_request_error' : 'api_error';
}

/**
 * The media server's HTTP surface: /health, HLS files (live and replay) and
 * the api's internal control routes. Socket.IO signaling shares the server.
 */
export function createHttpApp({ pool, registry, hlsDir, internalSecret, logger }: HttpAppOptions): Express {
  const log = childLogger(logger, 'http');
  const app = express();
  app.disable('x-powered-by');

  app.get('/health', (_req, res) => {
    const { httpStatus, body } = mediaHealth(pool);
    // Load balancers and the api poll this; a cached answer would hide a dead worker.
    res.set('Cache-Control', 'no-store').status(httpStatus).json(body);
  });

  app.use(createHlsRouter({ hlsDir }));
  app.use(createInternalRouter({ registry, secret: internalSecret }));

  app.use((req, res) => {
    const body: ApiErrorBody = {
      error: { type: 'not_found_error', code: 'route_not_found', message: `no route for ${req.method} ${req.path}` },
    };
    res.status(404).json(body);
  });

  // Express 5 forwards rejected promises from handlers here too.
  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    // Express's own client errors (a malformed %-escape, an oversized body) carry a 4xx status.
    const clientStatus = (err as { status?: unknown } | null)?.status;
    const expressClientError = typeof clientStatus === 'number' && clientStatus >= 400 && clientStatus < 500;
    const status = err instanceof MediaServerError ? err.status : expressClientError ? clientStatus : 500;
    const code = err instanceof MediaServerError ? err.code : expressClientError ? 'bad_request' : 'internal_error';
    if (status >= 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    const body: ApiErrorBody = {
      error: {
        type: errorType(status),
        code,
        // Internal messages can leak paths and pids; only our own errors are shown.
        message: err instanceof MediaServerError ? err.message : 'internal error',
      },
    };
    res.status(status).json(body);
  };
  app.use(onError);

  return app;
}
