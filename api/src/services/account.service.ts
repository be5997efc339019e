import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import type { AccountTokenRepository, AccountTokenPurpose } from '../repositories/account-token.repository.js';
import type { SessionRepository } from '../repositories/session.repository.js';
import type { UserRepository } from '../repositories/user.repository.js';
import type { WindowCounter } from '../repositories/window-counter.js';
import { hashSessionToken, type Principal } from './auth.service.js';
import type { DomainEvents } from './domain-events.js';
import type { Mailer } from './mailer.js';
import type { PasswordHasher } from './password-hasher.js';
import type { PasswordPolicy } from './password-policy.js';

const RESET_TTL_MS = 30 * 60_000;
const VERIFY_TTL_MS = 7 * 86_400_000;
/** Reset or verification mails per email per hour (per IP: configured). */
const MAILS_PER_EMAIL_PER_HOUR = 5;

/**
 * What a real account needs besides logging in: resetting a forgotten
 * password and verifying an email address, both by a single-use link sent
 * through the mail outbox. A reset request never says whether the email has
 * an account; a reset logs the account out everywhere.
 */
export class AccountService {
  constructor(
    private readonly users: UserRepository,
    private readonly tokens: AccountTokenRepository,
    private readonly sessions: SessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly passwords: PasswordPolicy,
    private readonly mailer: Mailer,
    private readonly events: DomainEvents,
    private readonly mails: WindowCounter,
    private readonly mailsPerIpPerHour: number,
  ) {}

  async #admitMail(ip: string, email: string): Promise<void> {
    const [byIp, byEmail] = await Promise.all([this.mails.hit(`ip:${ip}`), this.mails.hit(`email:${email}`)]);
    if (byIp > this.mailsPerIpPerHour || byEmail > MAILS_PER_EMAIL_PER_HOUR)
      throw AppError.rateLimited('Too many emails asked for; try again later.');
  }

  async requestPasswordReset(email: string, ip: string): Promise<void> {
    await this.#admitMail(ip, email);
    const user = await this.users.findByEmail(email);
    if (!user) return; // the same answer either way: no account enumeration
    await this.tokens.revokeOpen(user.id, 'password_reset');
    const token = await this.#issue(user.id, 'password_reset', RESET_TTL_MS);
    await this.mailer.enqueue({
      userId: user.id,
      to: user.email,
      kind: 'account.password_reset',
      subject: 'Reset your Hawker password',
      text: `Someone (hopefully you) asked to reset the password of your Hawker account.\n\nChoose a new password within 30 minutes: ${this.#link('/reset-password', token)}\n\nIf it was not you, ignore this email: your password stays as it is.`,
    });
  }

  async resetPassword(token: string, password: string, ip: string): Promise<void> {
    await this.hasher.attempt(ip, async () => {
      const userId = await this.tokens.consume(hashSessionToken(token), 'password_reset');
      if (!userId) throw AppError.badRequest('invalid_token', 'This reset link is invalid, used or expired; ask for a new one.', 'token');
      const user = (await this.users.findById(userId))!;
      this.passwords.check(password, [user.email, user.email.split('@')[0] ?? '', user.displayName, 'hawker']);
      await this.users.setPasswordHash(userId, await this.hasher.hash(password));
      for (const sessionId of await this.sessions.deleteAllOf(userId)) this.events.emit('session.ended', { sessionId });
    });
  }

  /** Sends (or sends again) the verification link to the person's email. */
  async sendVerification(userId: string, ip: string): Promise<void> {
    const user = await this.users.emailStatus(userId);
    if (!user || user.emailVerifiedAt) return;
    await this.#admitMail(ip, user.email);
    await this.tokens.revokeOpen(userId, 'verify_email');
    const token = await this.#issue(userId, 'verify_email', VERIFY_TTL_MS);
    await this.mailer.enqueue({
      userId,
      to: user.email,
      kind: 'account.verify_email',
      subject: 'Confirm your email for Hawker',
      text: `Welcome to Hawker, ${user.displayName}!\n\nConfirm this is your email: ${this.#link('/verify-email', token)}`,
    });
  }

  async resendVerification(principal: Principal | null, ip: string): Promise<void> {
    if (!principal) throw AppError.unauthenticated();
    await this.sendVerification(principal.userId, ip);
  }

  async verifyEmail(token: string): Promise<void> {
    const userId = await this.tokens.consume(hashSessionToken(token), 'verify_email');
    if (!userId) throw AppError.badRequest('invalid_token', 'This link is invalid, used or expired; ask for a new one.', 'token');
    await this.users.markEmailVerified(userId);
  }

  async #issue(userId: string, purpose: AccountTokenPurpose, ttlMs: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.tokens.create(userId, purpose, hashSessionToken(token), new Date(Date.now() + ttlMs));
    return token;
  }

  #link(path: string, token: string): string {
    const url = new URL(path, this.mailer.publicUrl);
    url.searchParams.set('token', token);
    return url.toString();
  }
}
