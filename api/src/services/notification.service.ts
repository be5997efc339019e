import {
  notificationKinds,
  type NotificationKind,
  type NotificationPayload,
  type NotificationPreferences,
  type NotificationsPage,
  type NotificationView,
} from '@hawker/shared';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { FanoutAudience, NotificationRepository } from '../repositories/notification.repository.js';
import type { Principal } from './auth.service.js';
import type { DomainEvents } from './domain-events.js';
import type { Mailer } from './mailer.js';

/** People written per fan-out transaction: big enough to be fast, small enough to keep each commit short. */
const FANOUT_BATCH = 5000;
/** How often every node looks for fan-out jobs a crashed node left unfinished. */
const FANOUT_POLL_MS = 5000;

/**
 * One notification centre. A notification for one person (their order was
 * shipped) is written at once and pushed on their own channel. One for many
 * (a creator with 100,000 followers went live) is pushed at once to the
 * sockets of followers who are online — one emit to the creator's followers
 * room, which the Redis adapter carries to every node — and written to the
 * database in batches in the background, so the request that caused it only
 * inserts a job row. Email goes out through the outbox when mail is on.
 */
export class NotificationService {
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #paused = false;

  constructor(
    private readonly repo: NotificationRepository,
    private readonly events: DomainEvents,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
  ) {}

  /** Starts the background fan-out (and the look-out for jobs left by a crashed node). */
  start(): void {
    this.#timer = setInterval(() => this.kick(), FANOUT_POLL_MS);
    this.#timer.unref();
    this.kick();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Tells one person, on every channel they want; `dedupeKey` makes a repeated event tell them once. */
  async notifyUser(userId: string, kind: NotificationKind, payload: NotificationPayload, dedupeKey: string | null = null): Promise<void> {
    const wants = await this.repo.wants(userId, kind, payload.creatorId);
    if (wants.inApp) {
      const row = await this.repo.insert(userId, kind, payload, dedupeKey);
      if (!row) return; // told before
      this.events.emit('notification.user', { userIds: [userId], push: { kind, payload, createdAt: row.createdAt.toISOString() } });
    }
    if (wants.email && wants.address)
      await this.mailer.enqueue({ userId, to: wants.address, kind, subject: payload.title, text: mailText(payload) });
  }

  /**
   * Tells a creator's followers (or a show's reminder list). Online followers
   * hear it now; the rows are written behind the answer.
   */
  async notifyMany(
    audience: FanoutAudience,
    target: { creatorId: string; streamId?: string },
    kind: NotificationKind,
    payload: NotificationPayload,
    eventKey: string,
  ): Promise<void> {
    const push = { kind, payload, createdAt: new Date().toISOString() };
    if (audience === 'followers') this.events.emit('notification.followers', { creatorId: target.creatorId, push });
    await this.repo.createJob({ audience, creatorId: target.creatorId, streamId: target.streamId ?? null, kind, payload, eventKey });
    this.kick();
  }

  /** Runs the fan-out now (on this node), unless it is already running; then once more if asked meanwhile. */
  kick(): void {
    if (this.#closed || this.#paused) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain()
      .catch((err: unknown) => this.logger.error({ err }, 'notification fan-out failed'))
      .finally(() => {
        this.#running = null;
        if (this.#again && !this.#closed) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Holds the background fan-out (jobs queue up); resume() picks them up. For measuring the request path alone. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.kick();
  }

  /** Test and shutdown hook: resolves when no fan-out job is left. */
  async drained(): Promise<void> {
    while ((await this.repo.pendingJobs()) > 0 || this.#running) {
      this.kick();
      await (this.#running ?? new Promise((r) => setTimeout(r, 50)));
    }
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      const batch = await this.repo.writeNextBatch(FANOUT_BATCH, (job) =>
        this.mailer.enabled ? { subject: job.payload.title, text: mailText(job.payload) } : null,
      );
      if (!batch) return;
      // Followers online heard it when it happened; a reminder list is pushed batch by batch.
      if (batch.job.audience === 'reminders' && batch.written.length > 0) {
        this.events.emit('notification.user', {
          userIds: batch.written,
          push: { kind: batch.job.kind, payload: batch.job.payload, createdAt: new Date().toISOString() },
        });
      }
      if (batch.done) this.logger.info({ job: batch.job.id, kind: batch.job.kind }, 'notification fan-out done');
    }
  }

  async list(
    principal: Principal | null,
    q: { since?: string | undefined; before?: string | undefined; limit: number },
  ): Promise<NotificationsPage> {
    if (!principal) throw AppError.unauthenticated();
    const [rows, unread] = await Promise.all([
      this.repo.list(principal.userId, {
        since: q.since ? new Date(q.since) : undefined,
        before: q.before ? new Date(q.before) : undefined,
        limit: q.limit,
      }),
      this.repo.unread(principal.userId),
    ]);
    return { data: rows.map(toView), unread };
  }

  async markRead(principal: Principal | null, ids: string[] | 'all'): Promise<{ unread: number }> {
    if (!principal) throw AppError.unauthenticated();
    await this.repo.markRead(principal.userId, ids);
    return { unread: await this.repo.unread(principal.userId) };
  }

  async preferences(principal: Principal | null): Promise<NotificationPreferences> {
    if (!principal) throw AppError.unauthenticated();
    const [prefs, muted] = await Promise.all([this.repo.preferences(principal.userId), this.repo.mutedCreators(principal.userId)]);
    const byKind = new Map(prefs.map((p) => [p.kind, p]));
    return {
      kinds: notificationKinds.map((kind) => ({ kind, inApp: byKind.get(kind)?.inApp ?? true, email: byKind.get(kind)?.email ?? true })),
      muted: muted.map((m) => m.creator),
    };
  }

  async setPreference(
    principal: Principal | null,
    kind: NotificationKind,
    channels: { inApp?: boolean | undefined; email?: boolean | undefined },
  ): Promise<NotificationPreferences> {
    if (!principal) throw AppError.unauthenticated();
    await this.repo.setPreference(principal.userId, kind, channels);
    // The person's sockets leave (or rejoin) the pushes of this kind on every node.
    if (channels.inApp !== undefined) this.events.emit('user.optout', { userId: principal.userId, kind, optedOut: !channels.inApp });
    return this.preferences(principal);
  }

  /** An unsubscribe link from an email: that kind's email goes off for that person. */
  async unsubscribe(userId: string, kind: NotificationKind): Promise<void> {
    await this.repo.setPreference(userId, kind, { email: false });
  }

  optedOut(userId: string): Promise<NotificationKind[]> {
    return this.repo.optedOut(userId);
  }
}

function mailText(payload: NotificationPayload): string {
  return `${payload.body}\n\n${payload.url}`;
}

function toView(r: { id: string; kind: string; payload: unknown; readAt: Date | null; createdAt: Date }): NotificationView {
  return {
    id: r.id,
    kind: r.kind as NotificationKind,
    payload: r.payload as NotificationPayload,
    readAt: r.readAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}
