import type { Ack } from '@hawker/shared';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { AppError } from '../errors.js';

/**
 * Wraps a socket request handler: parse the payload with zod, run the service,
 * and always answer through the ack — `{ ok: true, data }` or
 * `{ ok: false, error: { code, message } }`. A client that sends no ack
 * callback, or garbage, never crashes the node.
 */
export function handle<P, R>(schema: ZodType<P>, logger: Logger, run: (payload: P) => Promise<R>) {
  return (payload: unknown, ack: unknown): void => {
    const reply: Ack<R> = typeof ack === 'function' ? (ack as Ack<R>) : () => undefined;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      reply({
        ok: false,
        error: { code: 'invalid_payload', message: issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid payload' },
      });
      return;
    }
    run(parsed.data).then(
      (data) => reply({ ok: true, data }),
      (err: unknown) => {
        if (err instanceof AppError) {
          reply({ ok: false, error: { code: err.code, message: err.message, ...(err.prices ? { prices: err.prices } : {}) } });
          return;
        }
        logger.error({ err }, 'socket handler failed');
        reply({ ok: false, error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
      },
    );
  };
}
