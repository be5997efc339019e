import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';

/** Renders every failure as `{ error: { type, code, message, param? } }`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.status >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return;
    res.status(appError.status).json({ error: appError.toJSON() });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'not_found_error', 'route_not_found', `No route for ${req.method} ${req.path}.`));
};

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (typeof err === 'object' && err !== null && 'type' in err) {
    const e = err as { type?: string; status?: number };
    // body-parser failures: keep them 4xx with a clear code.
    if (e.type === 'entity.parse.failed') return AppError.badRequest('invalid_json', 'The request body is not valid JSON.');
    if (e.type === 'entity.too.large')
      return new AppError(413, 'invalid_request_error', 'body_too_large', 'The request body is too large.');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
      return new AppError(415, 'invalid_request_error', 'unsupported_encoding', 'Unsupported request encoding.');
  }
  // Middleware such as serve-static reports a missing file (404) or an undecodable path (400) by status.
  const status =
    typeof err === 'object' && err !== null
      ? ((err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode)
      : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return status === 404
      ? new AppError(404, 'not_found_error', 'resource_missing', 'Not found.')
      : new AppError(status, 'invalid_request_error', 'invalid_request', 'The request could not be understood.');
  }
  return AppError.internal();
}
