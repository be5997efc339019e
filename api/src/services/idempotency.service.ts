import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { IdempotencyRepository } from '../repositories/idempotency.repository.js';

export type IdempotentOutcome = { statusCode: number; body: unknown; replayed: boolean };

/**
 * Stripe's idempotency semantics: the same key with the same request replays
 * the first response (successes and 4xx errors alike); the same key with a
 * different request is rejected (409); keys are scoped to the user. A
 * concurrent retry waits for the first request to finish, then replays it.
 */
export class IdempotencyService {
  constructor(
    private readonly records: IdempotencyRepository,
    private readonly waitMs = 15_000,
  ) {}

  async run(
    scope: { userId: string; key: string; method: string; path: string; body: unknown },
    work: () => Promise<{ statusCode: number; body: unknown }>,
  ): Promise<IdempotentOutcome> {
    const requestHash = createHash('sha256').update(stableJson(scope.body)).digest('hex');
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const begun = await this.records.begin({ ...scope, requestHash });
      if (begun.state === 'mismatch') {
        throw AppError.conflict(
          'idempotency_key_reused',
          'This Idempotency-Key was already used with a different request.',
          'Idempotency-Key',
        );
      }
      if (begun.state === 'replay') return { statusCode: begun.statusCode, body: begun.body, replayed: true };
      if (begun.state === 'in_progress') {
        if (Date.now() > deadline)
          throw AppError.conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still in progress.');
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      try {
        const outcome = await work();
        await this.records.complete(begun.id, outcome.statusCode, outcome.body);
        return { ...outcome, replayed: false };
      } catch (err) {
        // Client errors are part of the answer and replay like Stripe's; our own failures free the key for a retry.
        if (err instanceof AppError && err.status < 500 && err.status !== 409 && err.status !== 429) {
          const body = { error: err.toJSON() };
          await this.records.complete(begun.id, err.status, body);
          throw err;
        }
        await this.records.abandon(begun.id);
        throw err;
      }
    }
  }
}

/** JSON with sorted object keys, so semantically equal bodies hash equal. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
