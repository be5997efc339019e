/** What a session cookie resolves to. */
export type LiveSession<U> = { user: U; sessionId: string; expiresAt: Date };

const MAX_ENTRIES = 100_000;

/**
 * Sessions looked up in the last few seconds, by token hash, so a person's
 * page load and socket handshake (or a reconnect storm after a node restart)
 * cost PostgreSQL one read, not one each. An entry lives at most `ttlMs`
 * (5 s) and never past the session's own expiry; a session that ends
 * anywhere is dropped at once on every node that hears it, and remembered as
 * ended for as long as an entry could have lived, so a handshake that read
 * the entry just before the news can still be refused after it.
 */
export class SessionCache<U> {
  readonly #byToken = new Map<string, { session: LiveSession<U>; until: number }>();
  readonly #tokenOf = new Map<string, string>();
  readonly #ended = new Map<string, number>();

  constructor(private readonly ttlMs = 5000) {}

  get(tokenHash: string, now = Date.now()): LiveSession<U> | undefined {
    const hit = this.#byToken.get(tokenHash);
    if (!hit) return undefined;
    if (hit.until > now && hit.session.expiresAt.getTime() > now) return hit.session;
    this.#drop(tokenHash, hit.session.sessionId);
    return undefined;
  }

  set(tokenHash: string, session: LiveSession<U>, now = Date.now()): void {
    if (this.wasEnded(session.sessionId, now)) return;
    if (this.#byToken.size >= MAX_ENTRIES) this.#clear();
    this.#byToken.set(tokenHash, { session, until: now + this.ttlMs });
    this.#tokenOf.set(session.sessionId, tokenHash);
  }

  /** The session ended (logout, password reset) on this node or another. */
  ended(sessionId: string, now = Date.now()): void {
    const token = this.#tokenOf.get(sessionId);
    if (token) this.#drop(token, sessionId);
    if (this.#ended.size >= MAX_ENTRIES) this.#ended.clear();
    this.#ended.set(sessionId, now + this.ttlMs);
  }

  wasEnded(sessionId: string, now = Date.now()): boolean {
    const until = this.#ended.get(sessionId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#ended.delete(sessionId);
    return false;
  }

  #drop(tokenHash: string, sessionId: string): void {
    this.#byToken.delete(tokenHash);
    this.#tokenOf.delete(sessionId);
  }

  #clear(): void {
    this.#byToken.clear();
    this.#tokenOf.clear();
  }
}
