import type { LoginBody, MeResponse, PublicUser, RegisterBody, Role, ShopSummary, UserResponse } from '@hawker/shared';
import { ApiError, apiFetch, errorMessage } from './api.js';

/**
 * 'loading' until the first GET /api/me answers; the header shows neither
 * "Log in" nor a name meanwhile, so a logged-in person never sees a flash of
 * the logged-out state.
 */
export type SessionStatus = 'loading' | 'authenticated' | 'anonymous';

/**
 * Who is using this tab. The session itself lives in an httpOnly cookie the
 * page cannot read, so the api is asked (GET /api/me) and the answer kept here
 * as runes state for every component to read.
 */
export class Session {
  status = $state<SessionStatus>('loading');
  user = $state.raw<PublicUser | null>(null);
  shops = $state.raw<ShopSummary[]>([]);
  /** A problem worth telling the person about (api unreachable, logout failed). */
  error = $state<string | null>(null);

  // Each call that changes or checks the session takes a new number and only the
  // newest may write: a slow /api/me from page load must not undo a login that
  // finished before it.
  #generation = 0;

  hasRole(role: Role): boolean {
    return this.user?.roles.includes(role) ?? false;
  }

  /** Asks the api who is logged in. Never throws. */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    try {
      const me = await apiFetch<MeResponse>('/api/me');
      if (generation !== this.#generation) return;
      this.#signedIn(me.user, me.shops);
      this.error = null;
    } catch (err) {
      if (generation !== this.#generation) return;
      if (err instanceof ApiError && err.status === 401) {
        this.#signedOut();
        this.error = null;
        return;
      }
      // Only a 401 logs someone out; a failed check (api restarting, offline)
      // keeps what we knew, and on first load we cannot claim more than "anonymous".
      if (this.status === 'loading') this.#signedOut();
      this.error = errorMessage(err);
    }
  }

  /** Throws ApiError (e.g. 401 wrong password, 429 too many tries) with a message to show. */
  async login(email: string, password: string): Promise<PublicUser> {
    const body: LoginBody = { email, password };
    return this.#authenticate('/api/auth/login', body);
  }

  /** Creates the account; the api starts a session for it, as a login does. Throws like login. */
  async register(email: string, password: string, displayName: string): Promise<PublicUser> {
    const body: RegisterBody = { email, password, displayName };
    return this.#authenticate('/api/auth/register', body);
  }

  /** Ends the session on the server; on failure the person stays logged in and `error` says why. */
  async logout(): Promise<void> {
    const generation = ++this.#generation;
    try {
      await apiFetch<unknown>('/api/auth/logout', { method: 'POST' });
    } catch (err) {
      // 401: the session had already ended; anything else: the cookie may still
      // be valid, so showing "logged out" would be a lie.
      if (!(err instanceof ApiError && err.status === 401)) {
        if (generation === this.#generation) this.error = errorMessage(err);
        throw err;
      }
    }
    if (generation !== this.#generation) return;
    this.#signedOut();
    this.error = null;
  }

  async #authenticate(path: string, body: LoginBody | RegisterBody): Promise<PublicUser> {
    const generation = ++this.#generation;
    const { user } = await apiFetch<UserResponse>(path, { body });
    if (generation === this.#generation) {
      this.#signedIn(user, []);
      this.error = null;
      // Not awaited: the caller navigates on resolve, and a network wait here
      // would leave the page showing the new name under the old URL. The check
      // brings the shops and confirms the browser kept the session cookie.
      void this.load();
    }
    return user;
  }

  #signedIn(user: PublicUser, shops: ShopSummary[]): void {
    this.user = user;
    this.shops = shops;
    this.status = 'authenticated';
  }

  #signedOut(): void {
    this.user = null;
    this.shops = [];
    this.status = 'anonymous';
  }
}

/** The app's one session; main.ts loads it before the first render. */
export const session = new Session();
