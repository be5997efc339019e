import express, { type ErrorRequestHandler, type Express } from 'express';
import type { ApiErrorBody } from '@hawker/shared';
import { mediaHealth } from './health.js';
import { MediaServerError } from './errors.js';
import { childLogger, type Logger } from './logger.js';
import type { WorkerPool } from './WorkerPool.js';

export interface HttpAppOptions {
  pool: WorkerPool;
  logger: Logger;
}

/** The media server's HTTP surface. Routes for rooms and transports join later. */
export function createHttpApp({ pool, logger }: HttpAppOptions): Express {
  const log = childLogger(logger, 'http');
  const app = express();
  app.disable('x-powered-by');

  app.get('/health', (_req, res) => {
    const { httpStatus, body } = mediaHealth(pool);
    // Load balancers and the api poll this; a cached answer would hide a dead worker.
    res.set('Cache-Control', 'no-store').status(httpStatus).json(body);
  });

  app.use((req, res) => {
    const body: ApiErrorBody = {
      error: { type: 'not_found_error', code: 'route_not_found', message: `no route for ${req.method} ${req.path}` },
    };
    res.status(404).json(body);
  });

  // Express 5 forwards rejected promises from handlers here too.
  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const status = err instanceof MediaServerError ? err.status : 500;
    const code = err instanceof MediaServerError ? err.code : 'internal_error';
    if (status >= 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    const body: ApiErrorBody = {
      error: {
        type: 'api_error',
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
