import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { AppError } from '../errors.js';
import type { RedisClient } from '../repositories/redis.js';

/**
 * Login attempts per (IP, email) within a window. With Redis the counters are
 * shared by every api node; without it each process counts on its own.
 */
export function loginRateLimit(opts: {
  limit: number;
  windowMs: number;
  redis: RedisClient | undefined;
  keyPrefix: string;
}): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const body: unknown = req.body;
      const email = typeof body === 'object' && body !== null && 'email' in body ? String(body.email).toLowerCase() : '';
      return `${ipKeyGenerator(req.ip ?? '')}:${email}`;
    },
    handler: (_req, _res, next) => next(AppError.rateLimited('Too many login attempts; try again later.')),
    ...(opts.redis
      ? {
          store: new RedisStore({
            prefix: `${opts.keyPrefix}rl:login:`,
            sendCommand: (...args: string[]) => opts.redis!.sendCommand(args),
          }),
        }
      : {}),
  });
}
