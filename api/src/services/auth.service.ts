import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { MeResponse, PublicUser, Role } from '@hawker/shared';
import { AppError } from '../errors.js';
import type { SessionRepository } from '../repositories/session.repository.js';
import type { UserRepository } from '../repositories/user.repository.js';

/** Who is making a request, as established from the session cookie. */
export type Principal = { userId: string; roles: Role[] };

export type IssuedSession = { token: string; expiresAt: Date; user: PublicUser };

// Verifying against a real hash when the email is unknown keeps response time
// from revealing which emails have accounts.
const dummyHash = argon2.hash('not-a-real-password-' + randomBytes(8).toString('hex'));

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly sessionTtlMs: number,
  ) {}

  async register(input: { email: string; password: string; displayName: string }, meta: SessionMeta): Promise<IssuedSession> {
    const passwordHash = await argon2.hash(input.password);
    const user = await this.users.create({ email: input.email, passwordHash, displayName: input.displayName, roles: ['buyer'] });
    if (!user) throw AppError.conflict('email_taken', 'An account with this email already exists.', 'email');
    return this.issue(toPublicUser(user), meta);
  }

  async login(input: { email: string; password: string }, meta: SessionMeta): Promise<IssuedSession> {
    const user = await this.users.findByEmail(input.email);
    const ok = user
      ? await argon2.verify(user.passwordHash, input.password)
      : await argon2.verify(await dummyHash, input.password).then(() => false);
    if (!user || !ok) throw AppError.invalidCredentials();
    return this.issue(toPublicUser(user), meta);
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.sessions.deleteByTokenHash(hashSessionToken(token));
  }

  /** Resolves a cookie token to its user; null for missing, unknown or expired tokens. */
  async authenticate(token: string | undefined): Promise<PublicUser | null> {
    if (!token) return null;
    const session = await this.sessions.findLive(hashSessionToken(token), new Date());
    return session ? toPublicUser(session.user) : null;
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

function toPublicUser(u: { id: string; email: string; displayName: string; roles: Role[] }): PublicUser {
  return { id: u.id, email: u.email, displayName: u.displayName, roles: u.roles };
}
