import type { NotificationKind, NotificationPayload } from '@hawker/shared';
import type { PrismaClient } from '../generated/prisma/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { SQL_UTC_NOW } from './db/sql.js';

export type FanoutAudience = 'followers' | 'reminders';
export type FanoutJobRow = {
  id: string;
  audience: FanoutAudience;
  creatorId: string | null;
  streamId: string | null;
  kind: NotificationKind;
  payload: NotificationPayload;
  eventKey: string;
  cursor: string | null;
};
/** The email that goes with a fan-out, when mail is on. */
export type FanoutMail = { subject: string; text: string } | null;

const UTC_NOW = Prisma.raw(SQL_UTC_NOW);

/**
 * Notifications, the person's preferences, and the fan-out jobs that write a
 * notification for many people in batches.
 */
export class NotificationRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** One notification; null when this dedupe key was written before. */
  async insert(userId: string, kind: NotificationKind, payload: NotificationPayload, dedupeKey: string | null) {
    const rows = await this.prisma.$queryRaw<{ id: string; createdAt: Date }[]>`
      INSERT INTO notifications (id, "userId", kind, payload, "dedupeKey", "createdAt")
      VALUES (ledger_uuid_v7(), ${userId}::uuid, ${kind}, ${JSON.stringify(payload)}::jsonb, ${dedupeKey}, ${UTC_NOW})
      ON CONFLICT ("dedupeKey") DO NOTHING RETURNING id::text, "createdAt"`;
    return rows[0] ?? null;
  }

  list(userId: string, q: { since?: Date | undefined; before?: Date | undefined; limit: number }) {
    return this.prisma.notification.findMany({
      where: { userId, createdAt: { ...(q.since ? { gt: q.since } : {}), ...(q.before ? { lt: q.before } : {}) } },
      orderBy: { createdAt: 'desc' },
      take: q.limit,
      select: { id: true, kind: true, payload: true, readAt: true, createdAt: true },
    });
  }

  unread(userId: string): Promise<number> {
    return this.prisma.notification.count({ where: { userId, readAt: null } });
  }

  async markRead(userId: string, ids: string[] | 'all'): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { userId, readAt: null, ...(ids === 'all' ? {} : { id: { in: ids } }) },
      data: { readAt: new Date() },
    });
  }

  preferences(userId: string) {
    return this.prisma.notificationPreference.findMany({ where: { userId }, select: { kind: true, inApp: true, email: true } });
  }

  async setPreference(userId: string, kind: NotificationKind, channels: { inApp?: boolean | undefined; email?: boolean | undefined }) {
    const set = {
      ...(channels.inApp === undefined ? {} : { inApp: channels.inApp }),
      ...(channels.email === undefined ? {} : { email: channels.email }),
    };
    await this.prisma.notificationPreference.upsert({
      where: { userId_kind: { userId, kind } },
      create: { userId, kind, ...set },
      update: set,
    });
  }

  mutedCreators(userId: string) {
    return this.prisma.creatorMute.findMany({
      where: { userId },
      select: { creator: { select: { id: true, displayName: true, handle: true } } },
      orderBy: { createdAt: 'desc' },
    });
  }

  /** The channels this person wants for a kind (both on unless they said otherwise), and whether they muted the creator. */
  async wants(userId: string, kind: NotificationKind, creatorId: string | undefined) {
    const [pref, muted, user] = await Promise.all([
      this.prisma.notificationPreference.findUnique({ where: { userId_kind: { userId, kind } }, select: { inApp: true, email: true } }),
      creatorId ? this.prisma.creatorMute.count({ where: { userId, creatorId } }) : Promise.resolve(0),
      this.prisma.user.findUnique({ where: { id: userId }, select: { email: true } }),
    ]);
    if (muted > 0 || !user) return { inApp: false, email: false, address: null };
    return { inApp: pref?.inApp ?? true, email: pref?.email ?? true, address: user.email };
  }

  /** Kinds this person switched off in the app (their sockets are kept out of those pushes). */
  async optedOut(userId: string): Promise<NotificationKind[]> {
    const rows = await this.prisma.notificationPreference.findMany({ where: { userId, inApp: false }, select: { kind: true } });
    return rows.map((r) => r.kind as NotificationKind);
  }

  async createJob(job: Omit<FanoutJobRow, 'id' | 'cursor'>): Promise<string> {
    const row = await this.prisma.fanoutJob.create({
      data: { ...job, payload: job.payload },
      select: { id: true },
    });
    return row.id;
  }

  /**
   * Writes the next batch of one pending job, in one transaction: the job is
   * claimed with SKIP LOCKED (two nodes never write the same batch), its
   * audience read from the cursor on, and each person who wants it (not muted,
   * the kind not switched off) gets the notification, and an email when mail
   * is on and they did not switch email off. Returns what was done, or null
   * when no job is waiting.
   */
  async writeNextBatch(
    batchSize: number,
    mailFor: (job: FanoutJobRow) => FanoutMail,
  ): Promise<{ job: FanoutJobRow; written: string[]; done: boolean } | null> {
    return this.prisma.$transaction(
      async (tx) => {
        const [job] = await tx.$queryRaw<FanoutJobRow[]>`
          SELECT id::text, audience, "creatorId"::text AS "creatorId", "streamId"::text AS "streamId", kind, payload, "eventKey", cursor::text
            FROM fanout_jobs WHERE "doneAt" IS NULL ORDER BY "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED`;
        if (!job) return null;
        const mail = mailFor(job);
        const audience =
          job.audience === 'followers'
            ? Prisma.sql`SELECT f."followerId" AS uid FROM user_follows f
                 WHERE f."followeeId" = ${job.creatorId}::uuid AND (${job.cursor}::uuid IS NULL OR f."followerId" > ${job.cursor}::uuid)
                 ORDER BY f."followerId" LIMIT ${batchSize}`
            : // Reminded people who follow the creator (and did not mute them) hear it as a follower.
              Prisma.sql`SELECT r."userId" AS uid FROM show_reminders r
                 WHERE r."streamId" = ${job.streamId}::uuid AND (${job.cursor}::uuid IS NULL OR r."userId" > ${job.cursor}::uuid)
                 ORDER BY r."userId" LIMIT ${batchSize}`;
        const skipFollowers =
          job.audience === 'reminders' && job.kind === 'show.starting'
            ? Prisma.sql`AND NOT EXISTS (SELECT 1 FROM user_follows f WHERE f."followerId" = a.uid AND f."followeeId" = ${job.creatorId}::uuid
                 AND NOT EXISTS (SELECT 1 FROM creator_mutes m WHERE m."userId" = a.uid AND m."creatorId" = ${job.creatorId}::uuid))`
            : Prisma.empty;
        const [result] = await tx.$queryRaw<{ last: string | null; scanned: number; written: string[] | null }[]>`
          WITH audience AS (${audience}),
          eligible AS (
            SELECT a.uid FROM audience a
             WHERE NOT EXISTS (SELECT 1 FROM creator_mutes m WHERE m."userId" = a.uid AND m."creatorId" = ${job.creatorId}::uuid)
               AND NOT EXISTS (SELECT 1 FROM notification_preferences p WHERE p."userId" = a.uid AND p.kind = ${job.kind} AND NOT p."inApp")
               ${skipFollowers}
          ),
          written AS (
            INSERT INTO notifications (id, "userId", kind, payload, "dedupeKey", "createdAt")
            SELECT ledger_uuid_v7(), e.uid, ${job.kind}, ${JSON.stringify(job.payload)}::jsonb, ${job.eventKey} || ':' || e.uid, ${UTC_NOW}
              FROM eligible e
            ON CONFLICT ("dedupeKey") DO NOTHING RETURNING "userId"
          ),
          mailed AS (
            INSERT INTO mail_outbox (id, "userId", "toEmail", kind, subject, text, "messageId", "nextAttemptAt", "createdAt")
            SELECT v.id, v.uid, v.email, ${job.kind}, ${mail?.subject ?? ''}, ${mail?.text ?? ''}, v.id::text || '@hawker', ${UTC_NOW}, ${UTC_NOW}
              FROM (SELECT ledger_uuid_v7() AS id, w."userId" AS uid, u.email FROM written w JOIN users u ON u.id = w."userId"
                     WHERE ${mail !== null}
                       AND NOT EXISTS (SELECT 1 FROM notification_preferences p WHERE p."userId" = w."userId" AND p.kind = ${job.kind} AND NOT p.email)) v
            RETURNING 1
          )
          SELECT (SELECT max(uid::text) FROM audience) AS last, (SELECT count(*) FROM audience)::int AS scanned,
                 (SELECT array_agg("userId"::text) FROM written) AS written, (SELECT count(*) FROM mailed)::int AS mailed`;
        const written = result?.written ?? [];
        const done = (result?.scanned ?? 0) < batchSize;
        await tx.fanoutJob.update({
          where: { id: job.id },
          data: { cursor: result?.last ?? job.cursor, written: { increment: written.length }, ...(done ? { doneAt: new Date() } : {}) },
        });
        return { job, written, done };
      },
      { timeout: 60_000 },
    );
  }

  pendingJobs(): Promise<number> {
    return this.prisma.fanoutJob.count({ where: { doneAt: null } });
  }
}
