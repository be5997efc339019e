import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { AppError } from '../errors.js';
import { Limiter } from './limiter.js';

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): one
 * lane keeps a hash on one thread, so the cap below is a cap on cores.
 */
export const PASSWORD_HASH_PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const PARAMS = PASSWORD_HASH_PARAMS;

export type HashLimits = {
  /** Hashes computed at once. */
  concurrency: number;
  /** Hashes that may wait for a slot; past it the request is refused at once. */
  queue: number;
  /** Hashes one client (IP) may have running or waiting. */
  perClient: number;
};

/**
 * Every password hash and verification goes through here. argon2 is made to
 * be expensive, and it runs on libuv's thread pool, which file reads, DNS and
 * zlib share: 40 logins at once used to fill every thread and every core, and
 * an image read took 3 s. So hashes run a few at a time, a short queue waits,
 * and one client cannot hold more than a few places in it. A refusal is 429:
 * the client may retry in a moment.
 */
export class PasswordHasher {
  readonly #slots: Limiter;
  readonly #perClient = new Map<string, number>();
  // Verifying against a real hash when the email is unknown keeps the response
  // time from telling which emails have accounts.
  #dummy: Promise<string> | undefined;

  constructor(private readonly limits: HashLimits) {
    this.#slots = new Limiter(limits.concurrency);
  }

  /**
   * One sign-in attempt (a login or a registration) from a client, from its
   * first check to its answer. A client holds at most `perClient` attempts at
   * once and the rest are refused before any I/O; when the queue for hashes
   * is already full the attempt is refused at once as well.
   */
  async attempt<T>(client: string, body: () => Promise<T>): Promise<T> {
    const held = this.#perClient.get(client) ?? 0;
    if (held >= this.limits.perClient) throw busy('Too many sign-in attempts at once from your network; try again in a moment.');
    if (this.#full()) throw busy('Hawker is checking many sign-ins right now; try again in a moment.');
    this.#perClient.set(client, held + 1);
    try {
      return await body();
    } finally {
      const left = (this.#perClient.get(client) ?? 1) - 1;
      if (left > 0) this.#perClient.set(client, left);
      else this.#perClient.delete(client);
    }
  }

  hash(password: string): Promise<string> {
    return this.#run(() => argon2.hash(password, PARAMS));
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.#run(() => argon2.verify(hash, password));
  }

  /** As long as a real verification, always false: for logins to emails that have no account. */
  async verifyNothing(password: string): Promise<false> {
    this.#dummy ??= argon2.hash(`not-a-real-password-${randomBytes(8).toString('hex')}`, PARAMS);
    const dummy = await this.#dummy;
    await this.#run(() => argon2.verify(dummy, password));
    return false;
  }

  /** Whether a stored hash was made with other parameters (rehash it on the next successful login). */
  outdated(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, PARAMS);
    } catch {
      return false;
    }
  }

  #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#full()) return Promise.reject(busy('Hawker is checking many sign-ins right now; try again in a moment.'));
    return this.#slots.run(work);
  }

  #full(): boolean {
    return this.#slots.saturated && this.#slots.waiting >= this.limits.queue;
  }
}

function busy(message: string): AppError {
  return new AppError(429, 'rate_limit_error', 'auth_busy', message);
}
