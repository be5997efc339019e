import { createHash, randomBytes } from 'node:crypto';
import type { MeResponse, PublicUser, Role } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { SessionRepository } from '../repositories/session.repository.js';
import type { UserRepository } from '../repositories/user.repository.js';
import type { PasswordHasher } from './password-hasher.js';
import type { PasswordPolicy } from './password-policy.js';
import type { SignInGuard } from './sign-in-guard.js';
import type { DomainEvents } from './domain-events.js';
import { SessionCache, type LiveSession } from './session-cache.js';

/** Who is making a request, as established from the session cookie. */
export type Principal = { userId: string; roles: Role[] };

export type IssuedSession = { token: string; expiresAt: Date; user: PublicUser };

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class AuthService {
  /** Ended sessions are dropped from it on every node (container.ts wires the news). */
  readonly sessionCache = new SessionCache<PublicUser>();

  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly sessionTtlMs: number,
    private readonly hasher: PasswordHasher,
    private readonly guard: SignInGuard,
    private readonly passwords: PasswordPolicy,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Counted per IP first; the cheaper checks (email taken: one indexed read;
   * password strength: a few ms) come before the expensive hash, so a flood
   * of sign-ups cannot make the server hash for free.
   */
  async register(input: { email: string; password: string; displayName: string }, meta: SessionMeta): Promise<IssuedSession> {
    const ip = meta.ip ?? 'unknown';
    return this.hasher.attempt(ip, async () => {
      await this.guard.admitRegistration(ip);
      if (await this.users.findByEmail(input.email)) throw emailTaken();
      this.passwords.check(input.password, [input.email, input.email.split('@')[0] ?? '', input.displayName, 'hawker']);
      const passwordHash = await this.hasher.hash(input.password);
      const user = await this.users.create({ email: input.email, passwordHash, displayName: input.displayName, roles: ['buyer'] });
      if (!user) throw emailTaken();
      return this.issue(toPublicUser(user), meta);
    });
  }

  async login(input: { email: string; password: string }, meta: SessionMeta): Promise<IssuedSession> {
    const ip = meta.ip ?? 'unknown';
    return this.hasher.attempt(ip, async () => {
      await this.guard.admitLogin(input.email, ip);
      const user = await this.users.findByEmail(input.email);
      const ok = user ? await this.hasher.verify(user.passwordHash, input.password) : await this.hasher.verifyNothing(input.password);
      if (!user || !ok) {
        await this.guard.failed(input.email, ip);
        throw AppError.invalidCredentials();
      }
      await this.guard.succeeded(input.email, ip);
      // Hashes made with older parameters are upgraded while the password is at hand.
      if (this.hasher.outdated(user.passwordHash))
        await this.users.setPasswordHash(user.id, await this.hasher.hash(input.password)).catch(() => undefined);
      return this.issue(toPublicUser(user), meta);
    });
  }

  /** Ends the session, and with it every socket it opened, on every api node. */
  async logout(token: string | undefined): Promise<void> {
    if (!token) return;
    const ended = await this.sessions.deleteByTokenHash(hashSessionToken(token));
    for (const sessionId of ended) this.events.emit('session.ended', { sessionId });
  }

  /** Resolves a cookie token to its user; null for missing, unknown or expired tokens. */
  async authenticate(token: string | undefined): Promise<PublicUser | null> {
    return (await this.session(token))?.user ?? null;
  }

  /** The live session behind a cookie token: its user, id and expiry (sockets watch the expiry). */
  async session(token: string | undefined): Promise<LiveSession<PublicUser> | null> {
    if (!token) return null;
    const tokenHash = hashSessionToken(token);
    const session = await this.sessions.findLive(tokenHash, new Date());
    if (!session) return null;
    const live = { user: toPublicUser(session.user), sessionId: session.id, expiresAt: session.expiresAt };
    this.sessionCache.set(tokenHash, live);
    return live;
  }

  /**
   * The same, read through the 5-second cache: for socket handshakes, which
   * come right after the page's own requests (and all at once when a node
   * restarts). HTTP requests read fresh, so a role gained a moment ago counts.
   */
  async cachedSession(token: string | undefined): Promise<LiveSession<PublicUser> | null> {
    if (!token) return null;
    return this.sessionCache.get(hashSessionToken(token)) ?? this.session(token);
  }

  async me(principal: Principal | null): Promise<MeResponse> {
    if (!principal) throw AppError.unauthenticated();
    const user = await this.users.findById(principal.userId);
    if (!user) throw AppError.unauthenticated();
    return { user: toPublicUser(user), shops: await this.users.shopsOf(user.id) };
  }

  private async issue(user: PublicUser, meta: SessionMeta): Promise<IssuedSession> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    await this.sessions.create({
      userId: user.id,
      tokenHash: hashSessionToken(token),
      expiresAt,
      ...(meta.userAgent ? { userAgent: meta.userAgent.slice(0, 300) } : {}),
      ...(meta.ip ? { ip: meta.ip } : {}),
    });
    return { token, expiresAt, user };
  }
}

export type SessionMeta = { userAgent?: string | undefined; ip?: string | undefined };

function emailTaken(): AppError {
  return AppError.conflict('email_taken', 'An account with this email already exists.', 'email');
}

function toPublicUser(u: { id: string; email: string; displayName: string; roles: Role[] }): PublicUser {
  return { id: u.id, email: u.email, displayName: u.displayName, roles: u.roles };
}
