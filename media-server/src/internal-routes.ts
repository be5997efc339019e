import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { MEDIA_INTERNAL_HEADER, type BroadcastStatus } from '@hawker/shared';
import type { BroadcastRegistry } from './BroadcastRegistry.js';
import { NotFoundError, UnauthorizedError } from './errors.js';

const streamIdSchema = z.uuid();

/**
 * Compares the header with the secret in constant time. Both sides are
 * hashed first so the comparison does not leak the secret's length either
 * (timingSafeEqual needs equal lengths).
 */
export function internalSecretMatches(given: unknown, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/**
 * api → media-server control, guarded by the shared secret in
 * `x-hawker-internal`: a broadcast's status, and ending it ("End show").
 */
export function createInternalRouter({ registry, secret }: { registry: BroadcastRegistry; secret: string }): Router {
  const router = Router();

  const requireSecret: RequestHandler = (req, _res, next) => {
    if (!internalSecretMatches(req.get(MEDIA_INTERNAL_HEADER), secret)) throw new UnauthorizedError();
    next();
  };
  router.use('/internal', requireSecret);

  const streamIdOf = (raw: string): string => {
    const parsed = streamIdSchema.safeParse(raw);
    if (!parsed.success) throw new NotFoundError('no broadcast for this stream');
    return parsed.data;
  };

  router.get('/internal/broadcasts/:streamId', (req, res) => {
    const broadcast = registry.get(streamIdOf(req.params.streamId));
    if (!broadcast || broadcast.closed) throw new NotFoundError('no broadcast for this stream');
    const status: BroadcastStatus = broadcast.status();
    res.set('Cache-Control', 'no-store').json(status);
  });

  router.post('/internal/broadcasts/:streamId/close', async (req, res) => {
    const summary = await registry.close(streamIdOf(req.params.streamId), 'ended');
    if (!summary) throw new NotFoundError('no broadcast for this stream');
    res.set('Cache-Control', 'no-store').json({ recordingPath: summary.recordingPath, durationMs: summary.durationMs });
  });

  return router;
}
