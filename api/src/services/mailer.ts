import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationKind } from '@hawker/shared';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { MailOutboxRepository, OutboxRow } from '../repositories/mail-outbox.repository.js';

export type MailerConfig = {
  /** smtp://host:port (or smtps://user:pass@host:465); undefined = mail is off. */
  smtpUrl: string | undefined;
  from: string;
  /** Absolute base for links in mail (e.g. https://hawker.example). */
  publicUrl: string;
  /** Signs unsubscribe links. */
  secret: string;
  /** First retry after a failure; doubles each time, at most 10 minutes. */
  retryBaseMs: number;
  pollMs: number;
};

const LEASE_MS = 120_000;
const BATCH = 20;
/** Account mail (password reset, verification) is not a notification: no unsubscribe link. */
const ACCOUNT_KINDS = new Set(['account.password_reset', 'account.verify_email']);

/**
 * Email through an outbox table. Enqueueing writes a row; a worker on every
 * api node leases due rows and sends them with nodemailer, retrying with
 * backoff while the mail server is down. Each row keeps one Message-ID, so a
 * message sent twice (a node died after sending, before recording it) is
 * recognisable as the same message. Notification mail carries an unsubscribe
 * link for its kind (and the List-Unsubscribe header). Without SMTP_URL mail
 * is off: what would have been sent is logged instead (a local demo can
 * still follow a password-reset link).
 */
export class Mailer {
  readonly #transport: Transporter | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #closed = false;

  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly config: MailerConfig,
    private readonly logger: Logger,
  ) {
    this.#transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : undefined;
  }

  get enabled(): boolean {
    return this.#transport !== undefined;
  }

  get publicUrl(): string {
    return this.config.publicUrl;
  }

  start(): void {
    if (!this.enabled) return;
    this.#timer = setInterval(() => this.kick(), this.config.pollMs);
    this.#timer.unref();
    this.kick();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#running;
    this.#transport?.close();
  }

  async enqueue(mail: { userId: string | null; to: string; kind: string; subject: string; text: string }): Promise<void> {
    if (!this.enabled) {
      this.logger.info({ to: mail.to, kind: mail.kind, subject: mail.subject, text: mail.text }, 'mail is off (no SMTP_URL): not sent');
      return;
    }
    await this.outbox.insert(mail);
    this.kick();
  }

  kick(): void {
    if (this.#running || this.#closed || !this.enabled) return;
    this.#running = this.#sendDue()
      .catch((err: unknown) => this.logger.error({ err }, 'mail outbox run failed'))
      .finally(() => (this.#running = null));
  }

  /** Test hook: resolves once nothing is waiting to be sent (or `timeoutMs` passed). */
  async drained(timeoutMs = 30_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if ((await this.outbox.pending()) === 0) return true;
      this.kick();
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  async #sendDue(): Promise<void> {
    for (;;) {
      const rows = await this.outbox.lease(BATCH, LEASE_MS);
      if (rows.length === 0 || this.#closed) return;
      for (const row of rows) await this.#send(row);
    }
  }

  async #send(row: OutboxRow): Promise<void> {
    const unsubscribe = row.userId && !ACCOUNT_KINDS.has(row.kind) ? this.unsubscribeUrl(row.userId, row.kind as NotificationKind) : null;
    try {
      await this.#transport!.sendMail({
        from: this.config.from,
        to: row.toEmail,
        subject: row.subject,
        text: unsubscribe ? `${row.text}\n\n--\nStop these emails: ${unsubscribe}` : row.text,
        messageId: `<${row.messageId}>`,
        ...(unsubscribe ? { list: { unsubscribe: { url: unsubscribe, comment: 'Unsubscribe' } } } : {}),
      });
      await this.outbox.sent(row.id);
    } catch (err) {
      const delay = Math.min(600_000, this.config.retryBaseMs * 2 ** Math.min(row.attempts, 16));
      this.logger.warn({ err, mail: row.id, attempts: row.attempts + 1, retryInMs: delay }, 'mail not sent; will retry');
      await this.outbox.failed(row.id, err instanceof Error ? err.message : String(err), new Date(Date.now() + delay));
    }
  }

  /** A link that switches this kind of email off for this person, signed so nobody else's can be forged. */
  unsubscribeUrl(userId: string, kind: NotificationKind): string {
    const url = new URL('/api/notifications/unsubscribe', this.config.publicUrl);
    url.searchParams.set('u', userId);
    url.searchParams.set('k', kind);
    url.searchParams.set('s', this.#sign(userId, kind));
    return url.toString();
  }

  verifyUnsubscribe(userId: string, kind: string, signature: string): boolean {
    const expected = Buffer.from(this.#sign(userId, kind));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  #sign(userId: string, kind: string): string {
    return createHmac('sha256', this.config.secret).update(`unsubscribe:${userId}:${kind}`).digest('base64url');
  }
}
