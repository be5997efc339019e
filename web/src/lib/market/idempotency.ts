import { ApiError } from '../api.js';

/** The header every order-creating or money-moving request carries (Stripe's convention). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * A random UUID, like shared's newIdempotencyKey(). Not imported from there:
 * shared/src/ids.ts builds zod schemas at load time, which would put the whole
 * schema library into every marketplace page. And crypto.randomUUID exists only
 * in secure contexts (https, localhost); getRandomValues works everywhere, so a
 * shop reached over plain http on a LAN can still check out.
 */
export function newIdempotencyKey(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * True when the request may have done nothing, or may have done its work with
 * the answer lost on the way: retrying with the same key is then safe and the
 * api replays the first outcome instead of charging twice. The api frees keys
 * after its own failures (5xx) and answers 409 while the first try still runs.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  return err.status === 0 || err.status >= 500 || err.code === 'idempotency_in_progress';
}

/**
 * One key per intent. A retry of the same request (same fingerprint) after a
 * network failure reuses its key; once the request settles (success, or an
 * answer the api would replay forever such as a declined card) the next try of
 * the same thing is a new intent with a new key.
 */
export class IdempotencyKeys {
  readonly #keys = new Map<string, string>();
  readonly #generate: () => string;

  constructor(generate: () => string = newIdempotencyKey) {
    this.#generate = generate;
  }

  keyFor(fingerprint: string): string {
    let key = this.#keys.get(fingerprint);
    if (!key) {
      key = this.#generate();
      this.#keys.set(fingerprint, key);
    }
    return key;
  }

  /** Call when a request finished; `error` is what it threw, if anything. */
  settle(fingerprint: string, error?: unknown): void {
    if (error !== undefined && isRetryable(error)) return;
    this.#keys.delete(fingerprint);
  }
}
